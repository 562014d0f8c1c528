using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KubeInformers.Hosting.Health;

/// <summary>
/// Liveness: unhealthy when an informer has stopped, its list/watch has been failing for longer than
/// <see cref="InformerLivenessOptions.FailureThreshold"/>, or it has been silent for longer than
/// <see cref="InformerLivenessOptions.SilenceThreshold"/> (when set). A restart is the remedy the probe implies, so
/// transient errors (a single failed watch, a relist) do not make it fail. Thread-safe.
/// </summary>
public sealed class InformerLivenessHealthCheck : IHealthCheck
{
    private readonly InformerHealthMonitor _monitor;

    /// <summary>Creates the check.</summary>
    public InformerLivenessHealthCheck(InformerHealthMonitor monitor) => _monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var sample = _monitor.Sample();
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        foreach (var h in sample)
        {
            data[h.Name] = h.Problem ?? (h.LastError is null ? "ok" : "recovering");
            if (!h.IsLive)
            {
                problems.Add(h.LastError is { } e ? $"{h.Name}: {h.Problem}; last error: {InformerNames.Describe(e)}" : $"{h.Name}: {h.Problem}");
            }
        }
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{sample.Count} informer(s) live.", data)
            : HealthCheckResult.Unhealthy(string.Join(" | ", problems), data: data));
    }
}
