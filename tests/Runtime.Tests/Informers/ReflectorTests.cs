using k8s.Models;
using KubeInformers.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static KubeInformers.Tests.TestSupport.FlowObjects;

namespace KubeInformers.Tests.Informers;

/// <summary>SEMANTICS 14–23 and the reflector's own promises (watchdog, decode errors, error handler, logs).</summary>
public sealed class ReflectorTests : IAsyncLifetime
{
    private readonly TrackingTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FlowScriptedListWatch<V1ConfigMap> _source;
    private readonly FlowRecordingStore<V1ConfigMap> _store = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    public ReflectorTests() => _source = new FlowScriptedListWatch<V1ConfigMap>(_time);

    /// <summary>The watchdog, watch-start and list timeouts are off unless a test passes options (then they are used as given).</summary>
    private static ReflectorOptions Options(ReflectorOptions? o = null) => o ?? new ReflectorOptions { WatchIdleTimeout = null, WatchStartTimeout = null, ListTimeout = null };

    private Reflector<V1ConfigMap> Start(ReflectorOptions? options = null, ILogger? logger = null, Action<Reflector<V1ConfigMap>>? configure = null)
    {
        var reflector = new Reflector<V1ConfigMap>(_source, _store, Options(options), _time, logger, "configmaps")
        {
            RandomSource = () => 0.0,
        };
        configure?.Invoke(reflector);
        _run = reflector.RunAsync(_stop.Token);
        return reflector;
    }

    private string Requests() => $"lists at RV [{string.Join(", ", _source.ListRequests.Select(r => r.ResourceVersion))}], " +
        $"watches at RV [{string.Join(", ", _source.WatchRequests.Select(r => r.ResourceVersion))}], store: {string.Join(" ", _store.Log)}";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _stop.Cancel();
        if (_run is not null)
        {
            await Wait.ForAsync(_run, "the reflector to stop when cancelled");
        }
    }

    // SEMANTICS 14
    [Fact]
    public async Task First_list_is_at_RV_0_and_a_relist_after_the_watch_fails_uses_the_last_RV_seen()
    {
        _source.List("10", Cm("a", "5"))
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(Expired(), Modified("a", "15")))
            .List("20", Cm("a", "15"));

        Start();
        await Wait.DriveUntilAsync(_time, () => _source.ListRequests.Count == 2, "a relist");

        Assert.Equal(["0", "15"], _source.ListRequests.Select(r => r.ResourceVersion));
        await Wait.UntilAsync(() => _store.Calls.Count(c => c.Op == "Replace") == 2, "the relist to reach the store");
        Assert.Equal(["Replace(a@5 rv=10)", "Update(a@15)", "Replace(a@15 rv=20)"], _store.Log);
    }

    // SEMANTICS 15
    [Fact]
    public async Task A_relist_at_an_expired_RV_is_retried_at_once_at_RV_empty()
    {
        _source.List("10", Cm("a", "5"))
            .WatchFails(Expired())
            .ListFails(Expired())
            .List("30", Cm("a", "25"));

        Start();
        await Wait.DriveUntilAsync(_time, () => _source.ListRequests.Count == 3, "the consistent relist");

        Assert.Equal(["0", "10", ""], _source.ListRequests.Select(r => r.ResourceVersion));
        await Wait.UntilAsync(() => _source.WatchRequests.Count == 2, "the watch after the relist");
        Assert.Equal("30", _source.WatchRequests[1].ResourceVersion);
        // One backoff (after the watch's 410), none between the expired list and the consistent one.
        Assert.Equal([TimeSpan.FromMilliseconds(800)], _time.DueTimes);
    }

    // SEMANTICS 16 and 18 (a paginated RV=0 list keeps pagination for exact-RV relists)
    [Fact]
    public async Task An_expired_continue_token_gives_one_unpaginated_list_at_the_original_RV()
    {
        _source.List(_ => new ListPage<V1ConfigMap>([Cm("a", "1")], "10", "c1"))
            .List(_ => new ListPage<V1ConfigMap>([Cm("b", "2")], "10"))
            .WatchFails(Expired())
            .List(_ => new ListPage<V1ConfigMap>([Cm("a", "1")], "10", "c2"))
            .ListFails(Expired())
            .List("10", Cm("a", "1"), Cm("b", "2"), Cm("c", "3"));

        Start();
        await Wait.DriveUntilAsync(_time, () => _source.ListRequests.Count == 5, "the full list after the expired continue");

        var requests = _source.ListRequests.Select(r => (r.ResourceVersion ?? "", r.Limit, r.Continue)).ToArray();
        Assert.Equal([("0", 500, null), ("", 500, "c1"), ("10", 500, null), ("", 500, "c2"), ("10", null, null)], requests);
        await Wait.UntilAsync(() => _store.Calls.Count(c => c.Op == "Replace") == 2, "the second Replace");
        Assert.Equal("Replace(a@1,b@2,c@3 rv=10)", _store.Log[^1]);
    }

    // SEMANTICS 17
    [Theory]
    [InlineData("ResourceVersionTooLarge", "")]
    [InlineData(null, "Too large resource version: 20, current: 10")]
    public async Task Too_large_RV_makes_the_relist_retry_at_RV_empty(string? causeReason, string message)
    {
        _source.List("10")
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(Expired(), Bookmark("20")))
            .ListFails(Api(504, "Timeout", message, causeReason: causeReason))
            .List("12");

        Start();
        await Wait.DriveUntilAsync(_time, () => _source.ListRequests.Count == 3, "the consistent relist");

        Assert.Equal(["0", "20", ""], _source.ListRequests.Select(r => r.ResourceVersion));
    }

    // SEMANTICS 18
    [Fact]
    public async Task Relists_at_an_exact_RV_are_not_paginated_when_the_first_list_was_not()
    {
        _source.List("10").WatchFails(Expired()).List("11");

        Start();
        await Wait.DriveUntilAsync(_time, () => _source.ListRequests.Count == 2, "the relist");

        Assert.Equal(500, _source.ListRequests[0].Limit);
        Assert.Null(_source.ListRequests[1].Limit);
    }

    // SEMANTICS 18 (client-go's TestNoRelistOnTooManyRequests)
    [Fact]
    public async Task Four_429s_on_watch_give_one_list_and_five_watches()
    {
        _source.List("10");
        for (var i = 0; i < 4; i++)
        {
            _source.WatchFails(Api(429, "TooManyRequests"));
        }

        Start();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            // Parked on its backoff timer (the only timer: no watchdog, no resync) after the attempt-th 429.
            var backoff = await _time.WaitUntilParkedAsync(1, () => _source.WatchRequests.Count == attempt, $"the backoff after 429 number {attempt}", Requests);
            Assert.Equal(TimeSpan.FromMilliseconds(800 << (attempt - 1)), backoff[0].Delay);
            Assert.Single(_source.ListRequests);
            _time.AdvanceToNextTimer();
        }

        // The fifth watch is open and silent and no timer is pending: the reflector can do nothing more by itself.
        await _time.WaitUntilParkedAsync(0, () => _source.WatchRequests.Count == 5 && _source.OpenedWatches.TryPeek(out var w) && w.IsWaitingForEvents,
            "the fifth watch, open and being read", Requests);
        Assert.Single(_source.ListRequests);
        Assert.Equal(5, _source.WatchRequests.Count);
        Assert.All(_source.WatchRequests, w => Assert.Equal("10", w.ResourceVersion));
    }

    [Fact]
    public async Task Connection_refused_on_watch_backs_off_and_rewatches_without_relisting()
    {
        _source.List("10").WatchFails(ConnectionRefused()).WatchFails(ConnectionRefused());

        Start();
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count == 3, "the third watch");

        Assert.Single(_source.ListRequests);
        var watches = _source.Calls.Where(c => c.Kind == "watch").Select(c => c.At).ToArray();
        Assert.True(watches[1] - watches[0] >= TimeSpan.FromMilliseconds(800), "backed off before the second watch");
    }

    [Fact]
    public async Task A_429_honours_the_servers_Retry_After_when_it_is_longer_than_the_backoff()
    {
        _source.List("10").WatchFails(Api(429, "TooManyRequests", retryAfter: TimeSpan.FromSeconds(10)));

        Start();
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count == 2, "the second watch");

        var watches = _source.Calls.Where(c => c.Kind == "watch").Select(c => c.At).ToArray();
        Assert.True(watches[1] - watches[0] >= TimeSpan.FromSeconds(10), $"waited {watches[1] - watches[0]}");
    }

    // SEMANTICS 19
    [Fact]
    public async Task Watch_timeout_is_random_within_min_and_twice_min()
    {
        var random = new Random(42);
        for (var i = 0; i < 20; i++)
        {
            _source.Watch(_ => FlowFakeWatch<V1ConfigMap>.Closed(Bookmark("11")));
        }

        _source.List("10");
        Start(configure: r => r.RandomSource = random.NextDouble);
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count >= 21, "21 watches");

        var timeouts = _source.WatchRequests.Select(w => w.TimeoutSeconds!.Value).ToArray();
        Assert.All(timeouts, t => Assert.InRange(t, 300, 600));
        Assert.True(timeouts.Distinct().Count() > 5, "timeouts are spread out");
        Assert.All(_source.WatchRequests, w => Assert.True(w.AllowWatchBookmarks));
    }

    [Fact]
    public async Task Watch_timeout_with_a_30_minute_minimum_is_within_30_and_60_minutes()
    {
        var values = new Queue<double>([0.0, 0.9999]);
        _source.List("10").Watch(_ => FlowFakeWatch<V1ConfigMap>.Closed(Bookmark("11")));
        Start(new ReflectorOptions { MinWatchTimeout = TimeSpan.FromMinutes(30), WatchIdleTimeout = null }, configure: r => r.RandomSource = () => values.Count > 0 ? values.Dequeue() : 0.5);

        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count >= 2, "two watches");

        Assert.Equal([1800, 3599], _source.WatchRequests.Take(2).Select(w => w.TimeoutSeconds!.Value));
    }

    // SEMANTICS 20
    [Fact]
    public void Backoff_doubles_from_800_ms_flattens_at_30_s_and_resets_after_2_minutes()
    {
        var time = new FakeTimeProvider();
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), time, () => 0.0);

        var delays = Enumerable.Range(0, 9).Select(_ => backoff.Next().TotalSeconds).ToArray();

        Assert.Equal([0.8, 1.6, 3.2, 6.4, 12.8, 25.6], delays.Take(6).Select(d => Math.Round(d, 3)));
        Assert.All(delays.Skip(6), d => Assert.InRange(d, 22.5, 30));
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(0.8, Math.Round(backoff.Next().TotalSeconds, 3));
    }

    [Fact]
    public void Backoff_jitter_adds_up_to_100_percent_but_never_exceeds_the_cap()
    {
        var time = new FakeTimeProvider();
        var random = new Random(7);
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), time, random.NextDouble);

        var delays = Enumerable.Range(0, 30).Select(_ => backoff.Next().TotalSeconds).ToArray();

        Assert.InRange(delays[0], 0.8, 1.6);
        Assert.InRange(delays[1], 1.6, 3.2);
        Assert.All(delays, d => Assert.True(d <= 30));
        Assert.True(delays.Skip(10).Distinct().Count() > 1, "jitter at the cap");
    }

    [Fact]
    public async Task Failing_lists_are_retried_with_growing_backoff()
    {
        for (var i = 0; i < 4; i++)
        {
            _source.ListFails(ConnectionRefused());
        }

        _source.List("10");
        Start();
        await Wait.DriveUntilAsync(_time, () => _source.ListRequests.Count == 5, "the fifth list");

        Assert.Equal([0.8, 1.6, 3.2, 6.4], _time.DueTimes.Select(d => Math.Round(d.TotalSeconds, 3)));
    }

    // SEMANTICS 21
    [Fact]
    public async Task A_watch_ERROR_410_relists_and_the_relist_turns_a_missed_delete_into_a_tombstone()
    {
        var indexer = new Indexer<V1ConfigMap>(CacheKeys.MetaNamespaceKey);
        var fifo = new DeltaFifo<V1ConfigMap>(new DeltaFifoOptions<V1ConfigMap>
        {
            KeyFunc = CacheKeys.MetaNamespaceKey,
            KnownObjects = indexer,
            EmitDeltaTypeReplaced = true,
        });
        var popped = new List<(string Key, DeltaType Type, bool Unknown)>();
        var source = new FlowScriptedListWatch<V1ConfigMap>(_time)
            .List("10", Cm("a", "5"), Cm("b", "6"))
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(Expired()))
            .List("20", Cm("a", "5"));
        var reflector = new Reflector<V1ConfigMap>(source, fifo, new ReflectorOptions { WatchIdleTimeout = null }, _time) { RandomSource = () => 0 };
        _run = reflector.RunAsync(_stop.Token);
        var popLoop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await fifo.PopAsync((deltas, _) =>
                {
                    foreach (var d in deltas)
                    {
                        lock (popped) popped.Add((CacheKeys.MetaNamespaceKey(d.Object), d.Type, d.IsFinalStateUnknown));
                        if (d.Type == DeltaType.Deleted) indexer.Delete(d.Object); else indexer.Update(d.Object);
                    }
                }, _stop.Token);
            }
        });

        await Wait.DriveUntilAsync(_time, () => { lock (popped) return popped.Any(p => p.Type == DeltaType.Deleted); }, "the tombstone");

        lock (popped)
        {
            Assert.Contains(("ns/b", DeltaType.Deleted, true), popped);
        }

        Assert.Null(indexer.GetByKey("ns/b"));
        Assert.NotNull(indexer.GetByKey("ns/a"));
        _stop.Cancel();
        fifo.Close();
        await Record.ExceptionAsync(() => popLoop);
    }

    // SEMANTICS 22
    [Fact]
    public async Task Bookmarks_advance_the_last_RV_without_touching_the_store()
    {
        _source.List("10", Cm("a", "5")).Watch(FlowFakeWatch<V1ConfigMap>.Closed(Bookmark("20"), Bookmark("30")));

        var reflector = Start();
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count == 2, "the second watch");

        Assert.Equal("30", _source.WatchRequests[1].ResourceVersion);
        Assert.Equal("30", reflector.LastSyncResourceVersion);
        Assert.Equal(["Replace(a@5 rv=10)"], _store.Log);
        Assert.Single(_source.ListRequests);
    }

    [Fact]
    public async Task Watch_events_reach_the_store_in_order_and_a_clean_end_rewatches_from_the_last_RV_at_once()
    {
        _source.List("10").Watch(FlowFakeWatch<V1ConfigMap>.Closed(Added("a", "11"), Modified("a", "12"), Deleted("a", "13")));

        var reflector = Start();
        await Wait.UntilAsync(() => _source.WatchRequests.Count == 2, "the second watch (no fake time passes)");

        Assert.Equal(["Replace( rv=10)", "Add(a@11)", "Update(a@12)", "Delete(a@13)"], _store.Log);
        Assert.Equal("13", _source.WatchRequests[1].ResourceVersion);
        Assert.Equal("13", reflector.LastSyncResourceVersion);
    }

    // SEMANTICS 23
    [Fact]
    public async Task Streaming_list_syncs_at_the_annotated_bookmark_and_keeps_the_same_watch()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.Watch(watch);

        Start(new ReflectorOptions { UseStreamingList = true, WatchIdleTimeout = null });
        await Wait.UntilAsync(() => _source.WatchRequests.Count == 1, "the streaming watch");
        var request = _source.WatchRequests[0];
        Assert.True(request.SendInitialEvents);
        Assert.Equal("NotOlderThan", request.ResourceVersionMatch);
        Assert.Equal("", request.ResourceVersion);

        watch.Send(Added("foo", "1")).Send(Modified("foo", "2")).Send(Added("bar", "3")).Send(Bookmark("3"));
        await Wait.UntilAsync(() => watch.Pending == 0, "the initial events to be read");
        Assert.Empty(_store.Calls); // not synced before the annotated bookmark

        watch.Send(Bookmark("5", initialEventsEnd: true));
        await Wait.UntilAsync(() => _store.Calls.Count == 1, "the Replace at the bookmark");
        Assert.Equal("Replace(foo@2,bar@3 rv=5)", _store.Log[0]);

        watch.Send(Modified("bar", "6"));
        await Wait.UntilAsync(() => _store.Calls.Count == 2, "the change after sync");
        Assert.Equal("Update(bar@6)", _store.Log[1]);
        Assert.Empty(_source.ListRequests);
        Assert.Single(_source.WatchRequests);

        watch.Close();
        await Wait.UntilAsync(() => _source.WatchRequests.Count == 2, "the plain re-watch");
        Assert.Null(_source.WatchRequests[1].SendInitialEvents);
        Assert.Equal("6", _source.WatchRequests[1].ResourceVersion);
    }

    [Fact]
    public async Task Streaming_list_falls_back_to_list_and_watch_when_the_server_rejects_it()
    {
        _source.WatchFails(Api(422, "Invalid", "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"))
            .List("10", Cm("a", "5"))
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(Expired()))
            .List("20", Cm("a", "5"));

        Start(new ReflectorOptions { UseStreamingList = true, WatchIdleTimeout = null });
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count == 3, "the watch after the relist");

        Assert.Equal(["0", "10"], _source.ListRequests.Select(r => r.ResourceVersion));
        Assert.True(_source.WatchRequests[0].SendInitialEvents);
        Assert.Null(_source.WatchRequests[1].SendInitialEvents);
        Assert.Null(_source.WatchRequests[2].SendInitialEvents); // rejected once: not asked again
        Assert.Equal("Replace(a@5 rv=10)", _store.Log[0]);
    }

    [Fact]
    public async Task Streaming_list_that_ends_before_its_bookmark_falls_back_to_a_list()
    {
        _source.Watch(FlowFakeWatch<V1ConfigMap>.Closed(Added("a", "3")))
            .List("10", Cm("a", "5"));

        Start(new ReflectorOptions { UseStreamingList = true, WatchIdleTimeout = null });
        await Wait.UntilAsync(() => _source.WatchRequests.Count == 2, "the watch after the fallback list");

        Assert.Single(_source.ListRequests);
        Assert.Equal(["Replace(a@5 rv=10)"], _store.Log);
        Assert.Equal("10", _source.WatchRequests[1].ResourceVersion);
    }

    [Fact]
    public async Task Streaming_list_interrupted_before_its_bookmark_backs_off_and_streams_again_without_listing()
    {
        _source.WatchFails(Api(429, "TooManyRequests"))
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(new IOException("reset"), Added("a", "3")))
            .Watch(FlowFakeWatch<V1ConfigMap>.Open(Added("a", "4"), Bookmark("5", initialEventsEnd: true)));

        Start(new ReflectorOptions { UseStreamingList = true, WatchIdleTimeout = null, WatchStartTimeout = null });
        await Wait.DriveUntilAsync(_time, () => _store.Calls.Count == 1, "the sync of the third streaming watch");

        Assert.Empty(_source.ListRequests);
        Assert.Equal(3, _source.WatchRequests.Count);
        Assert.All(_source.WatchRequests, w => Assert.True(w.SendInitialEvents));
        Assert.Equal(["Replace(a@4 rv=5)"], _store.Log);
        Assert.Equal(2, _time.DueTimes.Count); // a backoff before each retry
    }

    [Fact]
    public async Task An_undecodable_watch_line_rewatches_from_the_last_good_RV_without_relisting()
    {
        _source.List("10").Watch(FlowFakeWatch<V1ConfigMap>.Failing(new KubernetesDecodeException("line 3 is not valid"), Added("a", "11"), Modified("a", "12")));
        var errors = new List<Exception>();

        Start(configure: r => r.SetWatchErrorHandler(e => { lock (errors) errors.Add(e); }));
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count == 2, "the re-watch");

        Assert.Equal("12", _source.WatchRequests[1].ResourceVersion);
        Assert.Single(_source.ListRequests);
        lock (errors) Assert.IsType<KubernetesDecodeException>(Assert.Single(errors));
    }

    [Fact]
    public async Task A_dropped_watch_connection_rewatches_from_the_last_RV_without_relisting()
    {
        _source.List("10").Watch(FlowFakeWatch<V1ConfigMap>.Failing(new IOException("The response ended prematurely."), Added("a", "11")));

        Start();
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count == 2, "the re-watch");

        Assert.Equal("11", _source.WatchRequests[1].ResourceVersion);
        Assert.Single(_source.ListRequests);
    }

    [Fact]
    public async Task A_silent_watch_is_restarted_by_the_watchdog_from_the_last_RV()
    {
        var first = FlowFakeWatch<V1ConfigMap>.Open(Added("a", "11"));
        _source.List("10").Watch(first);
        var errors = new List<Exception>();

        Start(new ReflectorOptions { WatchIdleTimeout = TimeSpan.FromMinutes(1) }, configure: r => r.SetWatchErrorHandler(e => { lock (errors) errors.Add(e); }));
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count == 2, "the watchdog's re-watch", step: TimeSpan.FromSeconds(5));

        Assert.Equal("11", _source.WatchRequests[1].ResourceVersion);
        Assert.Single(_source.ListRequests);
        Assert.True(first.Disposed);
        lock (errors) Assert.IsType<TimeoutException>(Assert.Single(errors));
    }

    [Fact]
    public async Task A_watch_request_that_gets_no_answer_times_out_and_is_retried_without_relisting()
    {
        _source.List("10").WatchHangs();
        var errors = new List<Exception>();

        Start(new ReflectorOptions { WatchIdleTimeout = null, WatchStartTimeout = TimeSpan.FromSeconds(30) },
            configure: r => r.SetWatchErrorHandler(e => { lock (errors) errors.Add(e); }));
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count == 2, "the retried watch", step: TimeSpan.FromSeconds(1));

        Assert.Single(_source.ListRequests);
        Assert.Equal("10", _source.WatchRequests[1].ResourceVersion);
        lock (errors) Assert.IsType<TimeoutException>(Assert.Single(errors));
    }

    [Fact]
    public async Task A_list_that_hangs_past_ListTimeout_on_the_injected_clock_is_cancelled_and_retried_after_a_backoff()
    {
        var timeout = TimeSpan.FromSeconds(30);
        _source.ListHangs().List("10", Cm("a", "5"));
        var errors = new List<Exception>();

        Start(new ReflectorOptions { ListTimeout = timeout, WatchIdleTimeout = null, WatchStartTimeout = null },
            configure: r => r.SetWatchErrorHandler(e => { lock (errors) errors.Add(e); }));

        // The hung list's only timer is its timeout, on the fake clock (no real time could reach 30 s here).
        var pending = await _time.WaitUntilParkedAsync(1, () => _source.ListRequests.Count == 1, "the hung list with its timeout armed", Requests);
        Assert.Equal(timeout, pending[0].Delay);
        Assert.Empty(_store.Calls);
        _time.AdvanceToNextTimer();

        // Cancelled at the timeout: reported as a TimeoutException, then a backoff before the retry.
        var backoff = await _time.WaitUntilParkedAsync(1, () => _source.CancelledLists == 1, "the backoff after the list timed out", Requests);
        Assert.Equal(TimeSpan.FromMilliseconds(800), backoff[0].Delay);
        Assert.Single(_source.ListRequests);
        lock (errors) Assert.IsType<TimeoutException>(Assert.Single(errors));
        _time.AdvanceToNextTimer();

        // The retried list answers at once; the reflector syncs and watches.
        await _time.WaitUntilParkedAsync(0, () => _source.OpenedWatches.TryPeek(out var w) && w.IsWaitingForEvents, "the watch after the retried list", Requests);
        Assert.Equal(["0", "0"], _source.ListRequests.Select(r => r.ResourceVersion));
        Assert.Equal(["Replace(a@5 rv=10)"], _store.Log);
        Assert.Equal("10", Assert.Single(_source.WatchRequests).ResourceVersion);
        Assert.Equal(_time.Start + timeout + TimeSpan.FromMilliseconds(800), _source.Calls[1].At);
    }

    [Fact]
    public async Task A_watch_with_regular_bookmarks_is_not_restarted_by_the_watchdog_but_is_after_a_minute_of_silence()
    {
        var idle = TimeSpan.FromMinutes(1);
        var every = TimeSpan.FromSeconds(40);
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        _source.List("10").Watch(watch);
        var errors = new List<Exception>();

        Start(new ReflectorOptions { WatchIdleTimeout = idle }, configure: r => r.SetWatchErrorHandler(e => { lock (errors) errors.Add(e); }));
        var parked = () => watch.IsWaitingForEvents || watch.Disposed;

        // A bookmark every 40 s for 400 s, fake time moving only to a bookmark or to the watchdog's own timer.
        var nextBookmark = _time.GetUtcNow();
        var lastBookmark = nextBookmark;
        var checks = 0;
        for (var sent = 0; sent < 10;)
        {
            var watchdog = await _time.WaitUntilParkedAsync(1, parked, $"the reflector reading the watch with its watchdog armed ({sent} bookmarks sent)", Requests);
            Assert.False(watch.Disposed, $"the watch was restarted at {_time.GetUtcNow() - _time.Start} although a bookmark came every {every.TotalSeconds} s");
            if (watchdog[0].Due <= nextBookmark)
            {
                _time.AdvanceToNextTimer(); // the watchdog checks, sees a recent bookmark and re-arms
                checks++;
                continue;
            }

            _time.Advance(nextBookmark - _time.GetUtcNow());
            watch.Send(Bookmark((20 + sent).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            lastBookmark = nextBookmark;
            nextBookmark += every;
            sent++;
        }

        Assert.True(checks >= 8, $"the watchdog checked the watch only {checks} times");
        Assert.Single(_source.WatchRequests);

        // Silence from here on: the watchdog restarts the watch exactly one idle timeout after the last bookmark.
        while (!watch.Disposed)
        {
            await _time.WaitUntilParkedAsync(1, parked, "the reflector reading the silent watch, or backing off after restarting it", Requests);
            if (!watch.Disposed)
            {
                _time.AdvanceToNextTimer();
            }
        }

        Assert.Equal(lastBookmark + idle, _time.GetUtcNow());
        lock (errors) Assert.IsType<TimeoutException>(Assert.Single(errors));
    }

    [Fact]
    public void SetWatchErrorHandler_is_refused_once_the_reflector_runs()
    {
        _source.List("10", Cm("a", "5"));
        var reflector = Start();

        var ex = Assert.Throws<InvalidOperationException>(() => reflector.SetWatchErrorHandler(_ => { }));
        Assert.Contains("before RunAsync", ex.Message);
        Assert.Throws<ArgumentNullException>(() => new Reflector<V1ConfigMap>(_source, _store).SetWatchErrorHandler(null!));
    }

    [Fact]
    public async Task Errors_reach_the_handler_and_LastError_until_the_next_success()
    {
        _source.ListFails(ConnectionRefused()).List("10", Cm("a", "5"));
        var errors = new List<Exception>();
        var firstErrorSeen = new TaskCompletionSource<Exception?>();
        Reflector<V1ConfigMap>? reflector = null;

        reflector = Start(configure: r => r.SetWatchErrorHandler(e =>
        {
            lock (errors) errors.Add(e);
            firstErrorSeen.TrySetResult(r.LastError);
        }));

        var lastErrorDuringHandler = await Wait.ForAsync(firstErrorSeen.Task, "the error handler");
        Assert.IsType<HttpRequestException>(lastErrorDuringHandler);
        Assert.Null(reflector.LastActivity);
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count == 1, "the watch after a good list");
        Assert.Null(reflector.LastError);
        Assert.NotNull(reflector.LastActivity);
        Assert.InRange(reflector.LastActivity.Value, _time.Start, _time.GetUtcNow());
        Assert.Equal("10", reflector.LastSyncResourceVersion);
    }

    [Fact]
    public async Task A_throwing_error_handler_does_not_stop_the_reflector()
    {
        _source.ListFails(ConnectionRefused()).List("10");

        Start(configure: r => r.SetWatchErrorHandler(_ => throw new InvalidOperationException("handler bug")));
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count == 1, "the watch");

        Assert.Equal(2, _source.ListRequests.Count);
    }

    [Fact]
    public async Task Logs_say_why_it_relists_and_never_contain_object_contents()
    {
        var logger = new FakeLogger();
        var secret = new WatchEvent<V1ConfigMap>(k8s.WatchEventType.Added, Cm("a", "11", data: "s3cr3t-data"));
        _source.List("10", Cm("a", "5", data: "s3cr3t-data"))
            .Watch(FlowFakeWatch<V1ConfigMap>.Failing(Expired(), secret))
            .ListFails(ConnectionRefused()) // a 410 relists at once; the failed relist is what backs off
            .List("20");

        Start(logger: logger);
        await Wait.DriveUntilAsync(_time, () => _source.WatchRequests.Count == 2, "the watch after the relist");

        var messages = logger.Collector.GetSnapshot().Select(r => r.Message).ToArray();
        Assert.Contains(messages, m => m.Contains("relisting", StringComparison.OrdinalIgnoreCase) && m.Contains("410"));
        Assert.Contains(messages, m => m.Contains("backing off", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(messages, m => m.Contains("s3cr3t"));
    }

    [Fact]
    public async Task Resync_calls_the_store_when_ShouldResync_says_so()
    {
        var answers = new Queue<bool>([false, true]);
        _source.List("10", Cm("a", "5"));

        Start(configure: r =>
        {
            r.ResyncPeriod = TimeSpan.FromSeconds(30);
            r.ShouldResync = () => { lock (answers) return answers.Count > 0 && answers.Dequeue(); };
        });
        await Wait.DriveUntilAsync(_time, () => _store.Calls.Any(c => c.Op == "Resync"), "a resync", step: TimeSpan.FromSeconds(1));

        Assert.Single(_store.Calls, c => c.Op == "Resync");
        lock (answers) Assert.Empty(answers);
    }

    [Fact]
    public async Task RunAsync_can_be_called_only_once()
    {
        var reflector = Start();

        await Assert.ThrowsAsync<InvalidOperationException>(() => reflector.RunAsync(CancellationToken.None));
    }
}
