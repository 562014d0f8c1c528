using System.Net;
using System.Reflection;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers.Hosting.Crds;

/// <summary>
/// Installs CustomResourceDefinitions and waits until the API server serves them: each CRD is read, then created when
/// absent or replaced when present (keeping its resourceVersion, labels and annotations others added; a 409 Conflict is
/// retried with a fresh read), then read again until its <c>Established</c> condition is <c>True</c>, at most
/// <see cref="CustomResourceDefinitionInstallerOptions.EstablishedTimeout"/> on the <see cref="TimeProvider"/>.
/// Every failure is a <see cref="CustomResourceDefinitionInstallException"/> naming the CRD; 403 Forbidden names the
/// RBAC rule the identity lacks. For development clusters and tests; production clusters usually get the manifests
/// from a pipeline (<c>bin/.../manifests</c>). Thread-safe: calls share nothing but the client.
/// </summary>
public sealed partial class CustomResourceDefinitionInstaller
{
    /// <summary>The RBAC rule installing needs, as a ClusterRole rule.</summary>
    public const string RequiredRule = "apiGroups: [\"apiextensions.k8s.io\"], resources: [\"customresourcedefinitions\"], verbs: [\"get\", \"create\", \"update\"]";

    private readonly IKubernetes _client;
    private readonly CustomResourceDefinitionInstallerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates an installer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The options are out of range.</exception>
    public CustomResourceDefinitionInstaller(IKubernetes client, CustomResourceDefinitionInstallerOptions options,
        TimeProvider? timeProvider = null, ILogger<CustomResourceDefinitionInstaller>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// New typed copies of the CRDs the KubeInformers generator recorded in <paramref name="assembly"/>, in the order
    /// of its attributes.
    /// </summary>
    public static IReadOnlyList<V1CustomResourceDefinition> DefinitionsIn(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetCustomAttributes<GeneratedManifestAttribute>()
            .Where(m => m.Kind == "CustomResourceDefinition" && m.Json is not null)
            .Select(m => KubernetesJson.Deserialize<V1CustomResourceDefinition>(m.Json!))
            .ToList();
    }

    /// <summary>
    /// Creates or updates every configured CRD, then waits until each is <c>Established</c>; returns them as the server
    /// last reported them.
    /// </summary>
    /// <exception cref="CustomResourceDefinitionInstallException">A CRD could not be installed or did not become Established.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<V1CustomResourceDefinition>> InstallAsync(CancellationToken cancellationToken = default)
    {
        var desired = _options.Assemblies.SelectMany(DefinitionsIn).Concat(_options.Definitions).ToList();
        Log.Installing(_logger, desired.Count, string.Join(", ", desired.Select(d => d.Metadata?.Name)));
        var applied = new List<V1CustomResourceDefinition>(desired.Count);
        foreach (var crd in desired)
        {
            applied.Add(await ApplyAsync(crd, cancellationToken).ConfigureAwait(false));
        }

        var established = await Task.WhenAll(applied.Select(crd => WaitEstablishedAsync(crd, cancellationToken))).ConfigureAwait(false);
        return established;
    }

    private async Task<V1CustomResourceDefinition> ApplyAsync(V1CustomResourceDefinition desired, CancellationToken cancellationToken)
    {
        var name = desired.Metadata?.Name;
        if (string.IsNullOrEmpty(name))
        {
            throw new CustomResourceDefinitionInstallException("", "A CustomResourceDefinition to install has no metadata.name.");
        }

        for (var attempt = 0; ; attempt++)
        {
            var existing = await CallAsync(name, "get", async () =>
            {
                try
                {
                    return await _client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }
            }).ConfigureAwait(false);

            try
            {
                if (existing is null)
                {
                    var created = await CallAsync(name, "create", () =>
                        _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Copy(desired), cancellationToken: cancellationToken)).ConfigureAwait(false);
                    Log.Created(_logger, name, created.Metadata.ResourceVersion);
                    return created;
                }

                var update = Copy(desired);
                update.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
                update.Metadata.Labels = Merge(existing.Metadata.Labels, update.Metadata.Labels);
                update.Metadata.Annotations = Merge(existing.Metadata.Annotations, update.Metadata.Annotations);
                var replaced = await CallAsync(name, "update", () =>
                    _client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(update, name, cancellationToken: cancellationToken)).ConfigureAwait(false);
                Log.Updated(_logger, name, existing.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
                return replaced;
            }
            catch (CustomResourceDefinitionInstallException ex) when (ex.StatusCode == HttpStatusCode.Conflict && attempt < _options.ConflictRetries)
            {
                Log.Conflict(_logger, name, attempt + 1);
            }
        }
    }

    private async Task<V1CustomResourceDefinition> WaitEstablishedAsync(V1CustomResourceDefinition crd, CancellationToken cancellationToken)
    {
        var name = crd.Metadata.Name;
        var started = _timeProvider.GetTimestamp();
        var current = crd;
        while (true)
        {
            var conditions = current.Status?.Conditions ?? [];
            if (conditions.Any(c => c.Type == "Established" && c.Status == "True"))
            {
                Log.Established(_logger, name, _timeProvider.GetElapsedTime(started));
                return current;
            }

            if (conditions.FirstOrDefault(c => c.Type == "NamesAccepted" && c.Status == "False") is { } rejected)
            {
                throw new CustomResourceDefinitionInstallException(name,
                    $"The CustomResourceDefinition '{name}' will not become Established: its names were not accepted ({rejected.Reason}: {rejected.Message}).");
            }

            var elapsed = _timeProvider.GetElapsedTime(started);
            if (elapsed >= _options.EstablishedTimeout)
            {
                var seen = conditions.Count == 0 ? "no conditions yet" : string.Join("; ", conditions.Select(c => $"{c.Type}={c.Status} ({c.Reason}: {c.Message})"));
                throw new CustomResourceDefinitionInstallException(name,
                    $"The CustomResourceDefinition '{name}' did not become Established within {_options.EstablishedTimeout}: {seen}.");
            }

            var wait = _options.PollInterval < _options.EstablishedTimeout - elapsed ? _options.PollInterval : _options.EstablishedTimeout - elapsed;
            await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            current = await CallAsync(name, "get", () =>
                _client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one request, turning its failure into an exception that names the CRD, the verb and (on 403) the rule.</summary>
    private static async Task<T> CallAsync<T>(string name, string verb, Func<Task<T>> request)
    {
        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (HttpOperationException ex)
        {
            var status = ex.Response.StatusCode;
            var said = ServerMessage(ex);
            var message = status == HttpStatusCode.Forbidden
                ? $"Installing the CustomResourceDefinition '{name}' was forbidden ({verb}): the identity needs the RBAC rule {RequiredRule} " +
                  $"in a ClusterRole bound to it. The server said: {said}"
                : $"Installing the CustomResourceDefinition '{name}' failed ({verb}): {(int)status} {status}. The server said: {said}";
            throw new CustomResourceDefinitionInstallException(name, message, status, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new CustomResourceDefinitionInstallException(name, $"Installing the CustomResourceDefinition '{name}' failed ({verb}): {ex.Message}", null, ex);
        }
    }

    private static string ServerMessage(HttpOperationException ex)
    {
        var content = ex.Response.Content;
        if (string.IsNullOrEmpty(content))
        {
            return ex.Message;
        }

        try
        {
            return KubernetesJson.Deserialize<V1Status>(content)?.Message ?? content;
        }
        catch (System.Text.Json.JsonException)
        {
            return content;
        }
    }

    private static V1CustomResourceDefinition Copy(V1CustomResourceDefinition crd)
    {
        var copy = KubernetesJson.Deserialize<V1CustomResourceDefinition>(KubernetesJson.Serialize(crd));
        copy.ApiVersion ??= "apiextensions.k8s.io/v1";
        copy.Kind ??= "CustomResourceDefinition";
        copy.Metadata.ResourceVersion = null;
        copy.Status = null;
        return copy;
    }

    private static IDictionary<string, string>? Merge(IDictionary<string, string>? existing, IDictionary<string, string>? desired)
    {
        if (existing is null || existing.Count == 0)
        {
            return desired;
        }

        var merged = new Dictionary<string, string>(existing, StringComparer.Ordinal);
        foreach (var (key, value) in desired ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return merged;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "KubeInformers: installing {Count} CustomResourceDefinition(s): {Names}.")]
        public static partial void Installing(ILogger logger, int count, string names);

        [LoggerMessage(2, LogLevel.Information, "KubeInformers: created the CustomResourceDefinition {Name} (resourceVersion {ResourceVersion}).")]
        public static partial void Created(ILogger logger, string name, string resourceVersion);

        [LoggerMessage(3, LogLevel.Information, "KubeInformers: updated the CustomResourceDefinition {Name} (resourceVersion {OldResourceVersion} -> {ResourceVersion}).")]
        public static partial void Updated(ILogger logger, string name, string oldResourceVersion, string resourceVersion);

        [LoggerMessage(4, LogLevel.Debug, "KubeInformers: the CustomResourceDefinition {Name} changed while it was written (attempt {Attempt}); reading it again.")]
        public static partial void Conflict(ILogger logger, string name, int attempt);

        [LoggerMessage(5, LogLevel.Information, "KubeInformers: the CustomResourceDefinition {Name} is Established (after {Elapsed}).")]
        public static partial void Established(ILogger logger, string name, TimeSpan elapsed);
    }
}
