using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using KubeInformers.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using static KubeInformers.Tests.TestSupport.FlowObjects;

namespace KubeInformers.Tests.Informers;

public sealed class SharedInformerFactoryTests
{
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);
    private static readonly ResourceDescriptor OtherConfigMaps = new("example.com", "v1", "configmaps", "ConfigMap", Namespaced: true);
    private static readonly ResourceDescriptor Namespaces = new("", "v1", "namespaces", "Namespace", Namespaced: false);

    private static readonly Kubernetes LocalClient = new(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });

    /// <summary>A factory whose informers read scripted sources; records the options each source was created with.</summary>
    private sealed class TestFactory(SharedInformerFactoryOptions? options = null, Func<ResourceDescriptor, object>? sources = null,
        FakeTimeProvider? time = null)
        : SharedInformerFactory(LocalClient, options, timeProvider: time ?? new FakeTimeProvider())
    {
        public ConcurrentDictionary<ResourceDescriptor, ListWatchOptions> Created { get; } = new();
        public ConcurrentDictionary<ResourceDescriptor, object> Sources { get; } = new();

        protected override IListWatch<T> CreateListWatch<T>(ResourceDescriptor resource, ListWatchOptions options)
        {
            Created[resource] = options;
            var source = sources?.Invoke(resource) ?? new FlowScriptedListWatch<T>(TimeProvider.System).List("10");
            Sources[resource] = source;
            return (IListWatch<T>)source;
        }

        public IListWatch<T> DefaultListWatch<T>(ResourceDescriptor resource) where T : class, IKubernetesObject<V1ObjectMeta> =>
            base.CreateListWatch<T>(resource, new ListWatchOptions());
    }

    [Fact]
    public async Task One_informer_is_shared_per_type_and_resource()
    {
        await using var factory = new TestFactory();

        var a = factory.InformerFor<V1ConfigMap>(ConfigMaps);
        var b = factory.InformerFor<V1ConfigMap>(ConfigMaps);
        var c = factory.InformerFor<V1ConfigMap>(OtherConfigMaps);
        var d = factory.InformerFor<V1Namespace>(Namespaces);

        Assert.Same(a, b);
        Assert.NotSame(a, c);
        Assert.Equal(3, factory.Informers.Count);
        Assert.Equal([typeof(V1ConfigMap), typeof(V1ConfigMap), typeof(V1Namespace)], factory.Informers.Select(i => i.ObjectType));
        Assert.Same(d, factory.Informers.Last());
    }

    [Fact]
    public async Task Namespace_selectors_and_the_tweak_reach_each_list_watch()
    {
        await using var factory = new TestFactory(new SharedInformerFactoryOptions
        {
            Namespace = "team-a",
            LabelSelector = "app=web",
            FieldSelector = "metadata.name!=x",
            TweakListOptions = (r, o) => r.Group == "example.com" ? o with { LabelSelector = o.LabelSelector + ",tier=db" } : o,
        });

        factory.InformerFor<V1ConfigMap>(ConfigMaps);
        factory.InformerFor<V1ConfigMap>(OtherConfigMaps);
        factory.InformerFor<V1Namespace>(Namespaces);

        Assert.Equal(new ListWatchOptions { Namespace = "team-a", LabelSelector = "app=web", FieldSelector = "metadata.name!=x" }, factory.Created[ConfigMaps]);
        Assert.Equal("app=web,tier=db", factory.Created[OtherConfigMaps].LabelSelector);
        Assert.Null(factory.Created[Namespaces].Namespace); // cluster-scoped
    }

    [Fact]
    public async Task Resync_is_the_per_type_period_or_the_default()
    {
        var options = new SharedInformerFactoryOptions { DefaultResyncPeriod = TimeSpan.FromMinutes(10) };
        options.ResyncPeriods[typeof(V1Namespace)] = TimeSpan.FromMinutes(2);
        await using var factory = new TestFactory(options);

        Assert.Equal(TimeSpan.FromMinutes(10), factory.InformerFor<V1ConfigMap>(ConfigMaps).ResyncCheckPeriod);
        Assert.Equal(TimeSpan.FromMinutes(2), factory.InformerFor<V1Namespace>(Namespaces).ResyncCheckPeriod);
    }

    [Fact]
    public async Task StripManagedFields_drops_managed_fields_before_the_objects_are_cached()
    {
        await using var factory = new TestFactory(
            new SharedInformerFactoryOptions { StripManagedFields = true },
            _ => new FlowScriptedListWatch<V1ConfigMap>(TimeProvider.System).List(_ =>
            {
                var cm = Cm("a", "5");
                cm.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl" }];
                return new ListPage<V1ConfigMap>([cm], "10");
            }));
        var informer = factory.InformerFor<V1ConfigMap>(ConfigMaps);

        factory.Start();
        await Wait.ForAsync(factory.WaitForCacheSyncAsync(), "the sync");

        Assert.Null(informer.Indexer.GetByKey("ns/a")!.Metadata.ManagedFields);
    }

    [Fact]
    public async Task Start_is_idempotent_and_a_later_Start_starts_informers_created_since()
    {
        await using var factory = new TestFactory();
        var first = factory.InformerFor<V1ConfigMap>(ConfigMaps);

        factory.Start();
        factory.Start();
        await Wait.ForAsync(factory.WaitForCacheSyncAsync(), "the first sync");
        var second = factory.InformerFor<V1Namespace>(Namespaces);
        Assert.False(second.IsStarted);
        factory.Start();
        await Wait.ForAsync(factory.WaitForCacheSyncAsync(), "the second sync");

        Assert.True(first.HasSynced && second.HasSynced);
        Assert.Single(((FlowScriptedListWatch<V1ConfigMap>)factory.Sources[ConfigMaps]).ListRequests);
    }

    private static KubernetesApiException Forbidden() => new(new V1Status
    {
        Code = 403,
        Reason = "Forbidden",
        Message = "namespaces is forbidden: User \"system:serviceaccount:default:app\" cannot list resource \"namespaces\"",
    });

    [Fact]
    public async Task WaitForCacheSync_returns_once_every_started_informer_has_synced_and_ignores_one_not_started()
    {
        var time = new FakeTimeProvider();
        await using var factory = new TestFactory(time: time, sources: r => r == Namespaces
            ? new FlowScriptedListWatch<V1Namespace>(TimeProvider.System).ListFails(Forbidden()).List("10")
            : new FlowScriptedListWatch<V1ConfigMap>(TimeProvider.System).List("10"));
        var configMaps = factory.InformerFor<V1ConfigMap>(ConfigMaps);
        var namespaces = factory.InformerFor<V1Namespace>(Namespaces);
        factory.Start();
        var notStarted = factory.InformerFor<V1ConfigMap>(OtherConfigMaps); // created after Start: not waited for

        var wait = factory.WaitForCacheSyncAsync();
        await Wait.UntilAsync(() => configMaps.HasSynced && namespaces.LastError is not null, "configmaps to sync and namespaces to fail its first list");
        Assert.False(wait.IsCompleted);

        time.Advance(TimeSpan.FromMinutes(1)); // past the backoff: the second list succeeds
        await Wait.ForAsync(wait, "the wait, once namespaces synced too");
        Assert.True(namespaces.HasSynced);
        Assert.False(notStarted.IsStarted);
    }

    [Fact]
    public async Task WaitForCacheSync_times_out_on_the_factory_clock_naming_each_unsynced_informer_and_its_last_error()
    {
        var time = new FakeTimeProvider();
        await using var factory = new TestFactory(time: time, sources: r =>
            r == Namespaces ? new FlowScriptedListWatch<V1Namespace>(TimeProvider.System).ListFails(Forbidden())
            : r == OtherConfigMaps ? new FlowScriptedListWatch<V1ConfigMap>(TimeProvider.System).ListHangs()
            : new FlowScriptedListWatch<V1ConfigMap>(TimeProvider.System).List("10"));
        var configMaps = factory.InformerFor<V1ConfigMap>(ConfigMaps);
        var namespaces = factory.InformerFor<V1Namespace>(Namespaces);
        factory.InformerFor<V1ConfigMap>(OtherConfigMaps);
        factory.Start();

        var wait = factory.WaitForCacheSyncAsync(TimeSpan.FromSeconds(30));
        await Wait.UntilAsync(() => configMaps.HasSynced && namespaces.LastError is not null, "configmaps to sync and namespaces to fail");
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var ex = await Assert.ThrowsAsync<InformerSyncException>(() => Wait.ForAsync(wait, "the timeout"));
        Assert.Contains("2 of 3 informer(s) did not sync (timed out after 00:00:30)", ex.Message);
        Assert.Contains("namespaces/v1 (V1Namespace) last error: KubernetesApiException", ex.Message);
        Assert.Contains("403 Forbidden", ex.Message);
        Assert.Contains("configmaps.example.com/v1 (V1ConfigMap) last error: none (no list has completed yet)", ex.Message);
        Assert.DoesNotContain("  - configmaps/v1", ex.Message);
        Assert.Equal(["namespaces/v1", "configmaps.example.com/v1"], ex.Unsynced.Select(u => u.Name));
        Assert.IsType<KubernetesApiException>(ex.Unsynced[0].LastError);
        Assert.All(ex.Unsynced, u => Assert.False(u.Stopped));
    }

    [Fact]
    public async Task WaitForCacheSync_fails_at_once_when_an_informer_stops_before_it_synced()
    {
        await using var factory = new TestFactory(sources: r => r == Namespaces
            ? new FlowScriptedListWatch<V1Namespace>(TimeProvider.System).ListHangs()
            : new FlowScriptedListWatch<V1ConfigMap>(TimeProvider.System).List("10"));
        var configMaps = factory.InformerFor<V1ConfigMap>(ConfigMaps);
        factory.InformerFor<V1Namespace>(Namespaces);
        factory.Start();

        var wait = factory.WaitForCacheSyncAsync(TimeSpan.FromHours(1));
        await Wait.UntilAsync(() => configMaps.HasSynced, "configmaps to sync");
        await factory.ShutdownAsync();

        var ex = await Assert.ThrowsAsync<InformerSyncException>(() => Wait.ForAsync(wait, "the failure"));
        Assert.Contains("an informer stopped before it synced", ex.Message);
        var unsynced = Assert.Single(ex.Unsynced);
        Assert.Equal("namespaces/v1", unsynced.Name);
        Assert.True(unsynced.Stopped);
    }

    [Fact]
    public async Task WaitForCacheSync_throws_OperationCanceled_when_the_caller_cancels_first()
    {
        await using var factory = new TestFactory(sources: r => r == Namespaces
            ? new FlowScriptedListWatch<V1Namespace>(TimeProvider.System).ListHangs()
            : new FlowScriptedListWatch<V1ConfigMap>(TimeProvider.System).List("10"));
        factory.InformerFor<V1ConfigMap>(ConfigMaps);
        factory.InformerFor<V1Namespace>(Namespaces);
        factory.Start();

        using var cancel = new CancellationTokenSource();
        var wait = factory.WaitForCacheSyncAsync(TimeSpan.FromHours(1), cancel.Token);
        Assert.False(wait.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Wait.ForAsync(wait, "the cancellation"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => factory.WaitForCacheSyncAsync(cancel.Token));
    }

    [Fact]
    public async Task WaitForCacheSync_rejects_a_negative_timeout()
    {
        await using var factory = new TestFactory();
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = factory.WaitForCacheSyncAsync(TimeSpan.FromSeconds(-1)); });
        await factory.WaitForCacheSyncAsync(Timeout.InfiniteTimeSpan); // nothing started: nothing to wait for
    }

    [Fact]
    public async Task Shutdown_stops_every_informer_and_waits_for_their_handlers()
    {
        var watch = FlowFakeWatch<V1ConfigMap>.Open();
        await using var factory = new TestFactory(sources: _ => new FlowScriptedListWatch<V1ConfigMap>(TimeProvider.System).List("10", Cm("a", "5")).Watch(watch));
        var informer = factory.InformerFor<V1ConfigMap>(ConfigMaps);
        var inHandler = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var finished = false;
        informer.AddEventHandler(new ResourceEventHandler<V1ConfigMap>
        {
            Added = (_, _) =>
            {
                inHandler.TrySetResult();
                release.Task.Wait(TimeSpan.FromSeconds(20));
                finished = true;
            },
        });
        factory.Start();
        await Wait.ForAsync(inHandler.Task, "the handler to start");

        var shutdown = factory.ShutdownAsync();
        Assert.False(shutdown.IsCompleted);
        release.SetResult();
        await Wait.ForAsync(shutdown, "the shutdown");

        Assert.True(finished);
        Assert.True(informer.IsStopped);
        Assert.Throws<ObjectDisposedException>(() => factory.InformerFor<V1Namespace>(Namespaces));
        Assert.Throws<ObjectDisposedException>(() => factory.Start());
        await factory.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task The_default_list_watch_is_HTTP_through_the_client()
    {
        await using var factory = new TestFactory();

        var listWatch = factory.DefaultListWatch<V1ConfigMap>(ConfigMaps);

        Assert.Equal(ConfigMaps, Assert.IsType<HttpListWatch<V1ConfigMap>>(listWatch).Resource);
    }
}
