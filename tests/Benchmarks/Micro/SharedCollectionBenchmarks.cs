using System.Reflection;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using k8s.Models;

namespace KubeInformers.Benchmarks.Micro;

/// <summary>
/// The generated compiled reader decoding a realistic PodList (<see cref="RealisticPods"/>, 1,000 Pods) from memory, to
/// measure what shared collections (labels, annotations, args, requests and limits: <see cref="SharedCollectionCache"/>)
/// cost per Pod. <see cref="Cache"/> <c>Cold</c> decodes each list with a new decoder context, so its collection cache
/// is empty and every collection is met as on an informer's first list (first sights miss; with <see cref="PodMix.AllUnique"/>
/// every Pod's labels and annotations are its own); <c>Warm</c> decodes with one context throughout, as a relist does,
/// so repeated collections are hits. The string and <c>object</c> caches are the process's in both. A cold op also
/// allocates its context (its collection cache's two tables, about 48 KB per list: 48 bytes per Pod), the same before
/// and after any change to the collection path.
/// </summary>
[MemoryDiagnoser]
public class SharedCollectionBenchmarks
{
    private const int Pods = 1_000;
    private byte[] _json = [];
    private Func<CompiledReaderContext, CompiledJsonReader<V1Pod>> _factory = null!;
    private CompiledJsonReader<V1Pod> _warm = null!;

    /// <summary>How the Pods share their collections.</summary>
    [Params(PodMix.ReplicaSets, PodMix.AllUnique)]
    public PodMix Mix { get; set; }

    /// <summary>Whether each list is decoded with an empty collection cache (<c>Cold</c>) or one that has seen it (<c>Warm</c>).</summary>
    [Params("Cold", "Warm")]
    public string Cache { get; set; } = "Cold";

    [GlobalSetup]
    public void Setup()
    {
        _json = RealisticPods.ListJson(Pods, Mix);
        _factory = RegisteredFactory();
        _warm = _factory(NewContext());
        if (Decode(_warm) != Pods)
        {
            throw new InvalidOperationException("the compiled reader did not decode every Pod");
        }
    }

    [Benchmark(Description = "Compiled reader: PodList of 1,000 Pods, per Pod", OperationsPerInvoke = Pods)]
    public int DecodeList() => Decode(Cache == "Cold" ? _factory(NewContext()) : _warm);

    private int Decode(CompiledJsonReader<V1Pod> compiled)
    {
        var reader = new Utf8JsonReader(_json);
        var decoded = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("items"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    if (compiled(ref reader, out var pod) != CompiledReadResult.Done || pod is null)
                    {
                        throw new InvalidOperationException("the compiled reader did not decode a Pod");
                    }

                    decoded++;
                }
            }
        }

        return decoded;
    }

    private static CompiledReaderContext NewContext() =>
        CompiledReaderContext.Create(KubernetesJsonCodec.Options, shareCollections: true)
        ?? throw new InvalidOperationException("the decoder's options are not the ones compiled readers reproduce");

    /// <summary>The factory this assembly's generated code registered for V1Pod (the registry keeps it private), so each cold op can bind it to a new context.</summary>
    private static Func<CompiledReaderContext, CompiledJsonReader<V1Pod>> RegisteredFactory()
    {
        const BindingFlags Static = BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static;
        CompiledReaderRegistry.GetReader<V1Pod>(); // runs the module initializer's registration if it has not run
        var entry = typeof(CompiledReaderRegistry).GetNestedType("Entry`1", BindingFlags.NonPublic)?.MakeGenericType(typeof(V1Pod))
            ?? throw new InvalidOperationException("CompiledReaderRegistry has no Entry<T> any more: update this benchmark");
        var candidates = (Array?)entry.GetField("Candidates", Static)?.GetValue(null);
        if (candidates is not { Length: > 0 } || candidates.GetValue(0) is not { } candidate)
        {
            throw new InvalidOperationException("no compiled reader of V1Pod is registered");
        }

        return (Func<CompiledReaderContext, CompiledJsonReader<V1Pod>>)candidate.GetType().GetProperty("Factory")!.GetValue(candidate)!;
    }
}
