using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

public sealed class WatchTests
{
    /// <summary>Runs a KubernetesClient typed watch in the background, collecting events and onError exceptions.</summary>
    internal sealed class TypedWatch<T> : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(60));

        public TypedWatch(Func<Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> start)
        {
            Completion = Task.Run(async () =>
            {
                await foreach (var ev in start(e => Errors.Writer.TryWrite(e), _cts.Token))
                {
                    await Events.Writer.WriteAsync(ev);
                }
            });
        }

        public Channel<(WatchEventType Type, T Object)> Events { get; } = Channel.CreateUnbounded<(WatchEventType, T)>();

        public Channel<Exception> Errors { get; } = Channel.CreateUnbounded<Exception>();

        public Task Completion { get; }

        public async Task<(WatchEventType Type, T Object)> NextAsync() => await Events.Reader.ReadAsync(Timeout());

        public async ValueTask DisposeAsync()
        {
            _cts.Cancel();
            try
            {
                await Completion;
            }
            catch (Exception)
            {
            }

            _cts.Dispose();
        }
    }

    internal static TypedWatch<V1ConfigMap> WatchConfigMaps(Kubernetes client, string? resourceVersion = null, string? labelSelector = null, bool? bookmarks = null, bool? sendInitialEvents = null, string? match = null, int? timeoutSeconds = null) =>
        new((onError, ct) => client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: resourceVersion, labelSelector: labelSelector, allowWatchBookmarks: bookmarks,
            sendInitialEvents: sendInitialEvents, resourceVersionMatch: match, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: ct));

    [Fact]
    public async Task Watch_without_resourceVersion_sends_ADDED_for_current_objects_then_changes()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default", cancellationToken: Timeout());

        await using var watch = WatchConfigMaps(client);
        var first = await watch.NextAsync();
        var second = await watch.NextAsync();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "default", cancellationToken: Timeout());
        var third = await watch.NextAsync();

        Assert.Equal(WatchEventType.Added, first.Type);
        Assert.Equal(WatchEventType.Added, second.Type);
        Assert.Equal(["a", "b"], new[] { first.Object.Metadata.Name, second.Object.Metadata.Name }.Order());
        Assert.Equal((WatchEventType.Added, "c"), (third.Type, third.Object.Metadata.Name));
    }

    [Fact]
    public async Task Watch_from_a_resourceVersion_sends_only_later_changes_in_order_and_DELETED_has_a_new_resourceVersion()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("old"), "default", cancellationToken: Timeout());
        var start = emu.ResourceVersion;
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        var modified = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"x":"1"}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: Timeout());
        await client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout());

        await using var watch = WatchConfigMaps(client, resourceVersion: start);
        var e1 = await watch.NextAsync();
        var e2 = await watch.NextAsync();
        var e3 = await watch.NextAsync();

        Assert.Equal((WatchEventType.Added, created.Metadata.ResourceVersion), (e1.Type, e1.Object.Metadata.ResourceVersion));
        Assert.Equal((WatchEventType.Modified, modified.Metadata.ResourceVersion), (e2.Type, e2.Object.Metadata.ResourceVersion));
        Assert.Equal(WatchEventType.Deleted, e3.Type);
        Assert.Equal("1", e3.Object.Data["x"]);
        Assert.True(long.Parse(e3.Object.Metadata.ResourceVersion) > long.Parse(modified.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Watch_from_a_compacted_resourceVersion_gets_200_then_an_ERROR_410_event_then_the_stream_closes()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        var compactedAt = emu.Faults.CompactHistory();

        await using var raw = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}");
        var ev = await raw.NextAsync();
        var end = await raw.NextAsync();

        Assert.Equal(200, (int)raw.Response.StatusCode);
        Assert.Equal("ERROR", Type(ev!));
        Assert.Equal(410, ev!["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", ev["object"]!["reason"]!.GetValue<string>());
        Assert.Equal($"too old resource version: {start} ({compactedAt})", ev["object"]!["message"]!.GetValue<string>());
        Assert.Null(end);
    }

    [Fact]
    public async Task KubernetesClient_reports_the_410_through_onError_and_the_enumeration_ends()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var start = emu.ResourceVersion;
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        emu.Faults.CompactHistory();

        await using var watch = WatchConfigMaps(client, resourceVersion: start);
        var error = await watch.Errors.Reader.ReadAsync(Timeout());
        await watch.Completion.WaitAsync(Timeout());

        var kex = Assert.IsType<KubernetesException>(error);
        Assert.Equal(410, kex.Status.Code);
        Assert.Equal("Expired", kex.Status.Reason);
    }

    [Fact]
    public async Task History_window_by_count_expires_resume_from_before_it()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { HistoryMaxEvents = 3, HistoryMinEvents = 0 });
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;
        for (var i = 0; i < 5; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"cm{i}"), "default", cancellationToken: Timeout());
        }

        var recentList = await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout());
        var recent = (long.Parse(recentList.Metadata.ResourceVersion) - 2).ToString();

        await using var old = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}");
        await using var fine = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={recent}");

        Assert.Equal("ERROR", Type((await old.NextAsync())!));
        var a = await fine.NextAsync();
        var b = await fine.NextAsync();
        Assert.Equal(["cm3", "cm4"], new[] { Name(a!), Name(b!) });
    }

    [Fact]
    public async Task History_window_by_age_expires_old_events_once_over_the_minimum()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { TimeProvider = time, HistoryMinEvents = 1, HistoryMaxAge = TimeSpan.FromMinutes(1) });
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        var afterA = emu.ResourceVersion;
        time.Advance(TimeSpan.FromMinutes(2));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default", cancellationToken: Timeout());

        await using var old = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}");
        await using var fine = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={afterA}");

        Assert.Equal("ERROR", Type((await old.NextAsync())!));
        Assert.Equal("b", Name((await fine.NextAsync())!));
    }

    [Fact]
    public async Task Bookmarks_arrive_periodically_once_the_resourceVersion_moved()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;

        await using var raw = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion={start}");
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        var added = await raw.NextAsync();
        var bookmark = await raw.NextAsync();

        Assert.Equal("ADDED", Type(added!));
        Assert.Equal("BOOKMARK", Type(bookmark!));
        Assert.Equal("ConfigMap", bookmark!["object"]!["kind"]!.GetValue<string>());
        Assert.Equal("v1", bookmark["object"]!["apiVersion"]!.GetValue<string>());
        Assert.True(long.Parse(Rv(bookmark)) >= long.Parse(created.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task A_bookmark_is_sent_just_before_timeoutSeconds_ends_the_stream_cleanly()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { BookmarkInterval = TimeSpan.FromHours(1) });
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;

        await using var raw = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion={start}");
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "elsewhere" } }, cancellationToken: Timeout());
        var bookmark = await raw.NextAsync();
        var ended = await raw.EndAsync();

        Assert.Equal("BOOKMARK", Type(bookmark!));
        Assert.Equal(emu.ResourceVersion, Rv(bookmark!));
        Assert.Null(ended);
    }

    [Fact]
    public async Task TimeoutSeconds_ends_a_typed_watch_without_an_exception()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());

        await using var watch = WatchConfigMaps(client, timeoutSeconds: 1);
        var first = await watch.NextAsync();
        await watch.Completion.WaitAsync(Timeout());

        Assert.Equal(WatchEventType.Added, first.Type);
        Assert.False(watch.Errors.Reader.TryRead(out _));
    }

    [Fact]
    public async Task SendInitialEvents_sends_ADDED_then_a_bookmark_annotated_initial_events_end()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default", cancellationToken: Timeout());
        var rv = emu.ResourceVersion;

        await using var watch = WatchConfigMaps(client, bookmarks: true, sendInitialEvents: true, match: "NotOlderThan");
        var e1 = await watch.NextAsync();
        var e2 = await watch.NextAsync();
        var end = await watch.NextAsync();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "default", cancellationToken: Timeout());
        var live = await watch.NextAsync();

        Assert.Equal([WatchEventType.Added, WatchEventType.Added], new[] { e1.Type, e2.Type });
        Assert.Equal(WatchEventType.Bookmark, end.Type);
        Assert.Equal("true", end.Object.Metadata.Annotations["k8s.io/initial-events-end"]);
        Assert.Equal(rv, end.Object.Metadata.ResourceVersion);
        Assert.Equal((WatchEventType.Added, "c"), (live.Type, live.Object.Metadata.Name));
    }

    [Fact]
    public async Task SendInitialEvents_without_NotOlderThan_is_422_Invalid()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (code, body, _) = await SendAsync(http, HttpMethod.Get, "api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true");

        Assert.Equal(422, code);
        AssertStatus(body, 422, "Invalid");
    }

    [Fact]
    public async Task Label_selector_transitions_arrive_as_DELETED_and_ADDED()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var start = emu.ResourceVersion;
        await using var watch = WatchConfigMaps(client, resourceVersion: start, labelSelector: "app=web");

        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("other", new Dictionary<string, string> { ["app"] = "db" }), "default", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", new Dictionary<string, string> { ["app"] = "web" }), "default", cancellationToken: Timeout());
        var relabelled = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"app":"db"}}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: Timeout());
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"ignored":"1"}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: Timeout());
        var back = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"app":"web"}}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: Timeout());

        var added = await watch.NextAsync();
        var gone = await watch.NextAsync();
        var again = await watch.NextAsync();

        Assert.Equal((WatchEventType.Added, "a"), (added.Type, added.Object.Metadata.Name));
        Assert.Equal((WatchEventType.Deleted, "a"), (gone.Type, gone.Object.Metadata.Name));
        Assert.Equal("web", gone.Object.Metadata.Labels["app"]); // the last state that matched
        Assert.Equal(relabelled.Metadata.ResourceVersion, gone.Object.Metadata.ResourceVersion);
        Assert.Equal((WatchEventType.Added, back.Metadata.ResourceVersion), (again.Type, again.Object.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Field_selector_watch_on_pods_follows_spec_nodeName()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var start = emu.ResourceVersion;
        await using var watch = new TypedWatch<V1Pod>((onError, ct) => client.CoreV1.WatchListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=node-a", resourceVersion: start, onError: onError, cancellationToken: ct));

        emu.Seed(ListTests.Pod("elsewhere", "default", "node-b", "Running"));
        emu.Seed(ListTests.Pod("here", "default", "node-a", "Running"));
        var ev = await watch.NextAsync();

        Assert.Equal((WatchEventType.Added, "here"), (ev.Type, ev.Object.Metadata.Name));
    }

    [Fact]
    public async Task Hundred_watchers_each_receive_one_event()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;
        var watches = new List<RawWatch>();
        try
        {
            for (var i = 0; i < 100; i++)
            {
                watches.Add(await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}"));
            }

            await Wait.UntilAsync(() => emu.Faults.OpenWatchCount == 100, "100 open watches");
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("hello"), "default", cancellationToken: Timeout());
            var events = await Task.WhenAll(watches.Select(w => w.NextAsync()));

            Assert.All(events, e => Assert.Equal(("ADDED", "hello"), (Type(e!), Name(e!))));
        }
        finally
        {
            foreach (var w in watches)
            {
                await w.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_watcher_that_falls_too_far_behind_is_closed_with_410()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { MaxWatcherLag = 5 });
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;
        await using var raw = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}");
        await Wait.UntilAsync(() => emu.Faults.OpenWatchCount == 1, "the watch is open");

        emu.Faults.StallWatches(); // the watcher stops consuming while 10 events pile up
        for (var i = 0; i < 10; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"cm{i}"), "default", cancellationToken: Timeout());
        }

        emu.Faults.ResumeWatches();
        var ev = await raw.NextAsync();

        Assert.Equal("ERROR", Type(ev!));
        Assert.Equal(410, ev!["object"]!["code"]!.GetValue<int>());
        Assert.Null(await raw.NextAsync());
    }

    [Fact]
    public async Task Legacy_watch_path_and_namespace_scoping_work()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;
        await using var raw = await RawWatch.OpenAsync(http, $"api/v1/watch/namespaces/kube-system/configmaps?resourceVersion={start}");

        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("not-here"), "default", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("here"), "kube-system", cancellationToken: Timeout());

        Assert.Equal("here", Name((await raw.NextAsync())!));
        Assert.Equal("application/json", raw.Response.Content.Headers.ContentType!.MediaType);
        Assert.True(raw.Response.Headers.TransferEncodingChunked);
    }

    [Fact]
    public async Task SendInitialEvents_false_starts_at_the_newest_resourceVersion_without_synthetic_events()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("existing"), "default", cancellationToken: Timeout());

        await using var raw = await RawWatch.OpenAsync(http, "api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan");
        await Wait.UntilAsync(() => emu.Faults.OpenWatchCount == 1, "the watch is open");
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("new"), "default", cancellationToken: Timeout());

        var first = await raw.NextAsync();

        Assert.Equal(("ADDED", "new"), (Type(first!), Name(first!)));
    }

    [Fact]
    public async Task Concurrent_writes_reach_a_watch_exactly_once_in_resourceVersion_order()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        var start = emu.ResourceVersion;
        await using var raw = await RawWatch.OpenAsync(http, $"api/v1/configmaps?watch=true&resourceVersion={start}");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            using var client = emu.CreateClient();
            for (var i = 0; i < 50; i++)
            {
                await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"w{w}-{i}"), "default", cancellationToken: Timeout());
            }
        })));
        var names = new HashSet<string>();
        long last = 0;
        for (var i = 0; i < 200; i++)
        {
            var ev = (await raw.NextAsync())!;
            var rv = long.Parse(Rv(ev));
            Assert.True(rv > last, $"RV {rv} after {last}");
            last = rv;
            Assert.True(names.Add(Name(ev)), $"duplicate {Name(ev)}");
        }

        Assert.Equal(200, names.Count);
    }

    [Fact]
    public async Task Initial_ADDED_events_honour_the_selectors()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("no", new Dictionary<string, string> { ["app"] = "db" }), "default", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("yes", new Dictionary<string, string> { ["app"] = "web" }), "default", cancellationToken: Timeout());

        await using var watch = WatchConfigMaps(client, labelSelector: "app=web", bookmarks: true, sendInitialEvents: true, match: "NotOlderThan");
        var first = await watch.NextAsync();
        var end = await watch.NextAsync();

        Assert.Equal((WatchEventType.Added, "yes"), (first.Type, first.Object.Metadata.Name));
        Assert.Equal(WatchEventType.Bookmark, end.Type);
    }
}
