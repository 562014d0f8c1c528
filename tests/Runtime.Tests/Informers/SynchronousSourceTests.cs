using k8s;
using k8s.Models;
using KubeInformers.Tests.TestSupport;

namespace KubeInformers.Tests.Informers;

/// <summary>
/// A list/watch source whose every call completes synchronously (as an in-memory HTTP handler does) must not
/// monopolise the informer: the pop loop still runs and handlers still receive events.
/// </summary>
public sealed class SynchronousSourceTests
{
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);

    [Fact]
    public async Task Informer_over_a_source_that_completes_synchronously_delivers_watch_events_to_handlers()
    {
        var source = new SynchronousListWatch(events: 50);
        var informer = new SharedIndexInformer<V1ConfigMap>(source, new SharedIndexInformerOptions<V1ConfigMap> { Resource = ConfigMaps });
        var seen = new HashSet<string>();
        informer.AddEventHandler(new ResourceEventHandler<V1ConfigMap>
        {
            Added = (o, _) => { lock (seen) seen.Add(o.Metadata.Name); },
            Updated = (_, o) => { lock (seen) seen.Add(o.Metadata.Name); },
        });
        using var cts = new CancellationTokenSource();

        // Started on the pool so that a regression (the reflector looping inline) fails the wait below instead of hanging the test.
        var run = Task.Run(() => informer.RunAsync(cts.Token));

        await Wait.UntilAsync(() => { lock (seen) return seen.Count == 50; }, "every watched object delivered to the handler", TimeSpan.FromSeconds(15));
        Assert.Equal(50, informer.CacheCount);
        await cts.CancelAsync();
        await Wait.ForAsync(run, "the informer stops");
    }

    /// <summary>Lists nothing, then serves a watch of N ADDED events that ends; every call completes synchronously.</summary>
    private sealed class SynchronousListWatch(int events) : IListWatch<V1ConfigMap>
    {
        public Task<ListPage<V1ConfigMap>> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
            => Task.FromResult(new ListPage<V1ConfigMap>([], "1"));

        public Task<IWatchStream<V1ConfigMap>> WatchAsync(WatchRequest request, CancellationToken cancellationToken = default)
            => Task.FromResult<IWatchStream<V1ConfigMap>>(new Stream(events));

        private sealed class Stream(int events) : IWatchStream<V1ConfigMap>
        {
            public async IAsyncEnumerable<WatchEvent<V1ConfigMap>> ReadEventsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
            {
                await Task.CompletedTask.ConfigureAwait(false);
                for (var i = 0; i < events; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return new WatchEvent<V1ConfigMap>(WatchEventType.Added, new V1ConfigMap
                    {
                        Metadata = new V1ObjectMeta { Name = "cm-" + i, NamespaceProperty = "default", ResourceVersion = (10 + i).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    });
                }
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
