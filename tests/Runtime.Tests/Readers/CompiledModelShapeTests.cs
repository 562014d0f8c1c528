using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KubeInformers.Tests.Diagnostics;

namespace KubeInformers.Tests.Readers;

/// <summary>
/// A compiled reader carries the shapes of the model classes it was compiled against; the registry uses a reader only if
/// they match the classes the process runs with, prefers a matching reader over an earlier stale one, and reports each
/// stale one (in the degradations collection: the reports are process-wide).
/// </summary>
[Collection(nameof(RuntimeDegradationsTests))]
public sealed class CompiledModelShapeTests : IDisposable
{
    public CompiledModelShapeTests() => RuntimeDegradations.ResetForTests();

    public void Dispose() => RuntimeDegradations.ResetForTests();

    public class Model
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("size")] public int Size { get; set; }
        public string? Plain { get; set; }
        [JsonIgnore] public string? Ignored { get; set; }
        public string ReadOnly => "x";
        public string this[int i] => "indexer";
    }

    public sealed class Derived : Model
    {
        [JsonPropertyName("extra")] public string? Extra { get; set; }
    }

    public sealed class Current
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("added")] public string? Added { get; set; }
    }

    public sealed class NoneMatch
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
    }

    [Fact]
    public void A_shape_matches_the_properties_System_Text_Json_deserializes()
    {
        Assert.Null(new CompiledModelShape(typeof(Model), "size", "name", "plain").FindDifference());
        Assert.Null(new CompiledModelShape(typeof(Derived), "name", "size", "plain", "extra").FindDifference());
    }

    [Fact]
    public void A_property_the_reader_does_not_know_and_one_the_type_lost_are_both_named()
    {
        Assert.Equal("Model has plain, which the reader does not know; Model no longer has gone",
            new CompiledModelShape(typeof(Model), "name", "size", "gone").FindDifference());
    }

    [Fact]
    public void A_stale_reader_is_skipped_for_a_later_matching_one_and_reported()
    {
        CompiledReaderRegistry.Register<Current>(_ => Reads<Current>("stale"), () => [new CompiledModelShape(typeof(Current), "name")]);
        CompiledReaderRegistry.Register<Current>(_ => Reads<Current>("current"), () => [new CompiledModelShape(typeof(Current), "name", "added")]);

        Assert.Equal("current", Decode<Current>("""{"name":"a"}""").Name);
        var reported = Assert.Single(RuntimeDegradations.Reported);
        Assert.Equal("compiled_reader:Current", reported.Feature);
        Assert.Equal("Current has added, which the reader does not know", reported.Cause);
    }

    [Fact]
    public void With_no_matching_reader_the_type_is_decoded_by_JsonSerializer()
    {
        CompiledReaderRegistry.Register<NoneMatch>(_ => Reads<NoneMatch>("stale"), () => [new CompiledModelShape(typeof(NoneMatch), "name", "removed")]);

        Assert.Equal("a", Decode<NoneMatch>("""{"name":"a"}""").Name);
        Assert.Null(CompiledReaderRegistry.GetReader<NoneMatch>());
        Assert.Equal("NoneMatch no longer has removed", Assert.Single(RuntimeDegradations.Reported).Cause);
    }

    /// <summary>A reader that sets <c>Name</c> to <paramref name="marker"/>, so the test sees which reader ran.</summary>
    private static CompiledJsonReader<T> Reads<T>(string marker) where T : class, new() =>
        (ref Utf8JsonReader reader, out T? value) =>
        {
            reader.Skip();
            var result = new T();
            typeof(T).GetProperty("Name")!.SetValue(result, marker);
            value = result;
            return CompiledReadResult.Done;
        };

    private static T Decode<T>(string json) where T : class
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return KubernetesJsonCodec.Deserialize<T>(ref reader);
    }
}
