using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Reliability.Harness;
using Xunit.Abstractions;

namespace KubeInformers.Reliability.Tests.Bounds;

/// <summary>
/// A dead API server must not be stormed. The reflector's documented schedule (DESIGN.md, client-go): backoff starts at
/// 800 ms, doubles, up to 30 s, each delay jittered to [1, 2)× its base, and at the cap to [75 %, 100 %] of 30 s. So
/// one reflector sends at most 7 requests in its first minute (0, ≥0.8, ≥2.4, ≥5.6, ≥12, ≥24.8, ≥47.3 s) and, once
/// at the cap, at most 3 and at least 2 per minute. Time is a <see cref="TrackingTimeProvider"/>: the test waits until
/// every reflector is parked on its backoff timer, then advances the clock exactly to the earliest one, and counts the
/// requests the server received per simulated minute.
/// </summary>
public sealed class BackoffUnderDeadServerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Simulated = TimeSpan.FromMinutes(10);

    public enum DeadServer
    {
        /// <summary>Every request answered 500 Internal Error, no Retry-After.</summary>
        AllRequestsFail500,
        /// <summary>Every request answered 429 with Retry-After: 1 s (honoured: the server's delay replaces the backoff).</summary>
        AllRequestsFail429,
        /// <summary>The server is gone: connection refused.</summary>
        Stopped,
        /// <summary>The server is up but unreachable: every connection is reset before an answer.</summary>
        Unreachable,
        /// <summary>Every request answered 429 with Retry-After: 120 s (longer than the backoff: honoured, up to 4× the 30 s cap).</summary>
        AllRequestsFail429LongRetryAfter,
    }

    [Theory]
    [InlineData(DeadServer.AllRequestsFail500)]
    [InlineData(DeadServer.Stopped)]
    [InlineData(DeadServer.Unreachable)]
    public async Task A_reflector_against_a_dead_server_retries_within_the_documented_rate(DeadServer dead)
    {
        var perMinute = (await RunAsync(dead, reflectors: 1)).Single();

        output.WriteLine($"{dead}: requests per simulated minute: {string.Join(" ", perMinute)}");
        Assert.InRange(perMinute[0], 5, 7);
        for (var minute = 1; minute < perMinute.Length; minute++)
        {
            Assert.InRange(perMinute[minute], minute == 1 ? 1 : 2, 3);
        }

        Assert.InRange(perMinute.Sum(), 2 * (perMinute.Length - 2) + 6, 7 + 3 * (perMinute.Length - 1));
    }

    [Fact]
    public async Task A_short_Retry_After_is_honoured_with_up_to_10_percent_jitter()
    {
        var perMinute = (await RunAsync(DeadServer.AllRequestsFail429, reflectors: 1)).Single();

        // The server asks for 1 s: one request every 1.0-1.1 s (Retry-After plus up to 10 % jitter), not the backoff.
        output.WriteLine($"requests per simulated minute with Retry-After 1 s: {string.Join(" ", perMinute)}");
        Assert.All(perMinute, n => Assert.InRange(n, 54, 61));
    }

    [Fact]
    public async Task A_long_Retry_After_is_honoured()
    {
        var perMinute = (await RunAsync(DeadServer.AllRequestsFail429LongRetryAfter, reflectors: 1)).Single();

        // One request every 120 s: t = 0, 120, 240, 360, 480 s within ten minutes.
        output.WriteLine($"requests per simulated minute with Retry-After 120 s: {string.Join(" ", perMinute)}");
        Assert.Equal(5, perMinute.Sum());
        Assert.All(perMinute, n => Assert.InRange(n, 0, 1));
    }

    [Fact]
    public async Task Many_reflectors_restarting_at_once_spread_their_retries()
    {
        const int count = 8;
        var times = await RunTimesAsync(DeadServer.AllRequestsFail500, count);

        // Every reflector's first request is at t=0 (they start together); from the second attempt on, jitter must
        // make them differ: without it all 8 would retry at the same instant. Task.Delay waits whole milliseconds, so a
        // backoff has about 800 possible values at the first retry (more later) and two of the 8 reflectors share one in
        // about 1 run in 15; two such pairs at one attempt happen about 1 run in 1,000. So one coincidence is allowed.
        for (var attempt = 1; attempt < 6; attempt++)
        {
            var distinct = times.Select(t => t[attempt]).Distinct().Count();
            output.WriteLine($"attempt {attempt + 1}: {string.Join(" ", times.Select(t => (t[attempt] - times[0][0]).TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))} s");
            Assert.InRange(distinct, count - 1, count);
        }

        // After the ramp no herd: without jitter all 8 would retry in the same instant; with it, random coincidences
        // put up to 4 in one second now and then (about 1 run in 100), 6 or more about 1 in 2000.
        var late = times.SelectMany(t => t).Where(t => t - times[0][0] > TimeSpan.FromMinutes(3)).OrderBy(t => t).ToList();
        var worst = late.Max(t => late.Count(u => u >= t && u < t + TimeSpan.FromSeconds(1)));
        output.WriteLine($"most retries within one second after minute 3: {worst} of {count} reflectors");
        Assert.InRange(worst, 1, count - 3);
    }

    private async Task<int[][]> RunAsync(DeadServer dead, int reflectors)
    {
        var times = await RunTimesAsync(dead, reflectors);
        var start = times[0][0];
        return [.. times.Select(t =>
        {
            var buckets = new int[(int)Simulated.TotalMinutes];
            foreach (var at in t)
            {
                var minute = (int)((at - start).TotalMinutes);
                if (minute < buckets.Length)
                {
                    buckets[minute]++;
                }
            }

            return buckets;
        })];
    }

    /// <summary>Runs <paramref name="reflectors"/> reflectors against a dead server for <see cref="Simulated"/> of fake time; returns each one's request times.</summary>
    private static async Task<List<DateTimeOffset>[]> RunTimesAsync(DeadServer dead, int reflectors)
    {
        var time = new TrackingTimeProvider();
        var start = time.GetUtcNow();
        var emulator = await KubernetesEmulator.StartAsync();
        var config = emulator.CreateClientConfiguration();
        switch (dead)
        {
            case DeadServer.AllRequestsFail500:
                emulator.Faults.FailNextRequests(int.MaxValue, 500, retryAfterSeconds: null);
                break;
            case DeadServer.AllRequestsFail429:
                emulator.Faults.FailNextRequests(int.MaxValue, 429, retryAfterSeconds: 1);
                break;
            case DeadServer.AllRequestsFail429LongRetryAfter:
                emulator.Faults.FailNextRequests(int.MaxValue, 429, retryAfterSeconds: 120);
                break;
            case DeadServer.Unreachable:
                emulator.Faults.Unreachable = true;
                break;
            case DeadServer.Stopped:
                await emulator.DisposeAsync();
                break;
        }

        var counters = Enumerable.Range(0, reflectors).Select(_ => new RequestCounter(time)).ToArray();
        var clients = counters.Select(c => new Kubernetes(config, c)).ToArray();
        using var stop = new CancellationTokenSource();
        var runs = clients.Select(c => new Reflector<V1ConfigMap>(new HttpListWatch<V1ConfigMap>(c, ReliabilityRig.ConfigMaps), new NullStore(), new ReflectorOptions(), time)
            {
                // A resync timer of its own keeps the count of timers an idle reflector holds fixed (resync + backoff).
                ResyncPeriod = TimeSpan.FromSeconds(1),
            })
            .Select(r => Task.Run(() => r.RunAsync(stop.Token)))
            .ToArray();
        try
        {
            // Each reflector, when idle, holds exactly two timers: its resync loop's (1 s, set above) and its backoff. A backoff can
            // also be exactly 1 s (a Retry-After of 1 s that exceeds the jittered backoff), so those two are not told apart
            // by delay: wait until all 2N are pending and nothing is in flight, then advance to the earliest of them. A list
            // request's own timeout timer (ReflectorOptions.ListTimeout, 100 s: no backoff or Retry-After here is 100 s) lives
            // only while the list runs, and for a moment after its response; it is not counted, so that moment is not "parked".
            var listTimeout = new ReflectorOptions().ListTimeout;
            Func<TimeSpan, bool> parkedTimer = d => d != listTimeout;
            while (time.GetUtcNow() - start < Simulated)
            {
                await Wait.UntilAsync(
                    () => counters.All(c => c.InFlight == 0) && time.Pending(_ => true).Count == 2 * reflectors && time.Pending(parkedTimer).Count == 2 * reflectors,
                    () => $"reflectors not all parked at {time.GetUtcNow() - start}: {time.Pending(_ => true).Count} timers pending for {reflectors} reflectors, in flight {counters.Sum(c => c.InFlight)}, faulted {runs.Count(r => r.IsFaulted)}",
                    TimeSpan.FromSeconds(20));

                var next = time.Pending(parkedTimer).Min(p => p.Due);
                time.Advance(next - time.GetUtcNow());
            }
        }
        finally
        {
            await stop.CancelAsync();
            time.Advance(TimeSpan.FromMinutes(5));
            await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(10));
            foreach (var c in clients)
            {
                c.Dispose();
            }

            if (dead != DeadServer.Stopped)
            {
                await emulator.DisposeAsync();
            }
        }

        return [.. counters.Select(c => c.Log.Select(l => l.At).ToList())];
    }
}
