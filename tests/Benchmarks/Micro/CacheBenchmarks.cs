using BenchmarkDotNet.Attributes;
using k8s.Models;

namespace KubeInformers.Benchmarks.Micro;

/// <summary>Indexer and lister reads: the hot path of every controller.</summary>
[MemoryDiagnoser]
public class CacheReadBenchmarks
{
    private Indexer<V1Pod> _indexer = null!;
    private Lister<V1Pod> _lister = null!;
    private LabelSelector _selector = null!;
    private string _existingKey = "";
    private string _namespace = "";
    private string _name = "";

    /// <summary>Objects in the cache.</summary>
    [Params(10_000)]
    public int Objects { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _indexer = new Indexer<V1Pod>(CacheKeys.MetaNamespaceKey, new Dictionary<string, IndexFunc<V1Pod>>
        {
            [StandardIndexes.Namespace] = p => [p.Metadata.NamespaceProperty],
            ["byNode"] = p => p.Spec?.NodeName is { } n ? [n] : [],
        });
        var pods = Enumerable.Range(0, Objects).Select(i => RealisticPods.Create(i)).ToList();
        _indexer.Replace(pods);
        _lister = new Lister<V1Pod>(_indexer);
        _selector = LabelSelector.Parse("app=checkout,tier in (backend)");
        _namespace = pods[Objects / 2].Metadata.NamespaceProperty;
        _name = pods[Objects / 2].Metadata.Name;
        _existingKey = CacheKeys.For(_namespace, _name);
    }

    [Benchmark(Description = "Indexer.GetByKey")]
    public V1Pod? GetByKey() => _indexer.GetByKey(_existingKey);

    [Benchmark(Description = "Lister.Get(ns, name)")]
    public V1Pod? ListerGet() => _lister.Get(_namespace, _name);

    [Benchmark(Description = "Indexer.ByIndex(byNode) ~50 results")]
    public int ByIndex() => _indexer.ByIndex("byNode", "node-007.cluster.internal").Count;

    [Benchmark(Description = "Lister.List(selector) over 10k")]
    public int ListSelector() => _lister.List(_selector).Count;

    [Benchmark(Description = "NamespaceLister.List(selector)")]
    public int NamespaceListSelector() => _lister.Namespace("payments").List(_selector).Count;
}

/// <summary>DeltaFifo add and pop (the standalone client-go queue; the informer applies changes without it).</summary>
[MemoryDiagnoser]
public class DeltaFifoBenchmarks
{
    private V1Pod[] _pods = [];
    private DeltaFifo<V1Pod> _fifo = null!;
    private static readonly DeltaProcessor<V1Pod> Ignore = static (_, _) => { };

    /// <summary>Events per operation.</summary>
    [Params(1_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup() => _pods = Enumerable.Range(0, Events).Select(i => RealisticPods.Create(i)).ToArray();

    [IterationSetup]
    public void NewFifo() => _fifo = new DeltaFifo<V1Pod>(new DeltaFifoOptions<V1Pod> { KeyFunc = CacheKeys.MetaNamespaceKey, EmitDeltaTypeReplaced = true });

    [Benchmark(Description = "DeltaFifo Add+Pop, distinct keys", OperationsPerInvoke = 1_000)]
    public async Task AddPop()
    {
        foreach (var p in _pods) _fifo.Add(p);
        for (var i = 0; i < _pods.Length; i++) await _fifo.PopAsync(Ignore);
    }
}

/// <summary>Work queue add / get / done.</summary>
[MemoryDiagnoser]
public class WorkQueueBenchmarks
{
    private string[] _keys = [];

    [GlobalSetup]
    public void Setup() => _keys = Enumerable.Range(0, 1_000).Select(i => "ns/obj-" + i).ToArray();

    [Benchmark(Description = "WorkQueue Add+Get+Done", OperationsPerInvoke = 1_000)]
    public async Task AddGetDone()
    {
        using var queue = new WorkQueue<string>();
        foreach (var k in _keys) queue.Add(k);
        for (var i = 0; i < _keys.Length; i++)
        {
            var (item, _) = await queue.GetAsync();
            queue.Done(item);
        }
    }
}
