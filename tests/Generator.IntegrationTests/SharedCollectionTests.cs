using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace KubeInformers.Generator.IntegrationTests;

/// <summary>
/// Collections of immutable values (string lists, string maps, maps of quantities) that compiled readers decode: read-only
/// whether shared or not, shared between objects from the second time the same JSON is seen, equal to what
/// JsonSerializer decodes; collections of model objects stay mutable lists; a generated DeepCopy gives mutable
/// collections; and with sharing off the context hands back the plain mutable collection.
/// </summary>
public class SharedCollectionTests
{
    // A number no other test decodes (label, annotation, quantities), so the process-wide cache has never seen these collections.
    private static V1Pod PodWith(string unique, int index) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"p-{index}",
            Labels = new Dictionary<string, string> { ["app"] = "shop", ["pod-template-hash"] = unique },
            Annotations = new Dictionary<string, string> { ["cpu"] = unique + "m" },
        },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "app",
                    Args = ["--id=" + unique, "--log-level=info"],
                    Resources = new V1ResourceRequirements
                    {
                        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(unique + "m") },
                        Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new(unique + "Mi") },
                    },
                },
            ],
            NodeSelector = new Dictionary<string, string> { ["zone"] = unique },
        },
    };

    private static V1Pod Decode(V1Pod pod)
    {
        var json = Encoding.UTF8.GetBytes(KubernetesJson.Serialize(pod));
        var reader = new Utf8JsonReader(json);
        Assert.True(reader.Read());
        var compiled = CompiledReaderRegistry.GetReader<V1Pod>();
        Assert.NotNull(compiled);
        Assert.Equal(CompiledReadResult.Done, compiled(ref reader, out var value));
        Assert.Equal(KubernetesJson.Serialize(KubernetesJson.Deserialize<V1Pod>(Encoding.UTF8.GetString(json))), KubernetesJson.Serialize(value));
        return value!;
    }

    private static V1Pod[] DecodeReplicas(int count)
    {
        var unique = Random.Shared.NextInt64(1_000_000_000, long.MaxValue / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return [.. Enumerable.Range(0, count).Select(i => Decode(PodWith(unique, i)))];
    }

    [Fact]
    public void RepeatedStringMapsListsAndQuantityMapsAreSharedFromTheirSecondSight()
    {
        var pods = DecodeReplicas(3);

        // The first sight is remembered only; the second is kept, so the second and third Pods share one instance.
        Assert.NotSame(pods[0].Metadata.Labels, pods[1].Metadata.Labels);
        Assert.Same(pods[1].Metadata.Labels, pods[2].Metadata.Labels);
        Assert.Same(pods[1].Metadata.Annotations, pods[2].Metadata.Annotations);
        Assert.Same(pods[1].Spec.NodeSelector, pods[2].Spec.NodeSelector);
        Assert.Same(pods[1].Spec.Containers[0].Args, pods[2].Spec.Containers[0].Args);
        Assert.Same(pods[1].Spec.Containers[0].Resources.Requests, pods[2].Spec.Containers[0].Resources.Requests);
        Assert.Equal(pods[0].Metadata.Labels, pods[2].Metadata.Labels);
    }

    [Fact]
    public void CollectionsOfImmutableValuesAreReadOnlyWhetherSharedOrNot()
    {
        var pods = DecodeReplicas(3);
        foreach (var pod in new[] { pods[0], pods[2] })
        {
            Assert.True(pod.Metadata.Labels.IsReadOnly);
            Assert.Throws<NotSupportedException>(() => pod.Metadata.Labels["app"] = "other");
            Assert.Throws<NotSupportedException>(() => pod.Spec.Containers[0].Args.Add("--more"));
            Assert.Throws<NotSupportedException>(() => pod.Spec.Containers[0].Args[0] = "--other");
            Assert.Throws<NotSupportedException>(() => pod.Spec.Containers[0].Resources.Limits.Remove("memory"));
        }

        Assert.Equal("shop", pods[2].Metadata.Labels["app"]);
        Assert.Equal(new[] { "--log-level=info" }, pods[2].Spec.Containers[0].Args.Skip(1));
    }

    [Fact]
    public void CollectionsOfModelObjectsStayMutableLists()
    {
        var pods = DecodeReplicas(3);
        Assert.IsType<List<V1Container>>(pods[2].Spec.Containers);
        Assert.NotSame(pods[1].Spec.Containers, pods[2].Spec.Containers);
    }

    [Fact]
    public void TheSameJsonAsAnotherCollectionTypeIsNotMistakenForIt()
    {
        // The annotation map and the request map have the same tokens ({"cpu":"…m"}) but different element types.
        var pods = DecodeReplicas(4);
        Assert.EndsWith("m", pods[3].Metadata.Annotations["cpu"], StringComparison.Ordinal);
        Assert.IsType<ResourceQuantity>(pods[3].Spec.Containers[0].Resources.Requests["cpu"]);
        Assert.Same(pods[2].Spec.Containers[0].Resources.Limits, pods[3].Spec.Containers[0].Resources.Limits);
    }

    [Fact]
    public void ADeepCopyOfADecodedPodHasMutableCollections()
    {
        var shared = DecodeReplicas(3)[2];
        var before = KubernetesJson.Serialize(shared);

        var copy = shared.DeepCopy();
        copy.Metadata.Labels["app"] = "other";
        copy.Spec.Containers[0].Args.Add("--more");
        copy.Spec.Containers[0].Resources.Limits.Remove("memory");

        Assert.Equal(before, KubernetesJson.Serialize(shared));
        Assert.IsType<Dictionary<string, string>>(copy.Metadata.Labels);
    }

    [Fact]
    public void WithSharingOffTheContextHandsBackThePlainMutableCollections()
    {
        var context = CompiledReaderContext.Create(KubernetesJsonCodec.Options, shareCollections: false);
        Assert.NotNull(context);
        Assert.False(context.SharesCollections);

        var json = """{"a":"b"}"""u8;
        var reader = new Utf8JsonReader(json);
        Assert.True(reader.Read());
        Assert.Equal(CompiledReadResult.Done, context.FindShared<IDictionary<string, string>>(ref reader, out var key, out var shared));
        Assert.Null(shared);
        Assert.Equal(JsonTokenType.StartObject, reader.TokenType); // left where it was, for the plain reader
        Assert.Equal(-1, key.Count); // not counted: the generated reader reads the plain collection

        var map = new Dictionary<string, string> { ["a"] = "b" };
        Assert.Same(map, context.ShareMap(key, map));
        var list = new List<string> { "a" };
        Assert.Same(list, context.ShareList(key, list));
    }

    [Fact]
    public void ACollectionCutOffByTheEndOfTheBufferAsksForMoreData()
    {
        var context = CompiledReaderContext.Create(KubernetesJsonCodec.Options, shareCollections: true);
        Assert.NotNull(context);
        var reader = new Utf8JsonReader("""{"a":"b","c":"""u8, isFinalBlock: false, state: default);
        Assert.True(reader.Read());
        Assert.Equal(CompiledReadResult.NeedMoreData, context.FindShared<IDictionary<string, string>>(ref reader, out _, out var shared));
        Assert.Null(shared);
    }
    [Theory]
    [InlineData("[]", 0)]
    [InlineData("{}", 0)]
    [InlineData("""["a","b","c"]""", 3)]
    [InlineData("""["a",["b","c"],{"d":"e","f":"g"},null]""", 4)]
    [InlineData("""{"a":"b","c":{"d":"e","f":["g","h"]},"i":null}""", 3)]
    public void TheKeyCountsTheCollectionsMembersOnly(string json, int members)
    {
        var context = CompiledReaderContext.Create(KubernetesJsonCodec.Options, shareCollections: true);
        Assert.NotNull(context);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Assert.True(reader.Read());
        Assert.Equal(CompiledReadResult.Done, context.FindShared<IList<string>>(ref reader, out var key, out var shared));
        Assert.Null(shared);
        Assert.Equal(members, key.Count);
        Assert.Equal(json[0] == '[' ? JsonTokenType.EndArray : JsonTokenType.EndObject, reader.TokenType);
        Assert.Equal(0, reader.CurrentDepth);
    }

    [Fact]
    public void EmptyCollectionsAreReadOnlyAndSharedFromTheirSecondSight()
    {
        var pods = Enumerable.Range(0, 3).Select(i =>
        {
            var pod = PodWith("0", i);
            pod.Metadata.Labels = new Dictionary<string, string>();
            pod.Spec.Containers[0].Args = [];
            pod.Spec.Containers[0].Resources.Requests = new Dictionary<string, ResourceQuantity>();
            return Decode(pod);
        }).ToArray();

        foreach (var pod in pods)
        {
            Assert.Empty(pod.Metadata.Labels);
            Assert.True(pod.Metadata.Labels.IsReadOnly);
            Assert.Empty(pod.Spec.Containers[0].Args);
            Assert.Throws<NotSupportedException>(() => pod.Spec.Containers[0].Args.Add("--more"));
            Assert.Throws<NotSupportedException>(() => pod.Spec.Containers[0].Resources.Requests["cpu"] = new ResourceQuantity("1"));
        }

        // Other tests decode empty collections too, so the first of these may already be a hit: from the second on they share.
        Assert.Same(pods[1].Metadata.Labels, pods[2].Metadata.Labels);
        Assert.Same(pods[1].Spec.Containers[0].Args, pods[2].Spec.Containers[0].Args);
    }

    [Fact]
    public void CollectionsLongerThanTheKeyLimitAreReadOnlyAndNotShared()
    {
        // Over the cache's 1 KB key limit: read in full, sized from the count, never kept.
        var unique = Random.Shared.NextInt64(1_000_000_000, long.MaxValue / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pods = Enumerable.Range(0, 3).Select(i =>
        {
            var pod = PodWith(unique, i);
            pod.Metadata.Annotations = Enumerable.Range(0, 40).ToDictionary(a => $"example.com/annotation-{a}", a => $"{unique}-{a}");
            pod.Spec.Containers[0].Args = [.. Enumerable.Range(0, 60).Select(a => $"--flag-{a}={unique}")];
            return Decode(pod);
        }).ToArray();

        Assert.Equal(40, pods[2].Metadata.Annotations.Count);
        Assert.Equal(unique + "-39", pods[2].Metadata.Annotations["example.com/annotation-39"]);
        Assert.Equal(60, pods[2].Spec.Containers[0].Args.Count);
        Assert.Equal($"--flag-59={unique}", pods[2].Spec.Containers[0].Args[59]);
        Assert.True(pods[2].Metadata.Annotations.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => pods[2].Spec.Containers[0].Args[0] = "--other");
        Assert.NotSame(pods[1].Metadata.Annotations, pods[2].Metadata.Annotations);
        Assert.NotSame(pods[1].Spec.Containers[0].Args, pods[2].Spec.Containers[0].Args);

        // The short collections of the same Pods are still shared.
        Assert.Same(pods[1].Metadata.Labels, pods[2].Metadata.Labels);
    }

    [Fact]
    public void ACollectionOfTheOtherKindIsLeftToJsonSerializer()
    {
        // A list given as an object and a map given as an array: the compiled reader says unsupported (JsonSerializer then
        // reports the error), even though the collection cache counted and keyed them.
        var compiled = CompiledReaderRegistry.GetReader<V1Pod>();
        Assert.NotNull(compiled);
        foreach (var json in new[]
        {
            """{"spec":{"containers":[{"name":"a","args":{"x":"y"}}]}}""",
            """{"metadata":{"labels":["x","y"]}}""",
        })
        {
            for (var sight = 0; sight < 3; sight++)
            {
                var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
                Assert.True(reader.Read());
                Assert.Equal(CompiledReadResult.Unsupported, compiled(ref reader, out _));
            }
        }
    }

    [Fact]
    public void ABufferEndingAnywhereInsideACollectionAsksForMoreDataAndTheWholeObjectThenDecodes()
    {
        var unique = Random.Shared.NextInt64(1_000_000_000, long.MaxValue / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pod = PodWith(unique, 0);
        pod.Spec.Containers[0].Args = ["--a=" + unique, "--b=\u00e9\"quoted\"", ""];
        var json = Encoding.UTF8.GetBytes(KubernetesJson.Serialize(pod));
        var compiled = CompiledReaderRegistry.GetReader<V1Pod>();
        Assert.NotNull(compiled);

        var text = Encoding.UTF8.GetString(json);
        var collections = new[] { "\"labels\":", "\"annotations\":", "\"args\":", "\"requests\":", "\"limits\":", "\"nodeSelector\":" };
        var cuts = 0;
        foreach (var name in collections)
        {
            var open = text.IndexOf(name, StringComparison.Ordinal) + name.Length;
            Assert.True(open >= name.Length, name);
            var close = text.IndexOfAny(['}', ']'], open);
            for (var cut = open; cut <= close; cut++)
            {
                // Every cut from just before the collection's first byte to just before its last, and twice, so the
                // second pass may meet collections the first one offered to the cache.
                for (var pass = 0; pass < 2; pass++)
                {
                    var partial = new Utf8JsonReader(json.AsSpan(0, cut), isFinalBlock: false, state: default);
                    Assert.True(partial.Read());
                    Assert.Equal(CompiledReadResult.NeedMoreData, compiled(ref partial, out _));
                    cuts++;
                }
            }
        }

        Assert.True(cuts > 100);
        var decoded = Decode(pod);
        Assert.Equal(pod.Spec.Containers[0].Args, decoded.Spec.Containers[0].Args);
        Assert.Equal(unique, decoded.Metadata.Labels["pod-template-hash"]);
    }
}
