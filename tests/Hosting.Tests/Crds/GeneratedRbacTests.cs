namespace KubeInformers.Hosting.Tests.Crds;

/// <summary>
/// The RBAC the generator emitted for this assembly, which uses the real toolkit types: StatusUpdater&lt;Widget&gt;,
/// Finalizer&lt;Widget&gt; and EventRecorder add their write rules beside the informers' list and watch.
/// </summary>
public sealed class GeneratedRbacTests
{
    [Fact]
    public void TheToolkitTypesThisAssemblyUsesGetTheirWriteRules()
    {
        var yaml = InformerRbac.Yaml.Replace("\r\n", "\n", StringComparison.Ordinal);

        Assert.Contains("  - gadgets\n  verbs:\n  - list\n  - watch\n", yaml, StringComparison.Ordinal);
        // StatusUpdater<Widget> (status writes, re-reads) and Finalizer<Widget> need the same verbs: one rule for both.
        Assert.Contains("- apiGroups:\n  - test.kubeinformers.io\n  resources:\n  - widgets\n  - widgets/status\n  verbs:\n  - get\n  - patch\n  - update\n", yaml, StringComparison.Ordinal);
        Assert.Contains("- apiGroups:\n  - events.k8s.io\n  resources:\n  - events\n  verbs:\n  - create\n  - patch\n", yaml, StringComparison.Ordinal);
    }
}
