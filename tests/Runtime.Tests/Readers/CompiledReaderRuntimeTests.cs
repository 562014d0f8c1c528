using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KubeInformers.Tests.TestSupport;

namespace KubeInformers.Tests.Readers;

/// <summary>
/// The runtime side of compiled readers, with hand-written readers standing in for generated ones: the registry keeps the
/// first reader of a type, the decoder uses it and counts it, hands whatever it reports unsupported to
/// JsonSerializer, and readers are only used with the options they were generated for.
/// </summary>
public sealed class CompiledReaderRuntimeTests
{
    public sealed class First
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
    }

    public sealed class Second
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
    }

    public sealed class Third
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
    }

    /// <summary>Reads <c>{"name":"…"}</c> (and nothing else) the way a generated reader would; says "unsupported" for anything else.</summary>
    private static CompiledReadResult ReadName<T>(CompiledReaderContext context, ref Utf8JsonReader reader, Func<string?, T> create, out T? value)
        where T : class
    {
        value = null;
        string? name = null;
        while (true)
        {
            if (!reader.Read())
            {
                return CompiledReadResult.NeedMoreData;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (!reader.ValueTextEquals("name"u8))
            {
                return CompiledReadResult.Unsupported;
            }

            if (!reader.Read())
            {
                return CompiledReadResult.NeedMoreData;
            }

            var result = context.ReadString(ref reader, out name);
            if (result != CompiledReadResult.Done)
            {
                return result;
            }
        }

        value = create(name is null ? null : "compiled:" + name);
        return CompiledReadResult.Done;
    }

    private static T Decode<T>(string json) where T : class
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return KubernetesJsonCodec.Deserialize<T>(ref reader);
    }

    [Fact]
    public void ReadersAreUsedOnlyWithTheOptionsTheyWereGeneratedFor()
    {
        Assert.NotNull(CompiledReaderContext.Create(KubernetesJsonCodec.Options));
        Assert.Null(CompiledReaderContext.Create(null));
        Assert.Null(CompiledReaderContext.Create(new JsonSerializerOptions()));
        Assert.Null(CompiledReaderContext.Create(new JsonSerializerOptions(KubernetesJsonCodec.Options!) { PropertyNameCaseInsensitive = true }));
        Assert.Null(CompiledReaderContext.Create(new JsonSerializerOptions(KubernetesJsonCodec.Options!) { NumberHandling = JsonNumberHandling.AllowReadingFromString }));
        Assert.Null(CompiledReaderContext.Create(new JsonSerializerOptions(KubernetesJsonCodec.Options!) { AllowDuplicateProperties = false }));
    }

    [Fact]
    public void TheDecoderUsesTheFirstRegisteredReaderAndCountsIt()
    {
        Assert.False(CompiledReaderRegistry.IsRegistered<First>());
        CompiledReaderRegistry.Register<First>(static c => (ref Utf8JsonReader r, out First? v) => ReadName(c, ref r, n => new First { Name = n }, out v));
        CompiledReaderRegistry.Register<First>(static c => (ref Utf8JsonReader r, out First? v) => ReadName(c, ref r, n => new First { Name = "second registration" }, out v));

        Assert.True(CompiledReaderRegistry.IsRegistered<First>());
        Assert.Equal("compiled:a", Decode<First>("""{"name":"a"}""").Name);
        Assert.Equal(new CompiledReaderStatistics(1, 0), CompiledReaderRegistry.GetStatistics<First>());
    }

    [Fact]
    public void WhatAReaderLeavesIsDecodedByJsonSerializer()
    {
        CompiledReaderRegistry.Register<Second>(static c => (ref Utf8JsonReader r, out Second? v) => ReadName(c, ref r, n => new Second { Name = n }, out v));

        Assert.Equal("plain", Decode<Second>("""{"other":1,"name":"plain"}""").Name); // unsupported: JsonSerializer
        Assert.Equal("compiled:ok", Decode<Second>("""{"name":"ok"}""").Name);
        Assert.Equal(new CompiledReaderStatistics(1, 1), CompiledReaderRegistry.GetStatistics<Second>());
        // (A reader that throws on an object JsonSerializer decodes is switched off: RuntimeDegradationsTests.)

        // A wrong token: the reader gives up, and JsonSerializer throws exactly what it throws without compiled readers.
        var withReader = Assert.ThrowsAny<Exception>(() => Decode<Second>("""{"name":5}"""));
        var without = Assert.ThrowsAny<Exception>(() =>
        {
            var reader = new Utf8JsonReader("""{"name":5}"""u8);
            reader.Read();
            KubernetesJsonCodec.Deserialize<Second>(ref reader, compiled: false);
        });
        Assert.Equal(without.GetType(), withReader.GetType());
        Assert.Equal(without.Message, withReader.Message);
    }

    [Fact]
    public async Task ListItemsCutByTheBufferAreReadAgainWithMoreData()
    {
        CompiledReaderRegistry.Register<Third>(static c => (ref Utf8JsonReader r, out Third? v) => ReadName(c, ref r, n => new Third { Name = n }, out v));
        var names = Enumerable.Range(0, 5000).Select(i => "item-" + i + new string('x', i % 97)).ToList();
        var body = """{"kind":"ThirdList","metadata":{"resourceVersion":"9"},"items":[""" +
            string.Join(",", names.Select(n => $$"""{"name":"{{n}}"}""")) + "]}";

        using var stream = new ChunkedStream(Encoding.UTF8.GetBytes(body), chunk: 1013);
        var (items, metadata) = await ListBodyReader.ReadAsync<Third>(stream, "thirds", CancellationToken.None);

        Assert.Equal("9", metadata?.ResourceVersion);
        Assert.Equal(names.Select(n => "compiled:" + n), items.Select(i => i.Name));
        Assert.Equal(new CompiledReaderStatistics(5000, 0), CompiledReaderRegistry.GetStatistics<Third>());
    }
}
