using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace KubeInformers.Tests.Transport;

/// <summary>
/// Decoding shares repeated strings and identical managedFields documents between objects, keeps every value exactly
/// as KubernetesClient would decode it, and stays correct when unique values collide in the bounded caches.
/// </summary>
public sealed class DecodeDeduplicationTests
{
    private static T Decode<T>(string json) where T : class
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return KubernetesJsonCodec.Deserialize<T>(ref reader);
    }

    private static string PodJson(string name, string fieldsV1) => $$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"payments","uid":"uid-{{{name}}}",
         "labels":{"app.kubernetes.io/name":"checkout","tier":"backend"},
         "managedFields":[{"manager":"kubelet","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{{{fieldsV1}}}}]},
         "spec":{"nodeName":"node-7","containers":[{"name":"app","image":"registry.example.com/checkout:1.4"}]}}
        """;

    [Fact]
    public void Repeated_strings_and_label_keys_of_two_objects_are_one_instance()
    {
        var a = Decode<V1Pod>(PodJson("a", "{}"));
        var b = Decode<V1Pod>(PodJson("b", "{}"));

        Assert.Same(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
        Assert.Same(a.Spec.NodeName, b.Spec.NodeName);
        Assert.Same(a.Spec.Containers[0].Image, b.Spec.Containers[0].Image);
        Assert.Same(a.Metadata.Labels.Keys.Single(k => k.StartsWith("app", StringComparison.Ordinal)),
                    b.Metadata.Labels.Keys.Single(k => k.StartsWith("app", StringComparison.Ordinal)));
        Assert.NotEqual(a.Metadata.Uid, b.Metadata.Uid);
    }

    [Fact]
    public void Identical_managed_fields_documents_are_shared_from_their_second_sight_and_different_ones_are_not()
    {
        const string fields = """{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{}}}""";
        var first = Decode<V1Pod>(PodJson("first", fields)); // seen once: remembered by fingerprint, not stored
        var a = Decode<V1Pod>(PodJson("a", fields));
        var b = Decode<V1Pod>(PodJson("b", fields));
        var c = Decode<V1Pod>(PodJson("c", """{"f:status":{}}"""));

        Assert.NotSame(first.Metadata.ManagedFields[0].FieldsV1, a.Metadata.ManagedFields[0].FieldsV1);
        Assert.Same(a.Metadata.ManagedFields[0].FieldsV1, b.Metadata.ManagedFields[0].FieldsV1);
        Assert.NotSame(a.Metadata.ManagedFields[0].FieldsV1, c.Metadata.ManagedFields[0].FieldsV1);
        Assert.Equal(fields, Assert.IsType<RawJson>(b.Metadata.ManagedFields[0].FieldsV1).ToString());
        Assert.Equal("""{"f:status":{}}""", Assert.IsType<RawJson>(c.Metadata.ManagedFields[0].FieldsV1).ToString());
    }

    [Fact]
    public void Managed_fields_documents_differing_only_in_whitespace_are_shared_and_huge_ones_still_decode()
    {
        _ = Decode<V1Pod>(PodJson("first", """{"f:spec":{"f:nodeName":{},"f:n":[1,2.5,"x\"y"]}}"""));
        var a = Decode<V1Pod>(PodJson("a", """{"f:spec":{"f:nodeName":{},"f:n":[1,2.5,"x\"y"]}}"""));
        var b = Decode<V1Pod>(PodJson("b", """{ "f:spec" : { "f:nodeName" : { } , "f:n" : [ 1 , 2.5 , "x\"y" ] } }"""));
        var c = Decode<V1Pod>(PodJson("c", """{"f:spec":{"f:nodeName":{},"f:n":[1,2.5,"x\"z"]}}"""));
        Assert.Same(a.Metadata.ManagedFields[0].FieldsV1, b.Metadata.ManagedFields[0].FieldsV1);
        Assert.NotSame(a.Metadata.ManagedFields[0].FieldsV1, c.Metadata.ManagedFields[0].FieldsV1);

        var huge = "{" + string.Join(",", Enumerable.Range(0, 3000).Select(i => $"\"f:k{i}\":{{}}")) + "}";
        var d = Decode<V1Pod>(PodJson("d", huge));
        var e = Decode<V1Pod>(PodJson("e", huge));
        Assert.Equal(huge, Assert.IsType<RawJson>(d.Metadata.ManagedFields[0].FieldsV1).ToString());
        Assert.NotSame(d.Metadata.ManagedFields[0].FieldsV1, e.Metadata.ManagedFields[0].FieldsV1); // too large to cache
        Assert.Equal("node-7", e.Spec.NodeName); // the reader continued after the document
    }

    [Fact]
    public void A_managed_fields_document_seen_once_is_not_kept_alive_by_the_cache()
    {
        var unique = WeakFieldsOf("""{"f:status":{"f:podIPs":{"k:{\"ip\":\"10.99.1.2\"}":{}}},"f:seen-once":{}}""");
        var repeated = """{"f:status":{"f:podIPs":{"k:{\"ip\":\"10.99.1.3\"}":{}}},"f:seen-twice":{}}""";
        _ = WeakFieldsOf(repeated);
        var second = WeakFieldsOf(repeated);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(unique.IsAlive, "a document seen once stays only as long as its object");
        Assert.True(second.IsAlive, "a document seen twice is held by the cache for the next object that repeats it");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference WeakFieldsOf(string fieldsV1) => new(Decode<V1Pod>(PodJson("w", fieldsV1)).Metadata.ManagedFields[0].FieldsV1);

    [Fact]
    public void Decoded_objects_equal_what_KubernetesClient_decodes()
    {
        var json = PodJson("x", """{"f:metadata":{"f:name":{}}}""").Replace("\"tier\":\"backend\"", "\"tier\":\"back\\u0065nd\"", StringComparison.Ordinal);

        var ours = Decode<V1Pod>(json);
        var theirs = KubernetesJson.Deserialize<V1Pod>(json);

        Assert.Equal(KubernetesJson.Serialize(theirs), KubernetesJson.Serialize(ours));
        Assert.Equal("backend", ours.Metadata.Labels["tier"]); // escaped input decodes normally
    }

    [Fact]
    public void Many_unique_strings_colliding_in_the_bounded_cache_all_decode_correctly()
    {
        // Far more distinct values than the cache has slots: every one must still come back intact.
        for (var i = 0; i < 40_000; i++)
        {
            var name = "object-" + i.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            var cm = Decode<V1ConfigMap>($$$"""{"metadata":{"name":"{{{name}}}","namespace":"ns-{{{i % 7}}}"},"data":{"k{{{i % 13}}}":"v{{{i}}}"}}""");
            Assert.Equal(name, cm.Metadata.Name);
            Assert.Equal("ns-" + (i % 7), cm.Metadata.NamespaceProperty);
            Assert.Equal("v" + i, cm.Data["k" + (i % 13)]);
        }
    }

    [Fact]
    public void The_string_cache_shares_ascii_strings_passes_others_through_and_a_miss_allocates_only_the_string()
    {
        var cache = new Utf8StringCache(slots: 16, maxLength: 64);
        var ascii = "payments"u8.ToArray();
        var first = cache.GetOrCreate(ascii);
        Assert.Same(first, cache.GetOrCreate(ascii));

        // Non-ASCII values decode correctly every time but are not cached.
        var accented = Encoding.UTF8.GetBytes("équipe-ü");
        var a = cache.GetOrCreate(accented);
        Assert.Equal("équipe-ü", a);
        Assert.NotSame(a, cache.GetOrCreate(accented));

        // A miss costs the string itself (header + chars), no copy of the bytes and no entry object.
        var unique = "uid-5f6c1e2a-0b7d-4e61-9a3c-1d2e3f405162"u8.ToArray();
        cache.GetOrCreate("warm-up"u8);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var s = cache.GetOrCreate(unique);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(unique.Length, s.Length);
        Assert.InRange(allocated, unique.Length * 2, (unique.Length * 2) + 32);
    }

    private static string ResourcesPodJson(string name, string cpu, string memory) => $$$$"""
        {"metadata":{"name":"{{{{name}}}}","namespace":"payments"},
         "spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":{{{{cpu}}}},"memory":{{{{memory}}}}},"limits":{"cpu":"500m"}}}]}}
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Repeated_quantities_are_parsed_once_and_shared_and_equal_what_KubernetesClient_decodes(bool compiled)
    {
        V1Pod Read(string json)
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            reader.Read();
            return KubernetesJsonCodec.Deserialize<V1Pod>(ref reader, compiled);
        }

        var a = Read(ResourcesPodJson("a", "\"100m\"", "\"128Mi\""));
        var b = Read(ResourcesPodJson("b", "\"100m\"", "\"128Mi\""));
        var c = Read(ResourcesPodJson("c", "\"250m\"", "\"1.5Gi\""));
        var requests = (V1Pod p) => p.Spec.Containers[0].Resources.Requests;

        Assert.Same(requests(a)["cpu"], requests(b)["cpu"]);
        Assert.Same(requests(a)["memory"], requests(b)["memory"]);
        Assert.NotSame(requests(a)["cpu"], requests(c)["cpu"]);
        Assert.Equal("250m", requests(c)["cpu"].ToString());
        Assert.Equal("1536Mi", requests(c)["memory"].ToString());
        Assert.Equal(0.1m, requests(b)["cpu"].ToDecimal());

        // Numbers, escapes and nulls decode exactly as KubernetesClient decodes them.
        foreach (var json in new[]
        {
            ResourcesPodJson("d", "0.5", "134217728"),
            ResourcesPodJson("e", "\"1\\u0030m\"", "null"),
            ResourcesPodJson("f", "\"10m\"", "\"1e3\""),
        })
        {
            var ours = Read(json);
            var theirs = KubernetesJson.Deserialize<V1Pod>(json);
            Assert.Equal(KubernetesJson.Serialize(theirs), KubernetesJson.Serialize(ours));
        }

        // An invalid quantity fails as it does in KubernetesClient, and is not remembered as valid.
        var bad = ResourcesPodJson("g", "\"12q\"", "\"1Mi\"");
        var expected = Record.Exception(() => KubernetesJson.Deserialize<V1Pod>(bad));
        Assert.NotNull(expected);
        Assert.IsType(expected.GetType(), Record.Exception(() => Read(bad)));
        Assert.IsType(expected.GetType(), Record.Exception(() => Read(bad)));
    }
}
