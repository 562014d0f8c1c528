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
}
