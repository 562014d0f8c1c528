namespace KubeInformers.Hosting.LeaderElection;

/// <summary>
/// Leader election through a <c>coordination.k8s.io/v1</c> Lease. Every replica keeps its caches warm; only the lease
/// holder runs reconcile workers. Timing follows client-go's defaults (15 s / 10 s / 2 s); a new leader takes over at most
/// <see cref="LeaseDuration"/> after the old one stopped renewing (at once when it released the lease on shutdown).
/// </summary>
public sealed class LeaderElectionOptions
{
    /// <summary>Whether to elect a leader (false: every replica reconciles).</summary>
    public bool Enabled { get; set; }

    /// <summary>The Lease's name (required when enabled), e.g. the controller's name.</summary>
    public string? LeaseName { get; set; }

    /// <summary>The Lease's namespace (null: the pod's namespace from the service account, else <c>default</c>).</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>This replica's identity in the Lease (null: the host name plus a random suffix, unique per process).</summary>
    public string? Identity { get; set; }

    /// <summary>How long a lease stays valid after its last renewal; non-leaders wait this long before taking over (15 s).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leadership (10 s; less than <see cref="LeaseDuration"/>).</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The interval between attempts to acquire or renew (2 s).</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Release the lease when the host stops, so another replica takes over at once (true).</summary>
    public bool ReleaseOnShutdown { get; set; } = true;

    internal void Validate()
    {
        if (!Enabled)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(LeaseName))
        {
            throw new InvalidOperationException("LeaderElection.LeaseName is required when leader election is enabled.");
        }
        if (RenewDeadline >= LeaseDuration)
        {
            throw new InvalidOperationException($"LeaderElection.RenewDeadline ({RenewDeadline}) must be less than LeaseDuration ({LeaseDuration}), or two replicas could both believe they lead.");
        }
        if (RetryPeriod <= TimeSpan.Zero || RetryPeriod >= RenewDeadline)
        {
            throw new InvalidOperationException($"LeaderElection.RetryPeriod ({RetryPeriod}) must be positive and less than RenewDeadline ({RenewDeadline}).");
        }
    }
}
