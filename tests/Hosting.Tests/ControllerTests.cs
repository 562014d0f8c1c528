using System.Collections.Concurrent;
using KubeInformers.Hosting.Controllers;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Hosting.Tests;

public class ControllerTests
{
    /// <summary>Counts finished reconciles through the reconcile-duration metric, which is recorded after the key's
    /// retry or requeue has been scheduled: waiting on it avoids racing the fake clock against that scheduling.</summary>
    private sealed class Finished : IDisposable
    {
        private readonly MeterCollector<double> _collector;
        public Finished(string controller) => _collector = new MeterCollector<double>(KubeInformersInstruments.ReconcileDuration, "controller", controller);
        public int Count => _collector.Snapshot().Count;
        public Task WaitAsync(int n) => Wait.UntilAsync(() => Count >= n, $"{n} finished reconcile(s)");
        public void Dispose() => _collector.Dispose();
    }

    // Unique per test: the meter is process-wide and test classes run in parallel.
    private readonly string _name = "test-" + Guid.NewGuid().ToString("N")[..8];

    private Controller<string> Create(Func<string, CancellationToken, Task<ReconcileResult>> reconcile, int workers = 1,
        TimeProvider? time = null, KubeInformersMetrics? metrics = null, int? maxRetries = null) =>
        new(_name, new DelegateReconciler<string>(reconcile), new ControllerOptions<string>
        {
            Workers = workers,
            RateLimiter = WorkQueueRateLimiters.ItemExponential<string>(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)),
            MaxRetries = maxRetries,
        }, timeProvider: time, metrics: metrics);

    [Fact]
    public async Task OneKeyIsNeverReconciledConcurrently_WhileDifferentKeysAre()
    {
        var inFlight = new ConcurrentDictionary<string, int>();
        var maxPerKey = 0;
        var maxOverall = 0;
        var overall = 0;
        var runsOfA = 0;
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new ConcurrentDictionary<string, bool>();
        Controller<string>? controller = null;
        controller = Create(async (key, ct) =>
        {
            var mine = inFlight.AddOrUpdate(key, 1, (_, n) => n + 1);
            var all = Interlocked.Increment(ref overall);
            InterlockedMax(ref maxPerKey, mine);
            InterlockedMax(ref maxOverall, all);
            started[key] = true;
            if (started.Count == 2)
            {
                bothStarted.TrySetResult();
            }
            if (key == "a" && Interlocked.Increment(ref runsOfA) == 1)
            {
                controller!.Enqueue("a"); // re-added while processing: must wait for Done
                controller.Enqueue("a");
            }
            await bothStarted.Task.WaitAsync(ct);
            await Task.Yield();
            Interlocked.Decrement(ref overall);
            inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
            return ReconcileResult.Done;
        }, workers: 4);

        using var cts = new CancellationTokenSource();
        var run = controller.RunAsync(cts.Token);
        controller.Enqueue("a");
        controller.Enqueue("b");
        await Wait.UntilAsync(() => Volatile.Read(ref runsOfA) == 2, "key a reconciled a second time");
        await controller.ShutDownAsync();
        await Wait.ForAsync(run, "workers to stop");

        Assert.Equal(1, maxPerKey);
        Assert.Equal(2, maxOverall);
        Assert.Equal(2, runsOfA); // the two re-adds while processing collapsed into one
    }

    [Fact]
    public async Task AFailingReconcile_IsRetriedWithPerKeyBackoff_ThenForgottenOnSuccess()
    {
        var time = new FakeTimeProvider();
        var attempts = new ConcurrentQueue<TimeSpan>();
        var start = time.GetUtcNow();
        using var metrics = new KubeInformersMetrics(new FakeInformerSource(), timeProvider: time);
        using var finished = new Finished(_name);
        var controller = Create((key, _) =>
        {
            attempts.Enqueue(time.GetUtcNow() - start);
            return attempts.Count < 3 ? throw new InvalidOperationException("boom") : Task.FromResult(ReconcileResult.Done);
        }, time: time, metrics: metrics);
        using var cts = new CancellationTokenSource();
        var run = controller.RunAsync(cts.Token);

        controller.Enqueue("ns/a");
        await finished.WaitAsync(1);
        Assert.Equal(1, controller.Queue.NumRequeues("ns/a"));
        time.Advance(TimeSpan.FromSeconds(1));
        await finished.WaitAsync(2);
        Assert.Equal(2, controller.Queue.NumRequeues("ns/a"));
        time.Advance(TimeSpan.FromSeconds(2));
        await Wait.UntilAsync(() => attempts.Count == 3, "third attempt after 2 s more");
        await Wait.UntilAsync(() => controller.Queue.NumRequeues("ns/a") == 0, "success to forget the history");

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)], attempts.ToArray());
        await controller.ShutDownAsync();
        await run;
    }

    [Fact]
    public async Task RequeueAfter_ReconcilesTheKeyAgainAfterTheDelay()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var attempts = new ConcurrentQueue<TimeSpan>();
        using var metrics = new KubeInformersMetrics(new FakeInformerSource(), timeProvider: time);
        using var finished = new Finished(_name);
        var controller = Create((_, _) =>
        {
            attempts.Enqueue(time.GetUtcNow() - start);
            return Task.FromResult(attempts.Count == 1 ? ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(30)) : ReconcileResult.Done);
        }, time: time, metrics: metrics);
        var run = controller.RunAsync(CancellationToken.None);
        controller.Enqueue("k");
        await finished.WaitAsync(1);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Single(attempts);
        time.Advance(TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => attempts.Count == 2, "the requeue after 30 s");
        Assert.Equal(TimeSpan.FromSeconds(30), attempts.Last());
        Assert.Equal(0, controller.Queue.NumRequeues("k"));
        await controller.ShutDownAsync();
        await run;
    }

    [Fact]
    public async Task RequeueResult_IsRateLimitedLikeAFailure()
    {
        var time = new FakeTimeProvider();
        var count = 0;
        using var metrics = new KubeInformersMetrics(new FakeInformerSource(), timeProvider: time);
        using var finished = new Finished(_name);
        var controller = Create((_, _) => Task.FromResult(Interlocked.Increment(ref count) == 1 ? ReconcileResult.Requeue : ReconcileResult.Done),
            time: time, metrics: metrics);
        var run = controller.RunAsync(CancellationToken.None);
        controller.Enqueue("k");
        await finished.WaitAsync(1);
        Assert.Equal(1, controller.Queue.NumRequeues("k"));
        time.Advance(TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => Volatile.Read(ref count) == 2, "the retry");
        await controller.ShutDownAsync();
        await run;
    }

    [Fact]
    public async Task CancellingTheTerm_CancelsInFlightReconcilesAtOnce_AndKeepsTheirKeysForTheNextTerm()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawCancellation = false;
        var calls = 0;
        var controller = Create(async (_, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                entered.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    sawCancellation = true;
                    throw;
                }
            }
            return ReconcileResult.Done;
        });
        using var term = new CancellationTokenSource();
        var run = controller.RunAsync(term.Token);
        controller.Enqueue("k");
        await Wait.ForAsync(entered.Task, "the reconcile to start");

        term.Cancel();
        await Wait.ForAsync(run, "the workers to stop");
        Assert.True(sawCancellation);
        Assert.False(controller.IsRunning);
        Assert.Equal(1, controller.Queue.Count);

        var next = controller.RunAsync(CancellationToken.None);
        await Wait.UntilAsync(() => Volatile.Read(ref calls) == 2, "the key in the next term");
        await controller.ShutDownAsync();
        await next;
    }

    [Fact]
    public async Task ShutDown_LetsInFlightReconcilesFinish_AndTakesNoNewKeys()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconciled = new ConcurrentQueue<string>();
        var controller = Create(async (key, ct) =>
        {
            entered.TrySetResult();
            await gate.Task; // ignores ct on purpose: a drain must not cancel it
            reconciled.Enqueue(key);
            return ReconcileResult.Done;
        });
        var run = controller.RunAsync(CancellationToken.None);
        controller.Enqueue("a");
        await Wait.ForAsync(entered.Task, "a to start");
        controller.Enqueue("b");

        var shutdown = controller.ShutDownAsync();
        Assert.False(shutdown.IsCompleted);
        gate.SetResult();
        await Wait.ForAsync(shutdown, "the drain");
        await Wait.ForAsync(run, "the workers");

        Assert.Equal(["a"], reconciled.ToArray());
        Assert.True(controller.Queue.ShuttingDown);
    }

    [Fact]
    public async Task ShutDown_WhenItsTokenFires_CancelsReconcilesStillRunning()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var controller = Create(async (_, ct) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Done;
        });
        var run = controller.RunAsync(CancellationToken.None);
        controller.Enqueue("a");
        await Wait.ForAsync(entered.Task, "a to start");
        using var drainTimeout = new CancellationTokenSource();
        var shutdown = controller.ShutDownAsync(drainTimeout.Token);
        Assert.False(shutdown.IsCompleted);
        drainTimeout.Cancel();
        await Wait.ForAsync(shutdown, "shutdown after the drain timeout");
        await Wait.ForAsync(run, "the workers");
    }

    [Fact]
    public async Task ShutDown_WithADrainTimeout_CancelsReconcilesStillRunningWhenTheBoundPasses()
    {
        var time = new FakeTimeProvider();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = false;
        var controller = new Controller<string>("drain", new DelegateReconciler<string>(async (_, ct) =>
        {
            entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                throw;
            }
            return ReconcileResult.Done;
        }), new ControllerOptions<string> { DrainTimeout = TimeSpan.FromSeconds(10) }, timeProvider: time);
        var run = controller.RunAsync(CancellationToken.None);
        controller.Enqueue("a");
        await Wait.ForAsync(entered.Task, "a to start");

        var shutdown = controller.ShutDownAsync();
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(shutdown.IsCompleted);
        Assert.False(cancelled);
        time.Advance(TimeSpan.FromSeconds(1));
        await Wait.ForAsync(shutdown, "shutdown once the drain bound passed");
        await Wait.ForAsync(run, "the workers");
        Assert.True(cancelled);
    }

    [Fact]
    public async Task MaxRetries_DropsAKeyThatKeepsFailing()
    {
        var time = new FakeTimeProvider();
        var calls = 0;
        using var metrics = new KubeInformersMetrics(new FakeInformerSource(), timeProvider: time);
        using var finished = new Finished(_name);
        var controller = Create((_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("always");
        }, time: time, maxRetries: 2, metrics: metrics);
        var run = controller.RunAsync(CancellationToken.None);
        controller.Enqueue("k");
        await finished.WaitAsync(1);
        time.Advance(TimeSpan.FromSeconds(1));
        await finished.WaitAsync(2);
        time.Advance(TimeSpan.FromSeconds(2));
        await finished.WaitAsync(3);
        Assert.Equal(0, controller.Queue.NumRequeues("k"));
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, controller.Queue.Count);
        await controller.ShutDownAsync();
        await run;
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Metrics_RecordReconcileDurationByResult_RetriesAndQueueLatency()
    {
        var time = new FakeTimeProvider();
        using var metrics = new KubeInformersMetrics(new FakeInformerSource(), timeProvider: time);
        using var durations = new MeterCollector<double>(KubeInformersInstruments.ReconcileDuration, "controller", _name);
        using var retries = new MeterCollector<long>(KubeInformersInstruments.WorkQueueRetries, "queue", _name);
        using var latency = new MeterCollector<double>(KubeInformersInstruments.WorkQueueLatency, "queue", _name);
        var calls = 0;
        var controller = Create((_, _) => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("first fails")
            : Task.FromResult(ReconcileResult.Done), time: time, metrics: metrics);
        var run = controller.RunAsync(CancellationToken.None);

        controller.Enqueue("k");
        await Wait.UntilAsync(() => durations.Snapshot().Count == 1, "the failed reconcile to be recorded");
        time.Advance(TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => durations.Snapshot().Count == 2, "the retry to be recorded");

        Assert.Equal(["error", "success"], durations.Snapshot().Select(m => (string)m.Tags["result"]!));
        Assert.Equal(1, retries.Snapshot().Sum(m => m.Value));
        var waits = latency.Snapshot().Select(m => m.Value).ToArray();
        Assert.Equal(2, waits.Length);
        Assert.Equal(0, waits[1], 3); // it became ready at +1 s and was taken at once
        await controller.ShutDownAsync();
        await run;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
