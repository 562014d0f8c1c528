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

    /// <summary>Discovery categories (<c>all</c> for the workload kinds kubectl's <c>get all</c> shows).</summary>
    public string[] Categories { get; init; } = [];

    /// <summary>The <c>scale</c> subresource, when the type has one.</summary>
    public ScaleSubresource? Scale { get; init; }

    /// <summary>Columns of <c>get</c>'s Table output after Name (Age is added last unless listed).</summary>
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    /// <summary>The KubernetesClient model type of a built-in, or null for custom resources.</summary>
    public Type? ModelType { get; init; }

    /// <summary>The OpenAPI v3 schema of a custom resource version (<c>openAPIV3Schema</c>), or null.</summary>
    public System.Text.Json.Nodes.JsonObject? CustomSchema { get; init; }

    /// <summary>Per-type field selector labels (beyond metadata.name/metadata.namespace) mapped to JSON paths.</summary>
    public IReadOnlyDictionary<string, string[]> SelectableFields { get; init; } = new Dictionary<string, string[]>();

    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;
    public string ListKind => Kind + "List";
    public string GroupResource => Group.Length == 0 ? Plural : Plural + "." + Group;
    public ResourceId Id => new(Group, Version, Plural);
}

/// <summary>Identifies a served resource.</summary>
internal readonly record struct ResourceId(string Group, string Version, string Plural);

/// <summary>Where a type keeps what its <c>scale</c> subresource reads and writes (JSON paths without the leading dot).</summary>
internal sealed record ScaleSubresource(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);

/// <summary>One Table column: its header, type (string, integer, number, boolean, date) and the JSON path of its value.</summary>
internal sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", int Priority = 0);
