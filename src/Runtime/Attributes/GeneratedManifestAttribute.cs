namespace KubeInformers;

/// <summary>
/// Emitted by the KubeInformers generator on the assembly, once per Kubernetes manifest it generates (one per
/// CustomResourceDefinition, one for the RBAC rules). The KubeInformers MSBuild target reads these from the built
/// assembly and writes each to the build output; <c>ApplyCustomResourceDefinitionsAsync</c> reads them at run time.
/// Not meant to be written by hand.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class GeneratedManifestAttribute : Attribute
{
    /// <summary>Records one manifest.</summary>
    /// <param name="fileName">The file name the manifest is written under, e.g. <c>crontabs.stable.example.com.yaml</c>.</param>
    /// <param name="kind">The manifest's kind, e.g. <c>CustomResourceDefinition</c> or <c>ClusterRole</c>.</param>
    /// <param name="yaml">The manifest (YAML, one or more documents).</param>
    /// <param name="json">The first document as JSON (what <c>KubernetesJson</c> reads), or null.</param>
    public GeneratedManifestAttribute(string fileName, string kind, string yaml, string? json)
    {
        FileName = fileName;
        Kind = kind;
        Yaml = yaml;
        Json = json;
    }

    /// <summary>The file name of the manifest.</summary>
    public string FileName { get; }

    /// <summary>The manifest's kind.</summary>
    public string Kind { get; }

    /// <summary>The YAML text.</summary>
    public string Yaml { get; }

    /// <summary>The JSON text of the first document, or null.</summary>
    public string? Json { get; }
}
