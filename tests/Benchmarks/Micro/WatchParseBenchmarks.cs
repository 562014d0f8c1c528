using BenchmarkDotNet.Attributes;
using k8s;
using k8s.Models;

namespace KubeInformers.Benchmarks.Micro;

/// <summary>
/// Parsing a watch stream of realistic Pods from memory: ours (<see cref="HttpListWatch{T}"/>) against KubernetesClient's
/// own watch enumeration. Both go through the same KubernetesClient HTTP pipeline, answered from memory.
/// </summary>
[MemoryDiagnoser]
public class WatchParseBenchmarks
{
    private const int Events = 2_000;
    private Kubernetes _client = null!;
    private HttpListWatch<V1Pod> _ours = null!;
    private static readonly ResourceDescriptor Pods = new("", "v1", "pods", "Pod", Namespaced: true);

    [GlobalSetup]
    public void Setup()
    {
        var handler = new CannedApiHandler(RealisticPods.ListJson(1), CannedApiHandler.WatchStream(Events));
        _client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, handler);
        _ours = new HttpListWatch<V1Pod>(_client, Pods);
    }

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [Benchmark(Baseline = true, Description = "KubernetesClient WatchListPodForAllNamespacesAsync", OperationsPerInvoke = Events)]
    public async Task<int> KubernetesClientWatch()
    {
        var n = 0;
        await foreach (var (_, pod) in _client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true))
            if (pod is not null) n++;
        return n;
    }

    [Benchmark(Description = "KubeInformers HttpListWatch", OperationsPerInvoke = Events)]
    public async Task<int> OursWatch()
    {
        var n = 0;
        await using var stream = await _ours.WatchAsync(new WatchRequest { ResourceVersion = "1", AllowWatchBookmarks = true });
        await foreach (var e in stream.ReadEventsAsync())
            if (e.Object is not null) n++;
        return n;
    }
}
