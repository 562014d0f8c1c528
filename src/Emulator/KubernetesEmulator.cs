using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeInformers.Emulator.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers.Emulator;

/// <summary>
/// A stateful, in-memory Kubernetes API server on Kestrel (127.0.0.1), speaking the real HTTP protocol: discovery,
/// get/list/watch/create/update/patch/delete for every built-in resource of KubernetesClient's model and for custom
/// resources once their CustomResourceDefinition is created, with one global resourceVersion and a bounded
/// history. Start it with <see cref="StartAsync"/>, talk to it with <see cref="CreateClient"/>, break it with
/// <see cref="Faults"/>, and dispose it to stop. All members are thread-safe.
/// </summary>
/// <example>
/// <code>
/// await using var emu = await KubernetesEmulator.StartAsync();
/// var client = emu.CreateClient();
/// await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "a" } }, "default");
/// </code>
/// </example>
public sealed partial class KubernetesEmulator : IAsyncDisposable
{
    private readonly ApiState _state;
    private readonly FaultState _faults;
    private readonly WebApplication _app;
    private readonly X509Certificate2? _certificate;
    private readonly ILogger _logger;
    private int _disposed;

    private KubernetesEmulator(EmulatorOptions options, ApiState state, FaultState faults, WebApplication app, X509Certificate2? certificate, Uri baseUri, ILogger logger)
    {
        Options = options;
        _state = state;
        _faults = faults;
        _app = app;
        _certificate = certificate;
        BaseUri = baseUri;
        _logger = logger;
        Faults = new EmulatorFaults(faults, state, () => RestartAsync(null));
    }

    /// <summary>The options the emulator was started with.</summary>
    public EmulatorOptions Options { get; }

    /// <summary>The emulator's base address, e.g. <c>http://127.0.0.1:41234/</c> (https with <see cref="EmulatorOptions.UseTls"/>).</summary>
    public Uri BaseUri { get; }

    /// <summary>Fault injection switches.</summary>
    public EmulatorFaults Faults { get; }

    /// <summary>The current global resourceVersion.</summary>
    public string ResourceVersion => _state.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture);

    /// <summary>The PEM of the self-signed serving certificate (its own CA), or null without TLS.</summary>
    public string? CertificateAuthorityPem => _certificate is null ? null : SelfSignedCertificate.ToPem(_certificate);

    /// <summary>Starts an emulator on 127.0.0.1 (port <see cref="EmulatorOptions.Port"/>, 0 picks one).</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (negative port, non-positive history size, …).</exception>
    public static async Task<KubernetesEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options.Port));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HistoryMaxEvents, 1, nameof(options.HistoryMaxEvents));
        ArgumentOutOfRangeException.ThrowIfNegative(options.HistoryMinEvents, nameof(options.HistoryMinEvents));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxWatcherLag, 1, nameof(options.MaxWatcherLag));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.BookmarkInterval, TimeSpan.Zero, nameof(options.BookmarkInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TooLargeResourceVersionWait, TimeSpan.Zero, nameof(options.TooLargeResourceVersionWait));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("KubeInformers.Emulator");
        var state = new ApiState(options);
        var faults = new FaultState();
        var certificate = !options.UseTls ? null
            : options.CertificateDirectory is { Length: > 0 } certDir ? SelfSignedCertificate.LoadOrCreate(certDir, options.TimeProvider)
            : SelfSignedCertificate.Create(options.TimeProvider);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        // In-process, the emulator is a guest: its host keeps SIGTERM/SIGINT (no console lifetime hooks).
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, GuestHostLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MinResponseDataRate = null;
            k.Limits.MaxRequestBodySize = null; // ApiHandler enforces MaxRequestBodyBytes itself, answering 413 with a Status
            k.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.Use(next => async connection =>
                {
                    faults.Connections[connection.ConnectionId] = connection;
                    try
                    {
                        await next(connection).ConfigureAwait(false);
                    }
                    finally
                    {
                        faults.Connections.TryRemove(connection.ConnectionId, out _);
                    }
                });
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });

        var app = builder.Build();
        var handler = new ApiHandler(state, faults, logger);
        KubernetesEmulator? emulator = null;
        var admin = new AdminEndpoint(faults, state, except => emulator!.RestartAsync(except));
        string? serverAddress = null;
        app.Run(async context =>
        {
            if (options.Token is not { Length: > 0 } && !IsLoopbackHost(context.Request.Host.Host))
            {
                // Without a token, a page in a browser could reach a loopback server through a DNS name that resolves
                // to 127.0.0.1 (DNS rebinding): only loopback host names are served then.
                await ApiHandler.WriteStatusAsync(context, new ApiException(403, "Forbidden", $"host \"{context.Request.Host.Host}\" is not allowed: without a token the emulator serves only 127.0.0.1, ::1 and localhost")).ConfigureAwait(false);
                return;
            }

            if (context.Request.Path.StartsWithSegments("/emulator", StringComparison.Ordinal))
            {
                var adminToken = options.AdminToken is { Length: > 0 } a ? a : options.Token;
                if (adminToken is { Length: > 0 } && context.Request.Headers.Authorization.ToString() != "Bearer " + adminToken)
                {
                    await ApiHandler.WriteStatusAsync(context, ApiException.Unauthorized()).ConfigureAwait(false);
                    return;
                }

                await admin.HandleAsync(context).ConfigureAwait(false);
                return;
            }

            if (faults.Unreachable)
            {
                context.Abort(); // the client sees its connection reset, as if the server were gone
                return;
            }

            if (options.Token is { Length: > 0 } token && context.Request.Headers.Authorization.ToString() != "Bearer " + token)
            {
                await ApiHandler.WriteStatusAsync(context, ApiException.Unauthorized()).ConfigureAwait(false);
                return;
            }

            var latency = faults.Latency;
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
            }

            if (faults.TryTakeFailure())
            {
                await ApiHandler.WriteStatusAsync(context, ApiException.Injected(faults.FailStatus, faults.FailRetryAfterSeconds)).ConfigureAwait(false);
                return;
            }

            await handler.HandleAsync(context, serverAddress!).ConfigureAwait(false);
        });

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var baseUri = new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        serverAddress = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        emulator = new KubernetesEmulator(options, state, faults, app, certificate, baseUri, logger);
        LogStarted(logger, baseUri);
        return emulator;
    }

    private static bool IsLoopbackHost(string host) =>
        host is "127.0.0.1" or "localhost" or "[::1]" or "::1" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    [LoggerMessage(Level = LogLevel.Information, Message = "Kubernetes emulator listening on {BaseUri}")]
    private static partial void LogStarted(ILogger logger, Uri baseUri);

    [LoggerMessage(Level = LogLevel.Information, Message = "Emulator restart: dropping {Count} connections")]
    private static partial void LogRestart(ILogger logger, int count);

    /// <summary>A client configuration pointing at this emulator (token and CA included).</summary>
    public KubernetesClientConfiguration CreateClientConfiguration()
    {
        var config = new KubernetesClientConfiguration { Host = BaseUri.ToString(), AccessToken = Options.Token, Namespace = "default" };
        if (_certificate is not null)
        {
            config.SslCaCerts = [X509CertificateLoader.LoadCertificate(_certificate.RawData)];
        }

        return config;
    }

    /// <summary>A ready KubernetesClient for this emulator. The caller disposes it.</summary>
    public Kubernetes CreateClient() => new(CreateClientConfiguration());

    /// <summary>Writes a kubeconfig file whose current context points at this emulator (usable by kubectl and any client).</summary>
    /// <param name="path">The file to write (its directory must exist).</param>
    /// <remarks>The file is written readable by its owner only (0600), as it may hold the token.</remarks>
    public void WriteKubeconfig(string path) => PrivateFile.Write(path, Kubeconfig.Build(BaseUri, Options.Token, CertificateAuthorityPem));

    /// <summary>Stores a typed object directly (no HTTP), as a create would, and returns the stored object.</summary>
    /// <exception cref="InvalidOperationException">The type is not a served resource, or the create is invalid (e.g. it exists).</exception>
    public T Seed<T>(T obj)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        var json = KubernetesJson.Serialize(obj);
        var node = JsonNode.Parse(json)!.AsObject();
        var attr = typeof(T).GetCustomAttributes(typeof(KubernetesEntityAttribute), false).OfType<KubernetesEntityAttribute>().FirstOrDefault();
        if (attr is not null)
        {
            node["apiVersion"] ??= string.IsNullOrEmpty(attr.Group) ? attr.ApiVersion : attr.Group + "/" + attr.ApiVersion;
            node["kind"] ??= attr.Kind;
        }

        var stored = SeedNode(node);
        return KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(stored.Json));
    }

    /// <summary>Stores many typed objects directly (no HTTP); faster than one request each.</summary>
    public void SeedMany<T>(IEnumerable<T> objects)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(objects);
        foreach (var o in objects)
        {
            Seed(o);
        }
    }

    /// <summary>
    /// Stores objects given as JSON or YAML text: one object, a JSON array, a <c>List</c> with <c>items</c>, or several
    /// YAML documents. <c>apiVersion</c> and <c>kind</c> pick the resource (custom ones need their CRD first, which may
    /// come earlier in the same text). Returns how many objects were stored.
    /// </summary>
    public int SeedText(string text)
    {
        var count = 0;
        foreach (var node in SeedLoader.Parse(text))
        {
            SeedNode(node);
            count++;
        }

        return count;
    }

    private StoredObject SeedNode(JsonObject node)
    {
        var apiVersion = node["apiVersion"]?.GetValue<string>();
        var kind = node["kind"]?.GetValue<string>();
        var rt = _state.ResourceTypes.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind)
            ?? throw new InvalidOperationException($"The emulator does not serve {apiVersion}/{kind} (create its CustomResourceDefinition first).");
        var store = _state.Find(rt.Group, rt.Version, rt.Plural)!;
        var ns = rt.Namespaced ? node["metadata"]?["namespace"]?.GetValue<string>() ?? "default" : null;
        (node["metadata"] as JsonObject)?.Remove("resourceVersion"); // seeds may come from `kubectl get -o yaml`
        try
        {
            return _state.Create(store, ns, node);
        }
        catch (ApiException ex)
        {
            throw new InvalidOperationException($"Seeding {kind} failed: {ex.Code} {ex.Reason}: {ex.Message}", ex);
        }
    }

    private async Task RestartAsync(string? exceptConnectionId)
    {
        // A restarted server's watch cache starts at the current revision: older resourceVersions are gone for watches.
        _state.CompactNow();
        var connections = _faults.Connections.Values.Where(c => c.ConnectionId != exceptConnectionId).ToList();
        LogRestart(_logger, connections.Count);
        foreach (var w in _faults.Watches.Keys)
        {
            w.Abort();
        }

        foreach (var c in connections)
        {
            c.Abort();
        }

        await Task.Yield();
    }

    /// <summary>Stops the server (open watches are aborted). State is discarded.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var w in _faults.Watches.Keys)
        {
            w.Close();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _certificate?.Dispose();
    }
}
