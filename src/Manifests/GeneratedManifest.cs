namespace KubeInformers.Manifests;

/// <summary>One <c>[assembly: GeneratedManifest(fileName, kind, yaml, json)]</c> as read from an assembly's metadata. Immutable.</summary>
/// <param name="FileName">The file name the manifest is written under.</param>
/// <param name="Kind">The manifest's kind (<c>CustomResourceDefinition</c>, <c>ClusterRole</c>).</param>
/// <param name="Yaml">The manifest text.</param>
internal sealed record GeneratedManifest(string FileName, string Kind, string Yaml);
