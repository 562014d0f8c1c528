using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsCheck;
using k8s;
using k8s.Models;
using KubeInformers.Tests.TestSupport;

namespace KubeInformers.Tests.Transport;

/// <summary>
/// With workers, a list body is scanned for item boundaries on the reading thread and decoded in batches elsewhere:
/// the result must be exactly what the one-thread reader gives, in order, for any split of the bytes, and bad input
/// must still be a clear decode error.
/// </summary>
public sealed class ParallelListDecodingTests
{
    private static Task<(List<T> Items, V1ListMeta? Metadata)> Read<T>(string body, int chunk, int parallelism, int batchBytes, CancellationToken ct = default)
        where T : class =>
        ListBodyReader.ReadAsync<T>(new ChunkedStream(Encoding.UTF8.GetBytes(body), chunk, yieldEachRead: true), "configmaps", ct, compiledReaders: true, parallelism, batchBytes);

    // Values that a boundary scanner can trip on: brackets and quotes inside strings, escapes, escaped backslashes
    // right before a closing quote, non-ASCII text.
    private static readonly Gen<string> Value = Gen.Frequency(
        (3, Gen.String[Gen.Char["abcxyz0-9 -"], 0, 20]),
        (2, Gen.String[Gen.Char["{}[]\",\\:é中\n\t "], 0, 12]),
        (1, Gen.Const("ends with a backslash \\")));

    private static readonly Gen<string> Whitespace = Gen.String[Gen.Char[" \n\t\r"], 0, 3];

    private static readonly Gen<(string Body, List<V1ConfigMap> Expected)> Lists =
        Gen.Select(Value.Array[0, 4].Array[0, 40], Whitespace, Gen.Bool, Gen.Bool).Select((values, ws, metadataFirst, nested) =>
        {
            var maps = values.Select((data, i) => new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = "cm-" + i, NamespaceProperty = "ns", Labels = nested ? new Dictionary<string, string> { ["k]"] = "{v" } : null },
                Data = data.Select((v, j) => (v, j)).ToDictionary(x => "key" + x.j, x => x.v),
            }).ToList();
            // Written by hand, not by JsonSerializer (which writes a quote as \u0022): the body has raw \" and \\ escapes.
            var items = string.Join(ws + "," + ws, maps.Select(m =>
                "{\"metadata\":{\"name\":\"" + m.Metadata.Name + "\",\"namespace\":\"ns\"" +
                (m.Metadata.Labels is null ? "" : ",\"labels\":{\"k]\":\"{v\"}") + "}," + ws +
                "\"data\":{" + string.Join(",", m.Data.Select(kv => "\"" + kv.Key + "\":" + ws + "\"" + Escape(kv.Value) + "\"")) + "}}"));
            var metadata = "\"metadata\":{\"resourceVersion\":\"77\",\"continue\":\"c]\"}";
            var body = metadataFirst
                ? "{" + ws + "\"kind\":\"ConfigMapList\"," + metadata + ",\"items\":[" + ws + items + ws + "]" + ws + "}"
                : "{\"items\"" + ws + ":" + ws + "[" + items + "]," + metadata + "," + "\"extra\":[{\"a\":\"]\"}]}";
            return (body, maps);
        });

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
             .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    [Fact]
    public void Any_list_decodes_with_workers_exactly_as_with_one_thread_for_any_read_size()
    {
        Gen.Select(Lists, Gen.Int[1, 600], Gen.Int[1, 2000], Gen.Int[2, 4]).Sample((list, chunk, batchBytes, parallelism) =>
        {
            var (serialItems, serialMeta) = Read<V1ConfigMap>(list.Body, chunk, parallelism: 1, batchBytes).GetAwaiter().GetResult();
            var (items, meta) = Read<V1ConfigMap>(list.Body, chunk, parallelism, batchBytes).GetAwaiter().GetResult();

            Assert.Equal(list.Expected.Select(m => KubernetesJson.Serialize(m)), items.Select(m => KubernetesJson.Serialize(m)));
            Assert.Equal(serialItems.Select(m => KubernetesJson.Serialize(m)), items.Select(m => KubernetesJson.Serialize(m)));
            Assert.Equal("77", meta?.ResourceVersion);
            Assert.Equal("c]", meta?.ContinueProperty);
            Assert.Equal(serialMeta?.ContinueProperty, meta?.ContinueProperty);
        }, iter: 300);
    }

    [Theory]
    [InlineData("""{"items":[{"metadata":{"name":"a"}},{"metadata":{"name":}}]}""", "$.items[1]")]
    [InlineData("""{"items":[{"metadata":{"name":"a"}}{"metadata":{"name":"b"}}]}""", null)]
    [InlineData("""{"items":[{"metadata":{"name":"a"}},]}""", null)]
    [InlineData("""{"items":[{"metadata":{"name":"a"}},7]}""", null)]
    [InlineData("""{"items":[{"metadata":{"name":"a"]}]}""", "$.items[0]")]
    [InlineData("""{"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b""", null)]
    [InlineData("""{"items":[{"metadata":{"name":"a"}}],"metadata":{"resourceVersion":}}""", null)]
    public async Task Malformed_lists_are_decode_errors_with_workers_as_with_one_thread(string body, string? path)
    {
        foreach (var parallelism in new[] { 1, 2 })
        {
            foreach (var chunk in new[] { 1, 5, 4096 })
            {
                var error = await Assert.ThrowsAsync<KubernetesDecodeException>(() => Read<V1ConfigMap>(body, chunk, parallelism, batchBytes: 1));
                Assert.StartsWith("The list response of configmaps ", error.Message, StringComparison.Ordinal);
                if (parallelism > 1 && path is not null)
                {
                    Assert.Contains("(path " + path, error.Message, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public async Task An_item_nested_past_the_depth_limit_is_rejected_with_workers_as_with_one_thread()
    {
        // The limit (64) counts from the list's root, so an item may nest 62 levels; 63 is one too many.
        string Body(int levels) => "{\"items\":[{\"metadata\":{\"name\":\"a\"},\"x\":" + new string('[', levels) + new string(']', levels) + "}]}";
        foreach (var parallelism in new[] { 1, 2 })
        {
            await Assert.ThrowsAsync<KubernetesDecodeException>(() => Read<V1ConfigMap>(Body(62), 4096, parallelism, batchBytes: 1));
            var (items, _) = await Read<V1ConfigMap>(Body(61), 4096, parallelism, batchBytes: 1);
            Assert.Single(items);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task An_error_after_the_items_names_its_byte_with_workers_as_with_one_thread(int chunk)
    {
        const string body = """{"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}],"metadata":{"resourceVersion":}}""";
        var expected = body.IndexOf(":}", StringComparison.Ordinal) + 1;
        foreach (var parallelism in new[] { 1, 2 })
        {
            var error = await Assert.ThrowsAsync<KubernetesDecodeException>(() => Read<V1ConfigMap>(body, chunk, parallelism, batchBytes: 1));
            Assert.Contains($"near byte {expected} ", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"items":[{"metadata":{"name":5}},{"metadata":{"name":"b"}}{"metadata":{"name":"c"}}]}""")]
    [InlineData("{\"items\":[{\"metadata\":{\"name\":5}},{\"metadata\":{\"name\":\"b\"}},{\"metadata\":{\"name\":\"c\"")]
    public async Task The_first_bad_item_is_the_error_even_when_a_later_part_of_the_body_is_bad_too(string body)
    {
        foreach (var parallelism in new[] { 1, 2 })
        {
            foreach (var batchBytes in new[] { 1, 1 << 20 })
            {
                var error = await Assert.ThrowsAsync<KubernetesDecodeException>(() => Read<V1ConfigMap>(body, 4096, parallelism, batchBytes));
                Assert.Contains("metadata.name", error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task An_item_that_never_ends_is_a_decode_error_before_the_rest_of_the_body_is_buffered()
    {
        // Two brackets that never close: the scanner would look for the item's end until the body ends, buffering all of it.
        var body = "{\"items\":[{\"metadata\":{\"name\":\"a\"},\"x\":[[," +
            string.Join(",", Enumerable.Range(0, 20_000).Select(i => "{\"metadata\":{\"name\":\"b" + i + "\"}}")) + "]}";
        var stream = new ChunkedStream(Encoding.UTF8.GetBytes(body), chunk: 1024);

        var error = await Assert.ThrowsAsync<KubernetesDecodeException>(() =>
            ListBodyReader.ReadAsync<V1ConfigMap>(stream, "configmaps", default, true, parallelism: 2, batchBytes: 1, maxItemBytes: 4096));

        Assert.Contains("still open", error.InnerException!.Message, StringComparison.Ordinal);
        Assert.True(stream.Position < body.Length / 2, $"read {stream.Position} of {body.Length} bytes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task An_invalid_quantity_is_a_decode_error(int parallelism)
    {
        // KubernetesClient's quantity parser throws ArgumentException for an unknown suffix.
        const string body = """{"items":[{"metadata":{"name":"a"},"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"5i"}}}]}}]}""";
        var error = await Assert.ThrowsAsync<KubernetesDecodeException>(() => Read<V1Pod>(body, 4096, parallelism, batchBytes: 1));
        Assert.IsType<ArgumentException>(error.InnerException);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task A_repeated_items_property_adds_to_the_list_with_workers_as_with_one_thread(int chunk)
    {
        // JSON allows the property twice; the one-thread reader appends both arrays, and so must the scanner.
        const string body = """{"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}],"items":[{"metadata":{"name":"c"}}]}""";
        foreach (var parallelism in new[] { 1, 2 })
        {
            var (items, _) = await Read<V1ConfigMap>(body, chunk, parallelism, batchBytes: 1);
            Assert.Equal(["a", "b", "c"], items.Select(i => i.Metadata.Name));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(int.MaxValue)]
    public async Task A_parallelism_out_of_range_still_reads_the_list(int parallelism)
    {
        var body = FlowJson.List("5", [FlowJson.ConfigMap("ns", "a", "1"), FlowJson.ConfigMap("ns", "b", "2")]);
        var (items, metadata) = await Read<V1ConfigMap>(body, chunk: 7, parallelism, batchBytes: 1);
        Assert.Equal(["a", "b"], items.Select(i => i.Metadata.Name));
        Assert.Equal("5", metadata?.ResourceVersion);
    }

    [Fact]
    public async Task A_short_list_is_decoded_on_the_reading_thread()
    {
        var body = FlowJson.List("5", [FlowJson.ConfigMap("ns", "a", "1"), FlowJson.ConfigMap("ns", "b", "2")]);
        var reader = new ThreadRecordingReader();
        CompiledReaderRegistry.Register<Recorded>(_ => reader.Read);

        var thread = Environment.CurrentManagedThreadId;
        var stream = new ChunkedStream(Encoding.UTF8.GetBytes(body), chunk: 1 << 20);
        var (items, _) = await ListBodyReader.ReadAsync<Recorded>(stream, "configmaps", default, compiledReaders: true, parallelism: 4);

        Assert.Equal(["a", "b"], items.Select(i => i.Name));
        Assert.Equal([thread], reader.Threads.Distinct());
    }

    [Fact]
    public async Task Items_keep_their_order_when_a_later_batch_finishes_first()
    {
        // The first item's decode waits until the last item has been decoded by another worker.
        var reader = new GatedReader(first: "item-0", last: "item-199");
        CompiledReaderRegistry.Register<Gated>(_ => reader.Read);
        var names = Enumerable.Range(0, 200).Select(i => "item-" + i).ToList();
        var body = """{"metadata":{"resourceVersion":"3"},"items":[""" + string.Join(",", names.Select(n => "{\"metadata\":{\"name\":\"" + n + "\"}}")) + "]}";

        var (items, metadata) = await ListBodyReader.ReadAsync<Gated>(
            new ChunkedStream(Encoding.UTF8.GetBytes(body), chunk: 512), "gated", default, compiledReaders: true, parallelism: 4, batchBytes: 256);

        Assert.True(reader.LastDecodedBeforeFirst);
        Assert.Equal(names, items.Select(i => i.Name));
        Assert.Equal("3", metadata?.ResourceVersion);
    }

    [Fact]
    public async Task Cancelling_a_read_while_every_worker_is_busy_stops_it_once_they_finish()
    {
        // Every decode waits for the gate, so the workers fill up and the reading thread soon waits for a free one.
        var reader = new GatedReader(first: null, last: "never");
        CompiledReaderRegistry.Register<Gated2>(_ => (ref Utf8JsonReader r, out Gated2? v) =>
        {
            var result = reader.Read(ref r, out var g);
            v = g is null ? null : new Gated2 { Name = g.Name };
            return result;
        });
        var body = """{"items":[""" + string.Join(",", Enumerable.Range(0, 2000).Select(i => "{\"metadata\":{\"name\":\"item-" + i + "\"}}")) + "]}";
        using var cts = new CancellationTokenSource();

        var read = ListBodyReader.ReadAsync<Gated2>(new ChunkedStream(Encoding.UTF8.GetBytes(body), chunk: 512, yieldEachRead: true), "gated", cts.Token, true, parallelism: 2, batchBytes: 256);
        Assert.True(SpinWait.SpinUntil(() => reader.Running >= 1, TimeSpan.FromSeconds(30)), "a worker should be decoding");
        Assert.False(read.IsCompleted);
        cts.Cancel();
        reader.Release.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, reader.Running); // the read returned only after its workers were done with their buffers
    }

    public sealed class Recorded
    {
        [JsonPropertyName("metadata")] public V1ObjectMeta? Metadata { get; set; }
        public string? Name => Metadata?.Name;
    }

    public sealed class Gated
    {
        [JsonPropertyName("metadata")] public V1ObjectMeta? Metadata { get; set; }
        public string? Name { get; set; }
    }

    public sealed class Gated2
    {
        public string? Name { get; set; }
    }

    /// <summary>Reads <c>{"metadata":{"name":…}}</c> with <see cref="JsonSerializer"/> and records the decoding thread.</summary>
    private sealed class ThreadRecordingReader
    {
        public List<int> Threads { get; } = [];

        public CompiledReadResult Read(ref Utf8JsonReader reader, out Recorded? value)
        {
            lock (Threads)
            {
                Threads.Add(Environment.CurrentManagedThreadId);
            }

            value = JsonSerializer.Deserialize<Recorded>(ref reader);
            return CompiledReadResult.Done;
        }
    }

    /// <summary>Holds the decode of <c>first</c> (of every item when null) until <c>last</c> has been decoded or the test releases it, with a deadline.</summary>
    private sealed class GatedReader(string? first, string last)
    {
        private int _running;

        public ManualResetEventSlim FirstStarted { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        public bool LastDecodedBeforeFirst { get; private set; }
        public int Running => Volatile.Read(ref _running);

        public CompiledReadResult Read(ref Utf8JsonReader reader, out Gated? value)
        {
            Interlocked.Increment(ref _running);
            try
            {
                var item = JsonSerializer.Deserialize<Gated>(ref reader)!;
                item.Name = item.Metadata?.Name;
                if (first is null || item.Name == first)
                {
                    FirstStarted.Set();
                    LastDecodedBeforeFirst = Release.Wait(TimeSpan.FromSeconds(30));
                }
                else if (item.Name == last)
                {
                    Release.Set();
                }

                value = item;
                return CompiledReadResult.Done;
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}
