using System.Collections.Concurrent;
using KubeInformers.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Tests.WorkQueue;

/// <summary>WorkQueue behaviours (SEMANTICS.md 33–35, client-go util/workqueue tests).</summary>
public sealed class WorkQueueTests
{
    private static WorkQueue<string> NewQueue(FakeTimeProvider? time = null, IWorkQueueRateLimiter<string>? limiter = null)
        => new(limiter, time ?? new FakeTimeProvider(), "test");

    private static async Task<string> GetItemAsync(WorkQueue<string> queue)
    {
        var (item, shutdown) = await Wait.ForAsync(queue.GetAsync().AsTask(), "an item");
        Assert.False(shutdown);
        return item;
    }

    [Fact]
    public async Task Add_OfAQueuedItem_IsCollapsed_AndOrderIsFirstIn()
    {
        using var queue = NewQueue();

        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await GetItemAsync(queue));
        Assert.Equal("b", await GetItemAsync(queue));
    }

    [Fact] // 33
    public async Task ItemAddedWhileProcessing_IsDeliveredAgainOnlyAfterDone()
    {
        using var queue = NewQueue();
        queue.Add("x");
        var first = await GetItemAsync(queue);

        queue.Add("x");
        queue.Add("x");

        Assert.Equal(0, queue.Count);
        var second = queue.GetAsync().AsTask();
        Assert.False(second.IsCompleted);

        queue.Done(first);

        var (again, shutdown) = await Wait.ForAsync(second, "x to be delivered again after Done");
        Assert.Equal(("x", false), (again, shutdown));
        queue.Done(again);
        Assert.Equal(0, queue.Count);
    }

    [Fact] // 33
    public async Task ManyWorkers_NeverProcessTheSameItemConcurrently()
    {
        using var queue = NewQueue();
        var inFlight = new ConcurrentDictionary<string, bool>();
        var overlaps = 0;
        var processed = 0;
        const int Rounds = 2000;

        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            while (true)
            {
                var (item, shutdown) = await queue.GetAsync();
                if (shutdown)
                {
                    return;
                }

                if (!inFlight.TryAdd(item, true))
                {
                    Interlocked.Increment(ref overlaps);
                }

                queue.Add(item); // re-added while processing: must wait for Done
                Thread.SpinWait(50);
                inFlight.TryRemove(item, out _);
                Interlocked.Increment(ref processed);
                queue.Done(item);
            }
        })).ToArray();

        for (var i = 0; i < Rounds; i++)
        {
            queue.Add("k" + (i % 5));
        }

        await Wait.UntilAsync(() => Volatile.Read(ref processed) >= Rounds, $"{Rounds} items processed");
        await Wait.ForAsync(queue.ShutDownWithDrainAsync(), "drain");
        await Wait.ForAsync(Task.WhenAll(workers), "workers to stop");
        Assert.Equal(0, overlaps);
    }

    [Fact] // 34
    public async Task ShutDownWithDrain_WaitsForInFlightItems()
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.Add("b");
        var a = await GetItemAsync(queue);
        var b = await GetItemAsync(queue);

        var drain = queue.ShutDownWithDrainAsync();

        Assert.True(queue.ShuttingDown);
        Assert.False(drain.IsCompleted);
        queue.Done(a);
        Assert.False(drain.IsCompleted);
        queue.Done(b);
        await Wait.ForAsync(drain, "drain to finish after the last Done");
    }

    [Fact] // 34
    public async Task ShutDownWithDrain_WithNothingInFlight_CompletesAtOnce()
    {
        using var queue = NewQueue();

        await Wait.ForAsync(queue.ShutDownWithDrainAsync(), "drain of an idle queue");
    }

    [Fact]
    public async Task ShutDown_HandsOutQueuedItemsThenReportsShutdown_AndIgnoresAdds()
    {
        using var queue = NewQueue();
        queue.Add("a");

        queue.ShutDown();
        queue.Add("b");

        Assert.Equal("a", await GetItemAsync(queue));
        var (item, shutdown) = await queue.GetAsync();
        Assert.True(shutdown);
        Assert.Null(item);
    }

    [Fact]
    public async Task ShutDown_UnblocksAWaitingGet()
    {
        using var queue = NewQueue();
        var get = queue.GetAsync().AsTask();
        Assert.False(get.IsCompleted);

        queue.ShutDown();

        var (_, shutdown) = await Wait.ForAsync(get, "the waiting get to end");
        Assert.True(shutdown);
    }

    [Fact]
    public async Task GetAsync_Cancelled_ThrowsAndTakesNothing()
    {
        using var queue = NewQueue();
        using var cts = new CancellationTokenSource();
        var get = queue.GetAsync(cts.Token).AsTask();

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Wait.ForAsync(get, "the cancelled get"));
        queue.Add("a");
        Assert.Equal("a", await GetItemAsync(queue));
    }

    [Fact]
    public async Task AddAfter_MakesTheItemReadyWhenTheClockReachesTheDelay()
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time);

        queue.AddAfter("a", TimeSpan.FromSeconds(10));

        Assert.Equal(0, queue.Count);
        Assert.Equal(1, queue.DelayedCount);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal(0, queue.DelayedCount);
        Assert.Equal("a", await GetItemAsync(queue));
    }

    [Fact] // 35
    public void AddAfter_TheEarliestDelayWins()
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time);

        queue.AddAfter("late-then-early", TimeSpan.FromMilliseconds(50));
        queue.AddAfter("late-then-early", TimeSpan.FromMilliseconds(10));
        queue.AddAfter("early-then-late", TimeSpan.FromMilliseconds(10));
        queue.AddAfter("early-then-late", TimeSpan.FromMilliseconds(50));

        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(2, queue.Count);
        Assert.Equal(0, queue.DelayedCount);

        time.Advance(TimeSpan.FromMilliseconds(40));
        Assert.Equal(2, queue.Count); // nothing is queued a second time
    }

    [Fact]
    public void AddAfter_ItemsBecomeReadyInDeadlineOrder()
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time);

        queue.AddAfter("c", TimeSpan.FromSeconds(3));
        queue.AddAfter("a", TimeSpan.FromSeconds(1));
        queue.AddAfter("b", TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, queue.Count);
    }

    [Fact]
    public void AddAfter_WithNoDelay_QueuesAtOnce()
    {
        using var queue = NewQueue();

        queue.AddAfter("a", TimeSpan.Zero);
        queue.AddAfter("b", TimeSpan.FromSeconds(-1));

        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void ShutDown_DropsDelayedItems()
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time);
        queue.AddAfter("a", TimeSpan.FromSeconds(1));

        queue.ShutDown();
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task AddAfter_WithTheSystemClock_EventuallyQueuesTheItem()
    {
        using var queue = new WorkQueue<string>(timeProvider: TimeProvider.System);

        queue.AddAfter("a", TimeSpan.FromMilliseconds(20));

        await Wait.UntilAsync(() => queue.Count == 1, "the delayed item to be queued by the real timer");
    }

    [Fact]
    public void AddRateLimited_UsesTheLimiterDelay_AndForgetResetsIt()
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time, WorkQueueRateLimiters.ItemExponential<string>(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1)));

        queue.AddRateLimited("a");
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal(1, queue.NumRequeues("a"));

        queue.AddRateLimited("b");
        queue.AddRateLimited("b");
        Assert.Equal(2, queue.NumRequeues("b"));

        queue.Forget("a");
        Assert.Equal(0, queue.NumRequeues("a"));
    }

    [Fact]
    public void Constructor_WithoutLimiter_UsesTheDefault()
    {
        using var queue = new WorkQueue<string>(timeProvider: new FakeTimeProvider());

        queue.AddRateLimited("a");

        Assert.Equal(1, queue.NumRequeues("a"));
        Assert.Equal(1, queue.DelayedCount); // 5 ms first backoff
        Assert.Null(new WorkQueue<int>().Name);
    }
}
