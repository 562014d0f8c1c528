namespace KubeInformers.Hosting.Tests;

/// <summary>
/// Tests that read the process-wide <c>KubeInformers</c> meter by resource (tag values other test classes' informers
/// share, such as <c>deployments.apps/v1</c>) run in this collection: alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeterCollection
{
    public const string Name = "KubeInformers meter";
}
