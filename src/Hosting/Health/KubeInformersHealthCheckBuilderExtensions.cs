using KubeInformers.Hosting.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the KubeInformers readiness and liveness checks.</summary>
public static class KubeInformersHealthCheckBuilderExtensions
{
    /// <summary>The tag of the readiness check (<c>ready</c>).</summary>
    public const string ReadyTag = "ready";

    /// <summary>The tag of the liveness check (<c>live</c>).</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// Adds <c>kubeinformers-ready</c> (tag <c>ready</c>: every informer synced) and <c>kubeinformers-live</c> (tag
    /// <c>live</c>: no informer stopped, failing or silent past its threshold). Requires <c>AddKubeInformers</c>.
    /// Map them to separate endpoints by tag, e.g. <c>MapHealthChecks("/readyz", new() { Predicate = c =&gt; c.Tags.Contains("ready") })</c>.
    /// </summary>
    public static IHealthChecksBuilder AddKubeInformersChecks(this IHealthChecksBuilder builder,
        string readinessName = "kubeinformers-ready", string livenessName = "kubeinformers-live")
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCheck<InformerReadinessHealthCheck>(readinessName, HealthStatus.Unhealthy, [ReadyTag]);
        builder.AddCheck<InformerLivenessHealthCheck>(livenessName, HealthStatus.Unhealthy, [LiveTag]);
        return builder;
    }
}
