using System.Reflection;
using k8s.Models;

namespace KubeInformers.Hosting.Crds;

/// <summary>
/// What <see cref="CustomResourceDefinitionInstaller"/> installs and how long it waits: the CRDs the KubeInformers
/// generator recorded in <see cref="Assemblies"/> (their <see cref="GeneratedManifestAttribute"/>s of kind
/// <c>CustomResourceDefinition</c>) plus any in <see cref="Definitions"/>. Configure before the host starts.
/// </summary>
public sealed class CustomResourceDefinitionInstallerOptions
{
    /// <summary>Assemblies compiled with the KubeInformers generator whose CRDs are installed.</summary>
    public IList<Assembly> Assemblies { get; } = new List<Assembly>();

    /// <summary>Further CRDs to install, e.g. written by hand (installed after those of <see cref="Assemblies"/>).</summary>
    public IList<V1CustomResourceDefinition> Definitions { get; } = new List<V1CustomResourceDefinition>();

    /// <summary>How long each CRD may take to report condition <c>Established=True</c> (1 minute).</summary>
    public TimeSpan EstablishedTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the CRD is read while waiting for <c>Established</c> (500 ms).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many times a create or update that lost a race (409 Conflict) is retried with a fresh read (3).</summary>
    public int ConflictRetries { get; set; } = 3;

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive timeout or interval, or negative retries.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(EstablishedTimeout, TimeSpan.Zero, nameof(EstablishedTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfNegative(ConflictRetries, nameof(ConflictRetries));
    }
}
