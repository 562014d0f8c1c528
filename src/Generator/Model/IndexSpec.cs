using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>How a path step reads the next value.</summary>
public enum PathStepKind
{
    /// <summary>Reads a property (<c>Text</c> is the C# property name).</summary>
    Property,

    /// <summary>Looks a key up in a string-keyed map (<c>Text</c> is the key).</summary>
    MapKey,

    /// <summary>Iterates a list; every element continues the path (the index is multi-valued).</summary>
    Each,
}

/// <summary>How the leaf value becomes an index value.</summary>
public enum LeafKind
{
    /// <summary>A string, used as is.</summary>
    String,

    /// <summary>An enum, as its name.</summary>
    Enum,

    /// <summary>A number, formatted with the invariant culture.</summary>
    Number,

    /// <summary>A bool, as <c>true</c>/<c>false</c>.</summary>
    Boolean,
}

/// <summary>One step of a resolved JSON path. Equatable by value.</summary>
/// <param name="Kind">What the step does.</param>
/// <param name="Text">The property name or map key.</param>
/// <param name="NullCheck">Whether the value read may be null (reference type or <c>Nullable&lt;T&gt;</c>) and must be checked.</param>
public sealed record PathStep(PathStepKind Kind, string Text, bool NullCheck);

/// <summary>
/// A typed index of one resource: either a JSON path resolved at compile time (<see cref="Steps"/>, <see cref="Leaf"/>)
/// or a user method (<see cref="MethodContainingType"/>, <see cref="MethodName"/>). Immutable; value equality.
/// </summary>
/// <param name="Name">The index name (the string registered in the cache).</param>
/// <param name="MemberName">The C# name of the constant and of the <c>By…</c> lookups, e.g. <c>ByNode</c>.</param>
/// <param name="JsonPath">The declared path, or null for a method index.</param>
/// <param name="Steps">The resolved steps of a path index.</param>
/// <param name="Leaf">How the leaf is formatted (path index).</param>
/// <param name="MultiValued">Whether the path crosses a list.</param>
/// <param name="MethodContainingType">The fully qualified (<c>global::</c>) type declaring the index method, or null.</param>
/// <param name="MethodName">The index method's name, or null.</param>
public sealed record IndexSpec(
    string Name,
    string MemberName,
    string? JsonPath,
    EquatableArray<PathStep> Steps,
    LeafKind Leaf,
    bool MultiValued,
    string? MethodContainingType,
    string? MethodName)
{
    /// <summary>Whether this index is computed by a user method.</summary>
    public bool IsMethod => MethodName is not null;
}

/// <summary>An index declared apart from its resource (assembly attribute or method), to be attached by model type.</summary>
/// <param name="ModelType">The fully qualified model type the index belongs to.</param>
/// <param name="Index">The index.</param>
public sealed record TargetedIndex(string ModelType, IndexSpec Index);
