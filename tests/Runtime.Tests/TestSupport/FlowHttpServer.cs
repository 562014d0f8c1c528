using System.Collections.Concurrent;
using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeInformers.Tests.TestSupport;

/// <summary>What a loopback server received.</summary>
internal sealed record FlowRecordedRequest(string Method, string Path, string RawQuery, IReadOnlyDictionary<string, string> Query, string? Accept, string? Authorization);

/// <summary>
/// A Kestrel server on 127.0.0.1 (port 0) whose every request goes to <see cref="Handler"/>; records the requests.
/// Stops when disposed.
/// </summary>
internal sealed class FlowHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FlowHttpServer(WebApplication app) => _app = app;

    public Func<HttpContext, Task> Handler { get; set; } = ctx => { ctx.Response.StatusCode = 404; return Task.CompletedTask; };

    public ConcurrentQueue<FlowRecordedRequest> Requests { get; } = new();

    public Uri BaseUri { get; private set; } = null!;

    public static async Task<FlowHttpServer> StartAsync(Func<HttpContext, Task>? handler = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FlowHttpServer(app);
        if (handler is not null)
        {
            server.Handler = handler;
        }

        app.Run(async ctx =>
        {
            var query = ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
            server.Requests.Enqueue(new FlowRecordedRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", ctx.Request.QueryString.Value ?? "",
                query, ctx.Request.Headers.Accept.ToString(), ctx.Request.Headers.Authorization.ToString()));
            await server.Handler(ctx);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    public Kubernetes CreateClient(string? accessToken = null) =>
        new(new KubernetesClientConfiguration { Host = BaseUri.ToString(), AccessToken = accessToken });

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync();
    }
}

/// <summary>JSON text for test objects.</summary>
internal static class FlowJson
{
    public static string ConfigMap(string ns, string name, string rv, string? data = null, bool withTypeMeta = true) =>
        "{" + (withTypeMeta ? "\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"," : "") +
        $"\"metadata\":{{\"name\":\"{name}\",\"namespace\":\"{ns}\",\"resourceVersion\":\"{rv}\",\"uid\":\"uid-{name}\"}}" +
        (data is null ? "" : $",\"data\":{{\"value\":\"{data}\"}}") + "}";

    public static string List(string rv, IEnumerable<string> items, string? continueToken = null, long? remaining = null) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMapList\",\"metadata\":{\"resourceVersion\":\"" + rv + "\"" +
        (continueToken is null ? "" : ",\"continue\":\"" + continueToken + "\"") +
        (remaining is null ? "" : ",\"remainingItemCount\":" + remaining) +
        "},\"items\":[" + string.Join(",", items) + "]}";

    public static string Event(string type, string obj) => "{\"type\":\"" + type + "\",\"object\":" + obj + "}";

    public static string Bookmark(string rv, bool initialEventsEnd = false) =>
        Event("BOOKMARK", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"resourceVersion\":\"" + rv + "\"" +
            (initialEventsEnd ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "") + "}}");

    public static string Status(int code, string reason, string message, int? retryAfterSeconds = null) =>
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message + "\",\"reason\":\"" + reason + "\"" +
        (retryAfterSeconds is null ? "" : ",\"details\":{\"retryAfterSeconds\":" + retryAfterSeconds + "}") +
        ",\"code\":" + code + "}";

    public static async Task WriteLineAsync(HttpContext ctx, string line)
    {
        await ctx.Response.WriteAsync(line + "\n");
        await ctx.Response.Body.FlushAsync();
    }
}
