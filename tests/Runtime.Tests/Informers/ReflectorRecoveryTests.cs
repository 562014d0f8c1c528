using k8s.Models;
using KubeInformers.Tests.TestSupport;
using static KubeInformers.Tests.TestSupport.FlowObjects;

namespace KubeInformers.Tests.Informers;

/// <summary>
/// Recovery per failure class, on the fake clock, with the exact waits: every timer the reflector creates here is a
/// backoff (the watchdog, watch-start and list timeouts are off), so <see cref="TrackingTimeProvider.DueTimes"/> is
/// the list of waits. The test waits until the reflector is parked on its timers and advances exactly to them.
/// </summary>
public sealed class ReflectorRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan S = TimeSpan.FromSeconds(1);
    private readonly TrackingTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FlowScriptedListWatch<V1ConfigMap> _source;
    private readonly FlowRecordingStore<V1ConfigMap> _store = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _states = [];
    private Task? _run;

    public ReflectorRecoveryTests() => _source = new FlowScriptedListWatch<V1ConfigMap>(_time);

    private void Start(double random = 0.0)
    {
        var options = new ReflectorOptions { WatchIdleTimeout = null, WatchStartTimeout = null, ListTimeout = null };
        var reflector = new Reflector<V1ConfigMap>(_source, _store, options, _time, name: "configmaps")
        {
            RandomSource = () => random,
            StateObserver = s => { lock (_states) _states.Add(s.ToString()); },
        };
        _run = reflector.RunAsync(_stop.Token);
    }

    private string Requests() => $"lists at RV [{string.Join(", ", _source.ListRequests.Select(r => r.ResourceVersion))}], " +
        $"watches at RV [{string.Join(", ", _source.WatchRequests.Select(r => r.ResourceVersion))}], states [{string.Join(", ", States)}]";

    private string[] States { get { lock (_states) return [.. _states]; } }

    /// <summary>
    /// Advances the clock timer by timer (each is a backoff the loop is parked on) until the <paramref name="watches"/>-th
    /// watch is open and being read with no timer pending.
    /// </summary>
    private async Task RunUntilWatchingAsync(int watches)
    {
        bool Opened() => _source.WatchRequests.Count == watches && _source.OpenedWatches.Count(w => !w.Disposed) == 1
            && _source.OpenedWatches.Single(w => !w.Disposed).IsWaitingForEvents;
        while (true)
        {
            await Wait.UntilAsync(() => _time.PendingTimers.Count == 1 || (_time.PendingTimers.Count == 0 && Opened()),
                $"watch {watches} open, or a backoff pending; {Requests()}");
            if (_time.PendingTimers.Count == 0)
            {
                return;
            }

            _time.AdvanceToNextTimer();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _stop.Cancel();
        if (_run is not null)
        {
            await Wait.ForAsync(_run, "the reflector to stop when cancelled");
        }
    }

    [Fact]
    public async Task A_410_ERROR_event_on_a_watch_that_delivered_events_relists_at_once()
    {
        _source.List("10").Watch(FlowFakeWatch<V1ConfigMap>.Failing(Expired(), Added("a", "11"))).List("20", Cm("a", "11")).Watch(FlowFakeWatch<V1ConfigMap>.Open());

        Start();
        await RunUntilWatchingAsync(2);

        Assert.Empty(_time.DueTimes);
        Assert.All(_source.Calls, c => Assert.Equal(_time.Start, c.At));
        Assert.Equal(["0", "11"], _source.ListRequests.Select(r => r.ResourceVersion));
        Assert.Equal(["Listing", "Watching", "Listing", "Watching"], States);
    }

    [Fact]
    public async Task A_410_on_the_rewatch_after_a_dropped_connection_relists_after_the_one_backoff_of_the_drop()
    {
        // The shape of a server restart that loses the watch history: the connection drops, the re-watch gets 410.
        _source.List("10")
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(new IOException("The response ended prematurely."), Added("a", "11")))
            .WatchFails(Expired())
            .ListFails(Expired())
            .List("30", Cm("a", "25"))
            .Watch(FlowFakeWatch<V1ConfigMap>.Open());

        Start();
        await RunUntilWatchingAsync(3);

        Assert.Equal([800 * TimeSpan.TicksPerMillisecond], _time.DueTimes.Select(d => d.Ticks));
        Assert.Equal(["0", "11", ""], _source.ListRequests.Select(r => r.ResourceVersion));
        Assert.Equal(_time.Start + TimeSpan.FromMilliseconds(800), _source.Calls[^1].At);
        Assert.Equal(["Listing", "Watching", "BackingOff(Backoff, then Watching)", "Watching", "Listing", "Listing", "Watching"], States);
    }

    [Fact]
    public async Task A_410_on_the_first_watch_after_a_list_that_delivered_nothing_backs_off_once_before_relisting()
    {
        _source.List("10").WatchFails(Expired()).List("20").Watch(FlowFakeWatch<V1ConfigMap>.Open());

        Start();
        await RunUntilWatchingAsync(2);

        Assert.Equal([TimeSpan.FromMilliseconds(800)], _time.DueTimes);
        Assert.Equal(2, _source.ListRequests.Count);
    }

    [Fact]
    public async Task A_server_that_expires_every_fresh_watch_gets_lists_at_a_growing_backoff_not_a_list_loop()
    {
        _source.List("10").WatchFails(Expired()).List("20").WatchFails(Expired()).List("30").WatchFails(Expired()).List("40")
            .Watch(FlowFakeWatch<V1ConfigMap>.Open());

        Start();
        await RunUntilWatchingAsync(4);

        Assert.Equal([0.8 * S, 1.6 * S, 3.2 * S], _time.DueTimes);
        Assert.Equal(["0", "10", "20", "30"], _source.ListRequests.Select(r => r.ResourceVersion));
    }

    [Fact]
    public async Task A_clean_end_rewatches_at_once_but_one_that_ends_instantly_without_events_backs_off_growing()
    {
        _source.List("10")
            .Watch(FlowFakeWatch<V1ConfigMap>.Closed(Added("a", "11"))) // ends at once, but with an event: re-watch now
            .Watch(FlowFakeWatch<V1ConfigMap>.Closed())                  // nothing, in 0 s: very short
            .Watch(FlowFakeWatch<V1ConfigMap>.Closed())
            .Watch(FlowFakeWatch<V1ConfigMap>.Open());

        Start();
        await RunUntilWatchingAsync(4);

        Assert.Equal([0.8 * S, 1.6 * S], _time.DueTimes);
        Assert.Single(_source.ListRequests);
        Assert.All(_source.WatchRequests.Skip(1), w => Assert.Equal("11", w.ResourceVersion));
    }

    [Fact]
    public async Task Three_429s_with_Retry_After_1_wait_1_s_each_not_the_growing_backoff()
    {
        _source.List("10").Watch(FlowFakeWatch<V1ConfigMap>.Closed(Bookmark("11")));
        for (var i = 0; i < 3; i++)
        {
            _source.WatchFails(Api(429, "TooManyRequests", retryAfter: S));
        }

        _source.Watch(FlowFakeWatch<V1ConfigMap>.Open());

        Start();
        await RunUntilWatchingAsync(5);

        Assert.Equal([S, S, S], _time.DueTimes);
        Assert.Equal(_time.Start + 3 * S, _source.Calls[^1].At);
        Assert.Single(_source.ListRequests);
    }

    [Fact]
    public async Task Retry_After_gets_up_to_10_percent_jitter()
    {
        _source.List("10").WatchFails(Api(429, "TooManyRequests", retryAfter: 2 * S)).WatchFails(Api(503, "ServiceUnavailable", retryAfter: 2 * S))
            .Watch(FlowFakeWatch<V1ConfigMap>.Open());

        Start(random: 0.5);
        await RunUntilWatchingAsync(3);

        Assert.Equal([2.1 * S, 2.1 * S], _time.DueTimes);
    }

    [Fact]
    public async Task Retry_After_is_capped_at_four_times_MaxBackoff()
    {
        _source.List("10").WatchFails(Api(429, "TooManyRequests", retryAfter: TimeSpan.FromHours(1))).Watch(FlowFakeWatch<V1ConfigMap>.Open());

        Start();
        await RunUntilWatchingAsync(2);

        Assert.Equal([TimeSpan.FromMinutes(2)], _time.DueTimes);
    }

    [Fact]
    public async Task Failures_without_Retry_After_back_off_exponentially_and_start_over_once_a_watch_delivers_an_event()
    {
        _source.List("10")
            .WatchFails(Api(503, "ServiceUnavailable"))
            .WatchFails(ConnectionRefused())
            .WatchFails(new TimeoutException("no answer"))
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(new IOException("reset"), Added("a", "11"))) // works, then drops
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(new KubernetesDecodeException("line 1 is not valid")))
            .Watch(FlowFakeWatch<V1ConfigMap>.Open());

        Start();
        await RunUntilWatchingAsync(6);

        Assert.Equal([0.8 * S, 1.6 * S, 3.2 * S, 0.8 * S, 1.6 * S], _time.DueTimes);
        Assert.Single(_source.ListRequests);
    }

    [Fact]
    public async Task A_failed_list_waits_the_servers_Retry_After_and_the_backoff_goes_on_past_a_good_list_until_a_watch_delivers()
    {
        _source.ListFails(Api(503, "ServiceUnavailable", retryAfter: 3 * S))
            .ListFails(ConnectionRefused())
            .ListFails(ConnectionRefused())
            .List("10")
            .WatchFails(ConnectionRefused())
            .Watch(FlowFakeWatch<V1ConfigMap>.Open());

        Start();
        await RunUntilWatchingAsync(2);

        Assert.Equal([3 * S, 0.8 * S, 1.6 * S, 3.2 * S], _time.DueTimes);
        Assert.Equal(["0", "0", "0", "0"], _source.ListRequests.Select(r => r.ResourceVersion));
    }
}
