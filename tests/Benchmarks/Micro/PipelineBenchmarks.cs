using System.Globalization;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using k8s;
using k8s.Models;

namespace KubeInformers.Benchmarks.Micro;

/// <summary>
/// The informer pipeline after decode (reflector → informer cache writer → cache → listener → handler), fed with objects that are
/// already decoded, so what is measured (time and allocation) is the pipeline's own cost per object or event.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private const int ListObjects = 10_000;
    private const int WatchEvents = 20_000;
    private static readonly ResourceDescriptor Pods = new("", "v1", "pods", "Pod", Namespaced: true);

    private V1Pod[] _list = [];
    private V1Pod[] _events = [];

    [GlobalSetup]
    public void Setup()
    {
        _list = Enumerable.Range(0, ListObjects).Select(i => RealisticPods.Create(i)).ToArray();
        // Distinct objects with increasing resourceVersions over 1,000 Pods, sharing everything but metadata.
        var templates = _list.Take(1_000).ToArray();
        _events = new V1Pod[WatchEvents];
        for (var i = 0; i < WatchEvents; i++)
        {
            var t = templates[i % templates.Length];
            _events[i] = new V1Pod
            {
                ApiVersion = t.ApiVersion,
                Kind = t.Kind,
                Metadata = new V1ObjectMeta
                {
                    Name = t.Metadata.Name,
                    NamespaceProperty = t.Metadata.NamespaceProperty,
                    Labels = t.Metadata.Labels,
                    Uid = t.Metadata.Uid,
                    ResourceVersion = (200_000 + i).ToString(CultureInfo.InvariantCulture),
                },
                Spec = t.Spec,
                Status = t.Status,
            };
        }
    }

    [Benchmark(Description = "Informer: initial list of 10k decoded Pods to synced + handler", OperationsPerInvoke = ListObjects)]
    public Task InitialList() => RunAsync(_list, [], ListObjects);

    [Benchmark(Description = "Informer: 20k decoded MODIFIED events to a handler", OperationsPerInvoke = WatchEvents)]
    public Task Watch() => RunAsync([], _events, WatchEvents);

    private static async Task RunAsync(V1Pod[] list, V1Pod[] events, int expected)
    {
        var delivered = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var informer = new SharedIndexInformer<V1Pod>(new InMemoryListWatch(list, events), new SharedIndexInformerOptions<V1Pod>
        {
            Resource = Pods,
            Reflector = new ReflectorOptions { WatchIdleTimeout = null },
        });
        void Count()
        {
            if (Interlocked.Increment(ref delivered) == expected) done.TrySetResult();
        }

        informer.AddEventHandler(new ResourceEventHandler<V1Pod> { Added = (_, _) => Count(), Updated = (_, _) => Count() });
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        await run.ConfigureAwait(false);
    }

    /// <summary>Lists the given objects, then watches the given events and stays open until cancelled.</summary>
    private sealed class InMemoryListWatch(V1Pod[] list, V1Pod[] events) : IListWatch<V1Pod>
    {
        private int _watches;

        public Task<ListPage<V1Pod>> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
            => Task.FromResult(new ListPage<V1Pod>(list, "100000"));

        public Task<IWatchStream<V1Pod>> WatchAsync(WatchRequest request, CancellationToken cancellationToken = default)
            => Task.FromResult<IWatchStream<V1Pod>>(new Stream(Interlocked.Increment(ref _watches) == 1 ? events : []));

        private sealed class Stream(V1Pod[] events) : IWatchStream<V1Pod>
        {
            public async IAsyncEnumerable<WatchEvent<V1Pod>> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
            {
                foreach (var e in events)
                {
                    yield return new WatchEvent<V1Pod>(WatchEventType.Modified, e);
                }

                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
