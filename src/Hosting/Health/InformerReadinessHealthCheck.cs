using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KubeInformers.Hosting.Health;

/// <summary>
/// Readiness: healthy once every informer has synced (a replica that is not the leader is ready too: its caches are warm).
/// Unhealthy before that, naming the informers still syncing and their last errors. Thread-safe.
/// </summary>
public sealed class InformerReadinessHealthCheck : IHealthCheck
{
    private readonly IInformerSource _source;

    /// <summary>Creates the check.</summary>
    public InformerReadinessHealthCheck(IInformerSource source) => _source = source ?? throw new ArgumentNullException(nameof(source));

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var informers = _source.Informers;
        var data = new Dictionary<string, object>();
        var waiting = new List<string>();
        foreach (var informer in informers)
        {
            var name = InformerNames.Of(informer);
            data[name] = informer.HasSynced ? "synced" : "syncing";
            if (!informer.HasSynced)
            {
                waiting.Add(informer.LastError is { } e ? $"{name} (last error: {InformerNames.Describe(e)})" : name);
            }
        }

        if (informers.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("No informer has been created yet.", data: data));
        }
        return Task.FromResult(waiting.Count == 0
            ? HealthCheckResult.Healthy($"{informers.Count} informer(s) synced.", data)
            : HealthCheckResult.Unhealthy($"Waiting for {waiting.Count} of {informers.Count} informer(s) to sync: {string.Join("; ", waiting)}.", data: data));
    }
}
