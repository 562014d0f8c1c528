namespace KubeInformers.Emulator.Internal;

/// <summary>
/// Describes one served resource (group, version, plural): its kind, scope and subresources.
/// Immutable; shared by the catalogue, the HTTP layer and the store.
/// </summary>
internal sealed record ResourceType
{
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Plural { get; init; }
    public required string Kind { get; init; }
    public required string Singular { get; init; }
    public required bool Namespaced { get; init; }
    public required bool HasStatusSubresource { get; init; }
    /// <summary>Whether metadata.generation is tracked (types with a spec, and all custom resources).</summary>
    public required bool TracksGeneration { get; init; }
    public required bool IsCustom { get; init; }
    public string[] ShortNames { get; init; } = [];

    /// <summary>Per-type field selector labels (beyond metadata.name/metadata.namespace) mapped to JSON paths.</summary>
    public IReadOnlyDictionary<string, string[]> SelectableFields { get; init; } = new Dictionary<string, string[]>();

    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;
    public string ListKind => Kind + "List";
    public string GroupResource => Group.Length == 0 ? Plural : Plural + "." + Group;
    public ResourceId Id => new(Group, Version, Plural);
}

/// <summary>Identifies a served resource.</summary>
internal readonly record struct ResourceId(string Group, string Version, string Plural);
