using System.Text;
using k8s;
using k8s.Models;
using KubeInformers.Tests.TestSupport;

namespace KubeInformers.Tests.Transport;

/// <summary>The list and watch decoders must give the same result however the bytes are split across reads.</summary>
public sealed class IncrementalDecodingTests
{
    private static readonly string TrickyList =
        "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"extra\":[{\"a\":[1,2,{\"b\":\"}]\"}]}],\"items\":[" +
        FlowJson.ConfigMap("ns", "a", "1", "va{l}ue \\\"quoted\\\" ]") + "," +
        FlowJson.ConfigMap("ns", "b", "2", "ünïcødé") +
        "],\"metadata\":{\"resourceVersion\":\"42\",\"continue\":\"next\"}}";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task A_list_body_decodes_the_same_for_any_read_size_and_property_order(int chunk)
    {
        var (items, metadata) = await ListBodyReader.ReadAsync<V1ConfigMap>(new ChunkedStream(Encoding.UTF8.GetBytes(TrickyList), chunk), "configmaps", default);

        Assert.Equal(["a", "b"], items.Select(i => i.Metadata.Name));
        Assert.Equal("va{l}ue \"quoted\" ]", items[0].Data["value"]);
        Assert.Equal("ünïcødé", items[1].Data["value"]);
        Assert.Equal("42", metadata!.ResourceVersion);
        Assert.Equal("next", metadata.ContinueProperty);
    }

    [Fact]
    public async Task A_list_with_null_items_is_empty()
    {
        var (items, metadata) = await ListBodyReader.ReadAsync<V1ConfigMap>(new MemoryStream("{\"metadata\":{\"resourceVersion\":\"3\"},\"items\":null}"u8.ToArray()), "configmaps", default);

        Assert.Empty(items);
        Assert.Equal("3", metadata!.ResourceVersion);
    }

    [Theory]
    [InlineData("{\"items\":[{\"metadata\":{\"name\":\"a\"}}")]
    [InlineData("{\"items\":[{\"metadata\":{\"name\":}}]}")]
    [InlineData("[1,2]")]
    public async Task A_truncated_or_invalid_list_body_is_a_decode_error(string body)
    {
        await Assert.ThrowsAsync<KubernetesDecodeException>(() =>
            ListBodyReader.ReadAsync<V1ConfigMap>(new ChunkedStream(Encoding.UTF8.GetBytes(body), 3), "configmaps", default));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(100_000)]
    public async Task Watch_lines_decode_the_same_for_any_read_size_with_CRLF_blank_lines_and_no_final_newline(int chunk)
    {
        var big = new string('z', 150_000); // longer than the initial buffer
        var text = FlowJson.Event("ADDED", FlowJson.ConfigMap("ns", "a", "1")) + "\r\n\r\n" +
                   FlowJson.Event("MODIFIED", FlowJson.ConfigMap("ns", "a", "2", big)) + "\n" +
                   FlowJson.Bookmark("3");
        using var response = new HttpResponseMessage();
        var watch = new HttpWatchStream<V1ConfigMap>(response, new ChunkedStream(Encoding.UTF8.GetBytes(text), chunk), "configmaps");

        var events = new List<WatchEvent<V1ConfigMap>>();
        await foreach (var e in watch.ReadEventsAsync())
        {
            events.Add(e);
        }

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark], events.Select(e => e.Type));
        Assert.Equal(big, events[1].Object.Data["value"]);
        Assert.Equal("3", events[2].ResourceVersion);
    }

    [Fact]
    public async Task A_watch_stream_can_be_read_only_once()
    {
        using var response = new HttpResponseMessage();
        var watch = new HttpWatchStream<V1ConfigMap>(response, new MemoryStream(), "configmaps");
        await foreach (var _ in watch.ReadEventsAsync())
        {
        }

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in watch.ReadEventsAsync())
            {
            }
        });
    }

    [Fact]
    public void A_watch_event_with_an_invalid_quantity_is_a_decode_error()
    {
        var line = Encoding.UTF8.GetBytes("""{"type":"MODIFIED","object":{"metadata":{"name":"a"},"spec":{"containers":[{"name":"c","resources":{"limits":{"memory":"5i"}}}]}}}""");

        var ex = Assert.Throws<KubernetesDecodeException>(() => WatchLineDecoder.Decode<V1Pod>(line, 1, 0, "pods"));

        Assert.IsType<ArgumentException>(ex.InnerException);
    }

    [Fact]
    public void An_ERROR_event_whose_object_comes_first_is_still_an_api_exception()
    {
        var line = Encoding.UTF8.GetBytes("{\"object\":" + FlowJson.Status(410, "Expired", "too old") + ",\"type\":\"ERROR\"}");

        var ex = Assert.Throws<KubernetesApiException>(() => WatchLineDecoder.Decode<V1ConfigMap>(line, 1, 0, "configmaps"));

        Assert.True(ex.IsExpired);
    }
}
