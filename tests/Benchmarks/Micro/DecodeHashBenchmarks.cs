using System.Text;
using BenchmarkDotNet.Attributes;

namespace KubeInformers.Benchmarks.Micro;

/// <summary>
/// The decode caches' key hash against the byte-at-a-time FNV-1a it replaced, on keys a cluster writes: a namespace,
/// a uid, a container ID and a kubelet <c>managedFields</c> document's minified text (the longest keys hashed, once per
/// document per decoded object).
/// </summary>
public class DecodeHashBenchmarks
{
    private byte[] _key = [];

    [Params("namespace", "uid", "container-id", "managed-fields")]
    public string Key { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _key = Encoding.UTF8.GetBytes(Key switch
        {
            "namespace" => "payments",
            "uid" => "3f1c9a7e-52b4-4d0e-9c61-8a2f7b5d4e10",
            "container-id" => "containerd://7d3c0f2a9b8e4d1c6a5f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b",
            _ => ManagedFieldsDocument(),
        });
    }

    [Benchmark(Baseline = true, Description = "FNV-1a, a byte per step (before)")]
    public uint Fnv()
    {
        var h = 2166136261u;
        foreach (var b in _key)
        {
            h = (h ^ b) * 16777619u;
        }

        return h;
    }

    [Benchmark(Description = "Utf8ValueCache.Hash, eight bytes per step")]
    public uint Words() => Utf8ValueCache<string>.Hash(_key);

    private static string ManagedFieldsDocument()
    {
        // The shape of a kubelet status entry: conditions, container statuses, the Pod's own IP as a key.
        var sb = new StringBuilder("{\"f:status\":{\"f:conditions\":{");
        foreach (var type in new[] { "ContainersReady", "Initialized", "PodReadyToStartContainers", "PodScheduled", "Ready" })
        {
            sb.Append("\"k:{\\\"type\\\":\\\"").Append(type).Append("\\\"}\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}},");
        }

        sb.Length--;
        sb.Append("},\"f:containerStatuses\":{},\"f:hostIP\":{},\"f:hostIPs\":{},\"f:phase\":{},\"f:podIP\":{},\"f:podIPs\":{\".\":{},\"k:{\\\"ip\\\":\\\"10.244.3.17\\\"}\":{\".\":{},\"f:ip\":{}}},\"f:startTime\":{}}}");
        return sb.ToString();
    }
}
