using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace KubeInformers.Tests.Readers;

/// <summary>
/// <see cref="ItemDecoder{T}"/>, the one decoder of list items and watch objects: each branch of its choice (projection,
/// compiled reader, JsonSerializer), a compiled reader switched off once it throws on an object JsonSerializer decodes,
/// and malformed input reported with a position and without content, on the list and the watch path alike. Hand-written
/// readers and converters stand in for generated ones; each test has its own types, since readers are registered per type
/// for the process.
/// </summary>
public sealed class ItemDecoderTests
{
    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    private static Utf8JsonReader ReaderAt(byte[] json, bool isFinalBlock = true)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock, state: default);
        reader.Read();
        return reader;
    }

    /// <summary>Reads <c>{"name":"…"}</c> (nothing else) as a generated reader would; counts its calls.</summary>
    private sealed class NameReader<T>(Func<string?, T> create) where T : class
    {
        public int Calls;

        public CompiledReadResult Read(ref Utf8JsonReader reader, out T? value)
        {
            Interlocked.Increment(ref Calls);
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
                    value = create("compiled:" + name);
                    return CompiledReadResult.Done;
                }

                if (!reader.ValueTextEquals("name"u8))
                {
                    return CompiledReadResult.Unsupported;
                }

                if (!reader.Read())
                {
                    return CompiledReadResult.NeedMoreData;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    return CompiledReadResult.Unsupported;
                }

                name = reader.GetString();
            }
        }
    }

    // --- projection ---

    [JsonConverter(typeof(ProjectedNameConverter))]
    public sealed class ProjectedName
    {
        public string? Name { get; set; }
    }

    /// <summary>A projection converter as the generator writes one: reads <c>metadata.name</c>, skips the rest.</summary>
    public sealed class ProjectedNameConverter : JsonConverter<ProjectedName>, IProjectionJsonConverter<ProjectedName>
    {
        public static int TryReadCalls;
        public static int SerializerReadCalls;

        public override ProjectedName? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            Interlocked.Increment(ref SerializerReadCalls);
            return TryRead(ref reader, options, out var value) ? value : throw new JsonException("incomplete");
        }

        public override void Write(Utf8JsonWriter writer, ProjectedName value, JsonSerializerOptions options) => throw new NotSupportedException();

        public bool TryRead(ref Utf8JsonReader reader, JsonSerializerOptions options, [NotNullWhen(true)] out ProjectedName? value)
        {
            Interlocked.Increment(ref TryReadCalls);
            value = null;
            string? name = null;
            while (true)
            {
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    value = new ProjectedName { Name = name };
                    return true;
                }

                if (reader.ValueTextEquals("metadata"u8))
                {
                    if (!reader.Read())
                    {
                        return false;
                    }

                    while (true)
                    {
                        if (!reader.Read())
                        {
                            return false;
                        }

                        if (reader.TokenType == JsonTokenType.EndObject)
                        {
                            break;
                        }

                        if (reader.ValueTextEquals("name"u8))
                        {
                            if (!reader.Read())
                            {
                                return false;
                            }

                            name = reader.GetString();
                        }
                        else if (!ProjectionSkipping.SkipValue(ref reader))
                        {
                            return false;
                        }
                    }
                }
                else if (!ProjectionSkipping.SkipValue(ref reader))
                {
                    return false;
                }
            }
        }
    }

    [Fact]
    public void A_projection_is_read_by_its_converter_directly_on_every_path_and_before_any_compiled_reader()
    {
        var compiled = new NameReader<ProjectedName>(n => new ProjectedName { Name = n });
        CompiledReaderRegistry.Register<ProjectedName>(_ => compiled.Read);
        var spec = "{\"containers\":[" + string.Join(",", Enumerable.Range(0, 20).Select(i => $"{{\"name\":\"c{i}\",\"image\":\"img\"}}")) + "]}";
        var json = Utf8($$"""{"metadata":{"uid":"u","name":"p1"},"spec":{{spec}}}""");
        var decoder = ItemDecoder<ProjectedName>.Default;
        Assert.True(ItemDecoder<ProjectedName>.IsProjection);

        // A complete value (a watch object).
        var reader = ReaderAt(json);
        Assert.Equal("p1", decoder.Decode(ref reader).Name);
        Assert.Equal(json.Length, reader.BytesConsumed);

        // A value cut by the buffer's end (a list item read from the stream): false, then read again with all of it.
        var cut = ReaderAt(json[..(json.Length / 2)], isFinalBlock: false);
        Assert.False(decoder.TryDecodePartial(ref cut, out _));
        var whole = ReaderAt(json, isFinalBlock: false);
        Assert.True(decoder.TryDecodePartial(ref whole, out var partial));
        Assert.Equal("p1", partial!.Name);

        // A whole item held by a worker: the large spec is skipped by scanning.
        var (scannedBefore, _) = ProjectionSkipping.Statistics;
        var padded = Utf8("xx" + Encoding.UTF8.GetString(json) + "yy");
        Assert.Equal("p1", decoder.DecodeWhole(padded, 2, json.Length, default).Name);
        Assert.True(ProjectionSkipping.Statistics.Scanned > scannedBefore);

        Assert.Equal(4, ProjectedNameConverter.TryReadCalls);
        Assert.Equal(0, ProjectedNameConverter.SerializerReadCalls); // never through JsonSerializer
        Assert.Equal(0, compiled.Calls);
    }

    // --- compiled reader ---

    public sealed class CompiledModel
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
    }

    [Fact]
    public void A_compiled_reader_decodes_complete_cut_and_whole_items_and_is_counted()
    {
        var compiled = new NameReader<CompiledModel>(n => new CompiledModel { Name = n });
        CompiledReaderRegistry.Register<CompiledModel>(_ => compiled.Read);
        var json = Utf8("""{"name":"a"}""");
        var decoder = ItemDecoder<CompiledModel>.Default;

        var reader = ReaderAt(json);
        Assert.Equal("compiled:a", decoder.Decode(ref reader).Name);

        var cut = ReaderAt(json[..8], isFinalBlock: false);
        Assert.False(decoder.TryDecodePartial(ref cut, out _));
        var whole = ReaderAt(json, isFinalBlock: false);
        Assert.True(decoder.TryDecodePartial(ref whole, out var partial));
        Assert.Equal("compiled:a", partial!.Name);
        Assert.Equal(json.Length, whole.BytesConsumed);

        Assert.Equal("compiled:a", decoder.DecodeWhole(json, 0, json.Length, default).Name);

        Assert.Equal(4, compiled.Calls);
        Assert.Equal(new CompiledReaderStatistics(3, 0), CompiledReaderRegistry.GetStatistics<CompiledModel>());

        // The decoder without compiled readers never calls it.
        var plain = ReaderAt(json);
        Assert.Equal("a", ItemDecoder<CompiledModel>.For(compiledReaders: false).Decode(ref plain).Name);
        Assert.Equal(4, compiled.Calls);
    }

    // --- JsonSerializer fallback ---

    public sealed class FallbackModel
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("other")] public int Other { get; set; }
    }

    [Fact]
    public void What_the_compiled_reader_leaves_is_decoded_by_JsonSerializer_on_every_path()
    {
        var compiled = new NameReader<FallbackModel>(n => new FallbackModel { Name = n });
        CompiledReaderRegistry.Register<FallbackModel>(_ => compiled.Read);
        var json = Utf8("""{"other":7,"name":"a"}""");
        var decoder = ItemDecoder<FallbackModel>.Default;

        var reader = ReaderAt(json);
        var complete = decoder.Decode(ref reader);
        var whole = ReaderAt(json, isFinalBlock: false);
        Assert.True(decoder.TryDecodePartial(ref whole, out var partial));
        var item = decoder.DecodeWhole(json, 0, json.Length, default);

        Assert.All(new[] { complete, partial!, item }, v => Assert.Equal(("a", 7), (v.Name, v.Other)));
        Assert.Equal(json.Length, whole.BytesConsumed);
        Assert.Equal(new CompiledReaderStatistics(0, 3), CompiledReaderRegistry.GetStatistics<FallbackModel>());
        Assert.NotNull(CompiledReaderRegistry.GetReader<FallbackModel>()); // handing over is not a failure

        // Something after the item's closing brace is an error, not ignored.
        var trailing = Utf8("""{"name":"a"} 1""");
        Assert.Throws<JsonException>(() => decoder.DecodeWhole(trailing, 0, trailing.Length, default));
    }

    // --- a compiled reader that throws ---

    public sealed class ThrowingModel
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
    }

    [Fact]
    public void A_compiled_reader_that_throws_on_an_object_JsonSerializer_decodes_is_switched_off_once_the_object_is_complete()
    {
        var calls = 0;
        CompiledReaderRegistry.Register<ThrowingModel>(_ => (ref Utf8JsonReader reader, out ThrowingModel? value) =>
        {
            Interlocked.Increment(ref calls);
            throw new MissingMethodException("ThrowingModel.set_Removed");
        });
        var json = Utf8("""{"name":"a"}""");
        var decoder = ItemDecoder<ThrowingModel>.Default;

        // Cut by the buffer: JsonSerializer cannot tell yet whether the object is good, so the reader stays on.
        var cut = ReaderAt(json[..8], isFinalBlock: false);
        Assert.False(decoder.TryDecodePartial(ref cut, out _));
        Assert.NotNull(CompiledReaderRegistry.GetReader<ThrowingModel>());

        // With the whole object JsonSerializer decodes it: the reader does not match the running model and is switched off.
        var whole = ReaderAt(json, isFinalBlock: false);
        Assert.True(decoder.TryDecodePartial(ref whole, out var first));
        Assert.Equal("a", first!.Name);
        Assert.Null(CompiledReaderRegistry.GetReader<ThrowingModel>());
        Assert.Contains(RuntimeDegradations.Reported, d => d.Feature == "compiled_reader:ThrowingModel" && d.Cause == "MissingMethodException: ThrowingModel.set_Removed");

        // From then on no exception per object, on any path.
        var reader = ReaderAt(json);
        Assert.Equal("a", decoder.Decode(ref reader).Name);
        Assert.Equal("a", decoder.DecodeWhole(json, 0, json.Length, default).Name);
        Assert.Equal(2, calls);
    }

    // --- malformed input ---

    public const string Secret = "secret-value-xyz";

    public sealed class MalformedModel
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
    }

    /// <summary>A list whose second item has a trailing comma after a secret value; the error is at the closing brace.</summary>
    private static (string Body, int ErrorAt) MalformedList()
    {
        var bad = "{\"name\":\"" + Secret + "\",}";
        var body = """{"kind":"List","metadata":{"resourceVersion":"5"},"items":[{"name":"ok"},""" + bad + "]}";
        return (body, body.IndexOf(bad, StringComparison.Ordinal) + bad.Length - 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_malformed_list_item_is_a_decode_error_with_its_position_and_without_its_content(int parallelism)
    {
        CompiledReaderRegistry.Register<MalformedModel>(_ => new NameReader<MalformedModel>(n => new MalformedModel { Name = n }).Read);
        var (body, errorAt) = MalformedList();

        foreach (var decode in new Func<Task>[]
        {
            () => ListBodyReader.ReadAsync<MalformedModel>(new MemoryStream(Utf8(body)), "models", default, compiledReaders: true, parallelism, batchBytes: 1),
            () => ListBodyReader.ReadAsync<V1ConfigMap>(new MemoryStream(Utf8(body)), "configmaps", default, compiledReaders: true, parallelism, batchBytes: 1),
        })
        {
            var ex = await Assert.ThrowsAsync<KubernetesDecodeException>(decode);
            Assert.True(ex.Message.Contains($"near byte {errorAt} "), ex.Message);
            if (parallelism > 1)
            {
                // A worker knows the item's index; the streaming parser reports the reader's own error, without a path.
                Assert.True(ex.Message.Contains("(path $.items[1])"), ex.Message);
            }
            Assert.DoesNotContain(Secret, ex.Message);
            Assert.IsAssignableFrom<JsonException>(ex.InnerException);
        }

        Assert.NotNull(CompiledReaderRegistry.GetReader<MalformedModel>()); // bad input is not a mismatched reader
    }

    [Fact]
    public void A_malformed_watch_object_is_a_decode_error_with_its_position_and_without_its_content()
    {
        var prefix = """{"type":"MODIFIED","object":""";
        var bad = "{\"metadata\":{\"name\":\"" + Secret + "\"},\"data\":{\"k\":\"" + Secret + "\",}}";
        var line = Utf8(prefix + bad + "}");
        var errorAt = prefix.Length + bad.IndexOf(",}", StringComparison.Ordinal) + 1;

        var ex = Assert.Throws<KubernetesDecodeException>(() => WatchLineDecoder.Decode<V1ConfigMap>(line, 3, 100, "configmaps"));

        Assert.Contains($"at byte {errorAt} of the line", ex.Message);
        Assert.Contains("Watch line 3 (stream byte 100)", ex.Message);
        Assert.DoesNotContain(Secret, ex.Message);
        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
    }

    [Fact]
    public void Watch_objects_and_list_items_go_through_the_same_compiled_reader()
    {
        var compiled = new NameReader<SharedModel>(n => new SharedModel { Name = n });
        CompiledReaderRegistry.Register<SharedModel>(_ => compiled.Read);
        var line = Utf8("""{"type":"ADDED","object":{"name":"w"}}""");

        var watched = WatchLineDecoder.Decode(line, 1, 0, "shared", ItemDecoder<SharedModel>.Default);
        var listed = ListBodyReader.ReadAsync<SharedModel>(new MemoryStream(Utf8("""{"items":[{"name":"l"}]}""")), "shared", default)
            .GetAwaiter().GetResult().Items;

        Assert.Equal("compiled:w", watched.Object.Name);
        Assert.Equal(["compiled:l"], listed.Select(i => i.Name));
        Assert.Equal(2, compiled.Calls);
    }

    public sealed class SharedModel : IKubernetesObject<V1ObjectMeta>
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
        [JsonPropertyName("kind")] public string Kind { get; set; } = "";
        [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    }
}
