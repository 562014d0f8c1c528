using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using k8s;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// Lists and watches one resource over HTTP with a KubernetesClient <see cref="Kubernetes"/> client's
/// <c>HttpClient</c>, base address and credentials. Parses list bodies and watch lines straight from the
/// response stream into <typeparamref name="T"/>. Thread-safe.
/// </summary>
/// <remarks>
/// It does not use KubernetesClient's <c>Watcher</c> or <c>WatchList*Async</c>: those drop an ERROR event unless an error
/// callback is set, throw on a watch that ends without events, and wait for the first event before returning.
/// Here a watch returns as soon as the server has answered, a clean end is a clean end, an ERROR event is a
/// <see cref="KubernetesApiException"/> and a line that cannot be decoded is a <see cref="KubernetesDecodeException"/>.
/// It sets no timeouts of its own: the caller's token bounds each request. The reflector bounds every list page with
/// <see cref="ReflectorOptions.ListTimeout"/>, a watch request with <see cref="ReflectorOptions.WatchStartTimeout"/> and an
/// open watch with its watchdog (<see cref="ReflectorOptions.WatchIdleTimeout"/>); the server ends watches after
/// <see cref="WatchRequest.TimeoutSeconds"/>.
/// </remarks>
public sealed class HttpListWatch<T> : IListWatch<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly MediaTypeWithQualityHeaderValue JsonMediaType = new("application/json");

    private readonly Kubernetes _client;
    private readonly ListWatchOptions _options;
    private readonly Uri _collectionUri;
    private readonly Version _httpVersion;
    private readonly HttpVersionPolicy _httpVersionPolicy;

    /// <summary>Creates the list/watch source.</summary>
    /// <param name="client">The client whose HTTP pipeline, base address and credentials are used.</param>
    /// <param name="resource">The resource to list and watch.</param>
    /// <param name="options">Namespace and selectors.</param>
    /// <exception cref="ArgumentException"><paramref name="client"/> is not a <see cref="Kubernetes"/> instance.</exception>
    public HttpListWatch(IKubernetes client, ResourceDescriptor resource, ListWatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(resource);
        _client = client as Kubernetes ?? throw new ArgumentException(
            $"HttpListWatch needs a k8s.Kubernetes client (it uses its HttpClient, BaseUri and Credentials), but got {client.GetType().FullName}. " +
            "Create the client with new Kubernetes(config), or provide your own IListWatch<T>.", nameof(client));
        Resource = resource;
        _options = options ?? new ListWatchOptions();

        var baseUri = _client.BaseUri ?? throw new ArgumentException("The Kubernetes client has no BaseUri.", nameof(client));
        if (!baseUri.AbsoluteUri.EndsWith('/'))
        {
            baseUri = new Uri(baseUri.AbsoluteUri + "/");
        }

        _collectionUri = new Uri(baseUri, resource.CollectionPath(_options.Namespace));
        (_httpVersion, _httpVersionPolicy) = ChooseHttpVersion(_client);
    }

    /// <summary>The resource listed and watched.</summary>
    public ResourceDescriptor Resource { get; }

    /// <summary>
    /// Whether list items and watch objects are decoded by the readers the source generator compiled for the model type
    /// (when there is one), instead of <c>JsonSerializer</c>; default true. Set from
    /// <see cref="SharedInformerFactoryOptions.CompiledReaders"/>, the setting's one public home.
    /// </summary>
    internal bool CompiledReaders { get; init; } = true;

    /// <summary>
    /// How many threads may decode the items of one list response (1 or less: the reading thread only; more than 64
    /// counts as 64). Set from <see cref="SharedInformerFactoryOptions.ListDecodeParallelism"/>, the setting's one public home.
    /// </summary>
    internal int ListDecodeParallelism { get; init; } = ListBodyReader.DefaultParallelism;

    /// <summary>The clock used for Retry-After dates. Defaults to the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <inheritdoc/>
    public async Task<ListPage<T>> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = BuildUri(list: request, watch: null);
        using var response = await SendAsync(uri, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ApiErrors.FromResponseAsync(response, TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var (items, metadata) = await ListBodyReader.ReadAsync<T>(stream, Resource.ToString(), cancellationToken, CompiledReaders, ListDecodeParallelism).ConfigureAwait(false);

        // The API server leaves apiVersion and kind out of list items; watch events carry them. Make cached objects alike.
        foreach (var item in items)
        {
            item.ApiVersion ??= Resource.ApiVersion;
            item.Kind ??= Resource.Kind;
        }

        return new ListPage<T>(items, metadata?.ResourceVersion ?? "", string.IsNullOrEmpty(metadata?.ContinueProperty) ? null : metadata.ContinueProperty,
            metadata?.RemainingItemCount);
    }

    /// <inheritdoc/>
    public async Task<IWatchStream<T>> WatchAsync(WatchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = BuildUri(list: null, watch: request);
        var response = await SendAsync(uri, cancellationToken).ConfigureAwait(false);
        try
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ApiErrors.FromResponseAsync(response, TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new HttpWatchStream<T>(response, stream, Resource.ToString(), CompiledReaders);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Builds the request URI of a list or a watch (internal for tests).</summary>
    internal Uri BuildUri(ListRequest? list, WatchRequest? watch)
    {
        var query = new StringBuilder();
        Append(query, "labelSelector", _options.LabelSelector);
        Append(query, "fieldSelector", _options.FieldSelector);
        if (list is not null)
        {
            if (list.Limit is > 0)
            {
                Append(query, "limit", list.Limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            Append(query, "continue", list.Continue);
            Append(query, "resourceVersion", list.ResourceVersion);
            Append(query, "resourceVersionMatch", list.ResourceVersionMatch);
        }

        if (watch is not null)
        {
            Append(query, "watch", "true");
            Append(query, "resourceVersion", watch.ResourceVersion);
            Append(query, "resourceVersionMatch", watch.ResourceVersionMatch);
            if (watch.AllowWatchBookmarks)
            {
                Append(query, "allowWatchBookmarks", "true");
            }

            if (watch.TimeoutSeconds is > 0)
            {
                Append(query, "timeoutSeconds", watch.TimeoutSeconds.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (watch.SendInitialEvents is { } send)
            {
                Append(query, "sendInitialEvents", send ? "true" : "false");
            }
        }

        if (query.Length == 0)
        {
            return _collectionUri;
        }

        return new UriBuilder(_collectionUri) { Query = query.ToString() }.Uri;
    }

    private static void Append(StringBuilder query, string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    private async Task<HttpResponseMessage> SendAsync(Uri uri, CancellationToken cancellationToken)
    {
        // The first request waits for the factory's early connection (if one is under way) so it reuses that connection
        // instead of opening a second one; later requests never wait. The early connection never faults.
        if (ConnectionWarmUp is { } warmUp && Interlocked.Exchange(ref _warmUpAwaited, 1) == 0 && warmUp() is { IsCompleted: false } pending)
        {
            await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        using var request = CreateRequest(uri, _httpVersion, _httpVersionPolicy);
        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return await _client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage CreateRequest(Uri uri, Version version, HttpVersionPolicy policy)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = version, VersionPolicy = policy };
        request.Headers.Accept.Add(JsonMediaType);
        return request;
    }

    /// <summary>
    /// The factory's early connection (set by <see cref="SharedInformerFactory"/> when
    /// <see cref="SharedInformerFactoryOptions.ConnectEarly"/> is on): returns the task the first list or watch request
    /// waits for, or null when there is none (yet).
    /// </summary>
    internal Func<Task?>? ConnectionWarmUp { get; init; }

    private int _warmUpAwaited;

    /// <summary>
    /// Opens the client's connection to an <c>https</c> API server ahead of the first list, so the TCP and TLS handshakes,
    /// the credentials (a token or an exec plugin) and the HTTP stack's start-up overlap the rest of the program's start:
    /// one <c>GET /version</c> (readable by every user under Kubernetes' default RBAC, <c>system:public-info-viewer</c>)
    /// with the same HTTP version and credentials as the lists, its small body read and the connection left in the
    /// client's pool. Plain <c>http</c> servers (tests, loopback) are left alone: there is no handshake to hide. Never
    /// faults: whatever goes wrong (refused, unreachable, 401/403, cancelled) is left for the first list to meet and
    /// report as it always does.
    /// </summary>
    internal static async Task WarmUpConnectionAsync(Kubernetes client, CancellationToken cancellationToken)
    {
        try
        {
            if (client.BaseUri is not { } baseUri || !string.Equals(baseUri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            var root = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
            var (version, policy) = ChooseHttpVersion(client);
            using var request = CreateRequest(new Uri(root, "version"), version, policy);
            if (client.Credentials is { } credentials)
            {
                await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            }

            using var response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Deliberately swallowed: the first list request meets and reports the same failure.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// Uses HTTP/2 where the client would (it gets keep-alive pings there), with fallback to HTTP/1.1, unless the client was
    /// configured with <c>DisableHttp2</c>.
    /// </summary>
    private static (Version, HttpVersionPolicy) ChooseHttpVersion(Kubernetes client) =>
        ChooseHttpVersion(client, typeof(Kubernetes).GetProperty("DisableHttp2", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public));

    /// <summary>The choice, given KubernetesClient's private <c>DisableHttp2</c> property as found (null when missing).</summary>
    internal static (Version, HttpVersionPolicy) ChooseHttpVersion(Kubernetes client, PropertyInfo? disableHttp2)
    {
        try
        {
            switch (disableHttp2?.GetValue(client))
            {
                case false:
                    return (HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower);
                case true:
                    return (client.HttpClient.DefaultRequestVersion, client.HttpClient.DefaultVersionPolicy);
                default:
                    ReportHttp2Unknown(disableHttp2 is null
                        ? "KubernetesClient's Kubernetes class has no DisableHttp2 property (it was renamed or removed)"
                        : "KubernetesClient's DisableHttp2 property is not a bool");
                    break;
            }
        }
        catch (Exception error)
        {
            ReportHttp2Unknown(error.GetType().Name + ": " + error.Message);
        }

        return (client.HttpClient.DefaultRequestVersion, client.HttpClient.DefaultVersionPolicy);
    }

    private static void ReportHttp2Unknown(string cause) =>
        RuntimeDegradations.Report("http2_selection",
            "list and watch requests use the HttpClient's default HTTP version instead of HTTP/2 with fallback (no HTTP/2 keep-alive pings on watches)",
            cause);
}
