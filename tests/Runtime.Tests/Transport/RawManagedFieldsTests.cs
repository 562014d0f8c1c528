using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeInformers.Tests.Transport;

/// <summary>
/// The decoder keeps <c>managedFields[].fieldsV1</c> as <see cref="RawJson"/> (docs/performance.md, "Memory per object"):
/// the same JSON, written back unchanged by KubernetesClient's serializer, readable as a <see cref="JsonElement"/> on
/// demand, and switched back to <see cref="JsonElement"/> by <see cref="RawJson.SwitchName"/>.
/// </summary>
public sealed class RawManagedFieldsTests
{
    // The kubelet's entry as an API server writes it: keys that embed JSON, with escaped quotes.
    private const string KubeletFields =
        """{"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:status":{}}},"f:podIP":{},"f:podIPs":{".":{},"k:{\"ip\":\"10.244.1.7\"}":{".":{},"f:ip":{}}}}}""";

    private static string PodJson(string name, string fieldsV1) => $$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"default","uid":"uid-{{{name}}}",
         "managedFields":[{"manager":"kubelet","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{{{fieldsV1}}},"subresource":"status"}]},
         "spec":{"containers":[{"name":"app","image":"nginx"}]}}
        """;

    private static JsonSerializerOptions Options(bool raw) =>
        KubernetesJsonCodec.BuildOptions(
            () => typeof(KubernetesJson).GetField("JsonSerializerOptions", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)!.GetValue(null),
            rawManagedFields: raw)!;

    private static V1Pod DecodeDefault(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return KubernetesJsonCodec.Deserialize<V1Pod>(ref reader);
    }

    [Fact]
    public void By_default_fieldsV1_is_raw_json_holding_the_document_minified()
    {
        var spaced = """{ "f:status" : { "f:podIP" : { } , "k:{\"ip\":\"10.0.0.1\"}" : { } , "n" : [ 1 , -2.5e3 , true , null , "a\u0041" ] } }""";
        var pod = DecodeDefault(PodJson("a", spaced));

        var raw = Assert.IsType<RawJson>(pod.Metadata.ManagedFields[0].FieldsV1);
        Assert.Equal("""{"f:status":{"f:podIP":{},"k:{\"ip\":\"10.0.0.1\"}":{},"n":[1,-2.5e3,true,null,"a\u0041"]}}""", raw.ToString());
        Assert.Equal(raw.Length, raw.Utf8Json.Length);
        Assert.Equal("kubelet", pod.Metadata.ManagedFields[0].Manager); // the entry's other fields are read as before
        Assert.Equal("status", pod.Metadata.ManagedFields[0].Subresource);
    }

    [Fact]
    public void A_pod_with_raw_fieldsV1_serializes_to_the_same_json_as_KubernetesClients_own_decode()
    {
        var json = PodJson("b", KubeletFields);
        var ours = DecodeDefault(json);
        var theirs = KubernetesJson.Deserialize<V1Pod>(json);
        Assert.IsType<RawJson>(ours.Metadata.ManagedFields[0].FieldsV1);
        Assert.IsType<JsonElement>(theirs.Metadata.ManagedFields[0].FieldsV1);

        // KubernetesClient's writer re-escapes a JsonElement's strings; the two texts hold the same JSON.
        var written = KubernetesJson.Serialize(ours);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(KubernetesJson.Serialize(theirs)), JsonNode.Parse(written)), written);
        Assert.Contains(KubeletFields, written, StringComparison.Ordinal); // written as it was read

        // And back: KubernetesClient reads what was written into an equal document.
        var again = KubernetesJson.Deserialize<V1Pod>(written);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(KubeletFields), JsonNode.Parse(again.Metadata.ManagedFields[0].FieldsV1.ToString()!)));
    }

    [Fact]
    public void Raw_json_reads_as_a_json_element_with_escaped_keys_unescaped()
    {
        var raw = Assert.IsType<RawJson>(DecodeDefault(PodJson("c", KubeletFields)).Metadata.ManagedFields[0].FieldsV1);

        var element = raw.ToJsonElement();
        var ips = element.GetProperty("f:status").GetProperty("f:podIPs");
        Assert.True(ips.TryGetProperty("k:{\"ip\":\"10.244.1.7\"}", out var entry));
        Assert.Equal(JsonValueKind.Object, entry.GetProperty("f:ip").ValueKind);
        using var document = raw.ToJsonDocument();
        Assert.Equal(element.GetRawText(), document.RootElement.GetRawText());
    }

    [Fact]
    public void Repeated_documents_share_one_instance_from_their_second_sight_on_both_decode_paths()
    {
        var options = Options(raw: true);
        const string fields = """{"f:metadata":{"f:ownerReferences":{"k:{\"uid\":\"7d1c\"}":{}}}}""";
        var first = JsonSerializer.Deserialize<V1Pod>(PodJson("p0", fields), options)!;
        var a = JsonSerializer.Deserialize<V1Pod>(PodJson("p1", fields), options)!;
        var b = JsonSerializer.Deserialize<V1Pod>(PodJson("p2", fields), options)!;
        var other = JsonSerializer.Deserialize<V1Pod>(PodJson("p3", KubeletFields), options)!;

        Assert.IsType<RawJson>(first.Metadata.ManagedFields[0].FieldsV1);
        Assert.NotSame(first.Metadata.ManagedFields[0].FieldsV1, a.Metadata.ManagedFields[0].FieldsV1);
        Assert.Same(a.Metadata.ManagedFields[0].FieldsV1, b.Metadata.ManagedFields[0].FieldsV1);
        Assert.Equal(first.Metadata.ManagedFields[0].FieldsV1, a.Metadata.ManagedFields[0].FieldsV1); // value equality
        Assert.NotEqual(a.Metadata.ManagedFields[0].FieldsV1, other.Metadata.ManagedFields[0].FieldsV1);
    }

    [Fact]
    public void With_the_switch_off_fieldsV1_is_a_json_element_as_KubernetesClient_makes_it()
    {
        var options = Options(raw: false);
        var pod = JsonSerializer.Deserialize<V1Pod>(PodJson("d", KubeletFields), options)!;

        var element = Assert.IsType<JsonElement>(pod.Metadata.ManagedFields[0].FieldsV1);
        Assert.Equal(KubeletFields, element.GetRawText());
        Assert.False(CompiledReaderContext.Create(options)!.RawManagedFields);
        Assert.True(CompiledReaderContext.Create(Options(raw: true))!.RawManagedFields);
    }

    [Fact]
    public void Where_KubernetesClients_options_cannot_write_raw_json_back_fieldsV1_stays_a_json_element()
    {
        var global = (JsonSerializerOptions)typeof(KubernetesJson).GetField("JsonSerializerOptions", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        _ = global.GetTypeInfo(typeof(V1Pod)); // the resolver is in place
        var withoutRawJson = new JsonSerializerOptions(global) { TypeInfoResolver = new WithoutRawJson(global.TypeInfoResolver!) };
        Assert.Throws<NotSupportedException>(() => withoutRawJson.GetTypeInfo(typeof(RawJson)));

        var options = KubernetesJsonCodec.BuildOptions(() => withoutRawJson, rawManagedFields: true)!;
        var pod = JsonSerializer.Deserialize<V1Pod>(PodJson("f", KubeletFields), options)!;
        Assert.IsType<JsonElement>(pod.Metadata.ManagedFields[0].FieldsV1);
        Assert.False(CompiledReaderContext.Create(options)!.RawManagedFields);
    }

    /// <summary>A resolver that knows every type its inner one does except <see cref="RawJson"/>, as a source-generated context that does not list it.</summary>
    private sealed class WithoutRawJson(System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver inner) : System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver
    {
        public System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) =>
            type == typeof(RawJson) ? null : inner.GetTypeInfo(type, options);
    }

    [Fact]
    public void Only_fieldsV1_becomes_raw_json_other_object_values_stay_json_elements()
    {
        var options = Options(raw: true);
        var schema = JsonSerializer.Deserialize<V1JSONSchemaProps>("""{"type":"object","default":{"a":1},"example":[1,2]}""", options)!;
        Assert.IsType<JsonElement>(schema.DefaultProperty);
        Assert.IsType<JsonElement>(schema.Example);
    }

    [Fact]
    public void Parse_minifies_checks_the_text_and_values_compare_by_their_json()
    {
        var a = RawJson.Parse(""" { "x" : [ 1, "two" ] } """);
        var b = RawJson.Parse("""{"x":[1,"two"]}"""u8);
        Assert.Equal("""{"x":[1,"two"]}""", a.ToString());
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, RawJson.Parse("""{"x":[1,"three"]}"""));
        Assert.Equal("42", RawJson.Parse("42").ToString());

        Assert.ThrowsAny<JsonException>(() => RawJson.Parse("""{"x":"""));
        Assert.ThrowsAny<JsonException>(() => RawJson.Parse("""{"x":1} {"y":2}"""));
        Assert.ThrowsAny<JsonException>(() => RawJson.Parse(""));
        Assert.ThrowsAny<JsonException>(() => RawJson.Parse("{x:1}"));
    }

    [Fact]
    public void Raw_json_serializes_as_its_json_with_default_options_and_reads_back()
    {
        var entry = new V1ManagedFieldsEntry { Manager = "m", FieldsV1 = RawJson.Parse("""{"f:spec":{}}""") };
        var written = JsonSerializer.Serialize(entry);
        Assert.Contains("\"fieldsV1\":{\"f:spec\":{}}", written, StringComparison.Ordinal);

        var holder = JsonSerializer.Deserialize<Holder>("""{"Doc":{ "a" : [true] }}""")!;
        Assert.Equal("""{"a":[true]}""", holder.Doc!.ToString());
        Assert.Null(JsonSerializer.Deserialize<Holder>("""{"Doc":null}""")!.Doc);
    }

    [Theory]
    [InlineData("\"a string\"")]
    [InlineData("[1,{\"k\":null},[]]")]
    [InlineData("12.5e-1")]
    [InlineData("true")]
    public void A_fieldsV1_that_is_not_an_object_keeps_its_json_on_both_decode_paths(string fieldsV1)
    {
        var json = PodJson("g", fieldsV1);
        var theirs = (JsonElement)KubernetesJson.Deserialize<V1Pod>(json).Metadata.ManagedFields[0].FieldsV1;
        var viaSerializer = Assert.IsType<RawJson>(JsonSerializer.Deserialize<V1Pod>(json, Options(raw: true))!.Metadata.ManagedFields[0].FieldsV1);
        var viaDecoder = Assert.IsType<RawJson>(DecodeDefault(json).Metadata.ManagedFields[0].FieldsV1);

        Assert.Equal(theirs.GetRawText(), viaSerializer.ToString());
        Assert.Equal(theirs.GetRawText(), viaDecoder.ToString());
        Assert.Equal(theirs.ValueKind, viaDecoder.ToJsonElement().ValueKind);
    }

    [Fact]
    public void A_malformed_fieldsV1_document_fails_the_decode_with_a_json_error()
    {
        var options = Options(raw: true);
        var json = PodJson("e", """{"f:status":{"f:podIP":{}""").Replace("\"subresource\":\"status\"}]}", "", StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<V1Pod>(json, options));
    }

    private sealed class Holder
    {
        public RawJson? Doc { get; set; }
    }
}
