using System.Net;
using System.Net.Http.Headers;

namespace KubeInformers.Benchmarks;

/// <summary>
/// Answers every request from memory with pre-built bytes: the list body for list requests and the watch stream for
/// watch requests. Plugged into KubernetesClient's handler chain, it takes the network and the server out of a
/// measurement, so what remains is the client's own cost (HTTP plumbing, parsing, caching).
/// </summary>
public sealed class CannedApiHandler : DelegatingHandler
{
    private readonly byte[] _list;
    private readonly byte[] _watch;

    /// <summary>Creates the handler.</summary>
    public CannedApiHandler(byte[] listBody, byte[] watchBody)
    {
        _list = listBody;
        _watch = watchBody;
    }

    /// <summary>How many watch requests were answered.</summary>
    public int WatchRequests;

    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isWatch = request.RequestUri?.Query.Contains("watch=true", StringComparison.Ordinal) == true;
        if (isWatch) Interlocked.Increment(ref WatchRequests);
        var body = isWatch ? _watch : _list;
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StreamContent(new MemoryStream(body, writable: false)),
        };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return Task.FromResult(response);
    }

    /// <summary>A watch stream of <paramref name="count"/> MODIFIED events for Pods, one JSON object per line.</summary>
    public static byte[] WatchStream(int count, int distinctPods = 1_000)
    {
        using var ms = new MemoryStream();
        var pods = Enumerable.Range(0, Math.Min(count, distinctPods)).Select(i => RealisticPods.Create(i)).ToArray();
        for (var i = 0; i < count; i++)
        {
            var pod = pods[i % pods.Length];
            pod.Metadata.ResourceVersion = (200_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var line = "{\"type\":\"MODIFIED\",\"object\":" + k8s.KubernetesJson.Serialize(pod) + "}\n";
            var bytes = System.Text.Encoding.UTF8.GetBytes(line);
            ms.Write(bytes);
        }
        return ms.ToArray();
    }
}
