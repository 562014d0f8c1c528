using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>
/// A neutral API server for the cold paths and the peer: it serves precomputed bytes and does no work per request,
/// so every client (ours, KubernetesClient, client-node) meets the same server cost. <c>GET /api/v1/pods</c> answers
/// the whole <c>PodList</c> (query parameters such as <c>limit</c> are ignored, as the watch cache ignores them for
/// <c>resourceVersion=0</c>); <c>GET /api/v1/pods?watch=true</c> streams <see cref="WatchEvents"/> MODIFIED events
/// (each a whole Pod, resourceVersions after the list's) and then holds the stream open until the client leaves.
/// <c>GET /version</c> answers a fixed version document (what <see cref="SharedInformerFactoryOptions.ConnectEarly"/>
/// requests). Listens on 127.0.0.1 with a dynamic port, over plain HTTP or, with a certificate, HTTPS (HTTP/1.1 either
/// way, as client-node speaks it). Thread-safe; serves any number of clients at once.
/// </summary>
public sealed class StaticPodServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StrongBox<int> _versionRequests;

    private StaticPodServer(WebApplication app, Uri baseUri, byte[] list, int watchEvents, X509Certificate2? certificate, StrongBox<int> versionRequests)
    {
        _app = app;
        _versionRequests = versionRequests;
        BaseUri = baseUri;
        ListBody = list;
        WatchEvents = watchEvents;
        Certificate = certificate;
    }

    /// <summary>The server's address (<c>https</c> when it has a <see cref="Certificate"/>).</summary>
    public Uri BaseUri { get; }

    /// <summary>The self-signed certificate it presents over HTTPS, or null for plain HTTP.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>How many <c>GET /version</c> requests it has answered (a factory's early connection sends one).</summary>
    public int VersionRequests => Volatile.Read(ref _versionRequests.Value);

    /// <summary>The list body it serves.</summary>
    public byte[] ListBody { get; }

    /// <summary>How many MODIFIED events a watch receives.</summary>
    public int WatchEvents { get; }

    /// <summary>The list's resourceVersion.</summary>
    public const string ListResourceVersion = "100000";

    /// <summary>Starts a server for <paramref name="pods"/> Pods of <paramref name="mix"/> and <paramref name="watchEvents"/> watch events.</summary>
    public static Task<StaticPodServer> StartAsync(int pods, PodMix mix, int watchEvents, CancellationToken ct, X509Certificate2? certificate = null) =>
        StartAsync(RealisticPods.ListJson(pods, mix, ListResourceVersion), WatchBody(pods, mix, watchEvents), watchEvents, ct, certificate);

    /// <summary>
    /// Starts a server for a list body and a watch body of <paramref name="watchEvents"/> lines (shared, not copied),
    /// over HTTPS with <paramref name="certificate"/> (which must hold its private key) when one is given.
    /// </summary>
    public static async Task<StaticPodServer> StartAsync(byte[] list, byte[] watch, int watchEvents, CancellationToken ct, X509Certificate2? certificate = null)
    {
        if (certificate is { HasPrivateKey: false }) throw new ArgumentException("The server's certificate needs its private key.", nameof(certificate));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (certificate is not null) builder.WebHost.UseKestrelHttpsConfiguration(); // the slim builder leaves HTTPS out
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0, l =>
            {
                l.Protocols = HttpProtocols.Http1;
                if (certificate is not null) l.UseHttps(certificate);
            });
            k.Limits.MinResponseDataRate = null;
        });
        var app = builder.Build();
        var versionBody = Encoding.UTF8.GetBytes("""{"major":"1","minor":"34","gitVersion":"v1.34.0","platform":"linux/amd64"}""");
        var versionRequests = new StrongBox<int>();
        app.MapGet("/version", async (HttpContext context) =>
        {
            Interlocked.Increment(ref versionRequests.Value);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = versionBody.Length;
            await context.Response.Body.WriteAsync(versionBody, context.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/api/v1/pods", async (HttpContext context) =>
        {
            var watching = context.Request.Query["watch"] is { Count: > 0 } w && (w[0] == "true" || w[0] == "1");
            context.Response.ContentType = "application/json";
            if (!watching)
            {
                context.Response.ContentLength = list.Length;
                await context.Response.Body.WriteAsync(list, context.RequestAborted).ConfigureAwait(false);
                return;
            }
            try
            {
                for (var offset = 0; offset < watch.Length; offset += 256 * 1024)
                    await context.Response.Body.WriteAsync(watch.AsMemory(offset, Math.Min(256 * 1024, watch.Length - offset)), context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMinutes(10), context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client left.
            }
        });
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Urls.First();
        return new StaticPodServer(app, new Uri(address.EndsWith('/') ? address : address + "/"), list, watchEvents, certificate, versionRequests);
    }

    /// <summary>
    /// <paramref name="count"/> MODIFIED events, one JSON line each: Pod <c>k % pods</c> with a changed label and
    /// resourceVersion, so every event replaces a cached object.
    /// </summary>
    public static byte[] WatchBody(int pods, PodMix mix, int count)
    {
        using var ms = new MemoryStream();
        for (var k = 0; k < count; k++)
        {
            var pod = RealisticPods.Create(k % pods, mix, (100_001 + k).ToString(CultureInfo.InvariantCulture));
            pod.Metadata.Labels["generation-mark"] = "g" + k.ToString(CultureInfo.InvariantCulture);
            ms.Write(Encoding.UTF8.GetBytes("{\"type\":\"MODIFIED\",\"object\":" + k8s.KubernetesJson.Serialize(pod) + "}\n"));
        }
        return ms.ToArray();
    }

    /// <summary>
    /// Writes a kubeconfig for this server (one cluster, one context) and returns its path. Over plain HTTP it has no
    /// user and says <c>insecure-skip-tls-verify</c> because client-node refuses plain http otherwise (KubernetesClient
    /// ignores it for http). Over HTTPS the cluster carries <c>certificate-authority-data</c> (the server's certificate
    /// as base64 PEM), so every client verifies the server as it would a cluster's, and the context names a user with a
    /// bearer token (the server ignores it): client-node applies the cluster's certificate authority only when there is
    /// a current user, and a cluster's kubeconfig always has one.
    /// </summary>
    public string WriteKubeconfig(string directory)
    {
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"kubeconfig-{BaseUri.Port}.yaml");
        var server = BaseUri.GetLeftPart(UriPartial.Authority);
        // Over https the cluster's CA and a token user (client-node applies a cluster's CA only with a current user);
        // over plain http neither.
        var (trust, users, contextUser) = Certificate is null
            ? ("insecure-skip-tls-verify: true", "", "")
            : ($"certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(SelfSignedCertificate.Pem(Certificate)))}",
               "users:\n- name: bench\n  user:\n    token: bench-token\n",
               "    user: bench\n");
        File.WriteAllText(file, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: bench
              cluster:
                server: {server}
                {trust}
            {users}contexts:
            - name: bench
              context:
                cluster: bench
            {contextUser}    namespace: default
            current-context: bench

            """);
        return file;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
