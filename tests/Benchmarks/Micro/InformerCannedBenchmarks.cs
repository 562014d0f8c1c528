using BenchmarkDotNet.Attributes;
using k8s;
using k8s.Models;

namespace KubeInformers.Benchmarks.Micro;

/// <summary>
/// A whole informer (HTTP pipeline, decode, reflector, queue, cache, handler) over a canned list or watch answered from
/// memory, to a handler that only counts: the end-to-end path without a server, measured with BenchmarkDotNet's
/// repetitions instead of the e2e harness's single medians. Per object (list) or per event (watch).
/// </summary>
[MemoryDiagnoser]
public class InformerCannedBenchmarks
{
    private const int ListObjects = 10_000;
    private const int WatchEvents = 10_000;
    private static readonly ResourceDescriptor Pods = new("", "v1", "pods", "Pod", Namespaced: true);

    private Kubernetes _listClient = null!;
    private Kubernetes _watchClient = null!;

    [GlobalSetup]
    public void Setup()
    {
        var emptyList = System.Text.Encoding.UTF8.GetBytes(KubernetesJson.Serialize(
            new V1PodList { ApiVersion = "v1", Kind = "PodList", Metadata = new V1ListMeta { ResourceVersion = "1" }, Items = [] }));
        // The list client's watches end at once with no event; the informer is stopped as soon as it has synced.
        _listClient = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" },
            new CannedApiHandler(RealisticPods.ListJson(ListObjects), []));
        _watchClient = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" },
            new CannedApiHandler(emptyList, CannedApiHandler.WatchStream(WatchEvents)));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listClient.Dispose();
        _watchClient.Dispose();
    }

    [Benchmark(Description = "Informer over a canned list of 10k Pods: synced + initial adds delivered", OperationsPerInvoke = ListObjects)]
    public Task CannedList() => RunAsync(_listClient, ListObjects);

    [Benchmark(Description = "Informer over a canned watch of 10k MODIFIED Pods: delivered to a handler", OperationsPerInvoke = WatchEvents)]
    public Task CannedWatch() => RunAsync(_watchClient, WatchEvents);

    private static async Task RunAsync(Kubernetes client, int expected)
    {
        var delivered = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var factory = new SharedInformerFactory(client);
        var informer = factory.InformerFor<V1Pod>(Pods);
        void Count()
        {
            if (Interlocked.Increment(ref delivered) == expected) done.TrySetResult();
        }

        informer.AddEventHandler(new ResourceEventHandler<V1Pod> { Added = (_, _) => Count(), Updated = (_, _) => Count() });
        factory.Start();
        await done.Task.WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
    }
}
