using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>How a projection member's value is read at its leaf.</summary>
public enum ProjectionRead
{
    /// <summary>A JSON string, read with the options' string converter (so repeated strings can be shared).</summary>
    String,

    /// <summary>A JSON bool.</summary>
    Boolean,

    /// <summary>A JSON number read with <c>Get{Text}</c> (<see cref="ProjectionMember.NumberGetter"/>).</summary>
    Number,

    /// <summary>Anything else (enums, dates, maps, sub-objects), read by <c>JsonSerializer</c> with the caller's options.</summary>
    Serializer,

    /// <summary>A string-to-string map, read by hand (keys and values through the options' string converter).</summary>
    StringMap,
}

/// <summary>One step of a projection path, as JSON sees it: a property name (or map key), or "every element of an array".</summary>
/// <param name="Each">Whether this step iterates an array (then <paramref name="Name"/> is empty).</param>
/// <param name="Name">The JSON property name or map key.</param>
public sealed record ProjectionStep(bool Each, string Name);

/// <summary>A member of a projection, resolved against the source model. Value equality.</summary>
/// <param name="Name">The C# member name (escaped with <c>@</c> when a keyword).</param>
/// <param name="Path">The declared path, for docs.</param>
/// <param name="Steps">The JSON steps from the object's root to the value.</param>
/// <param name="Read">How the leaf is read.</param>
/// <param name="ValueType">The fully qualified type of one value as read (the element type for list members), non-nullable.</param>
/// <param name="ValueIsStruct">Whether <paramref name="ValueType"/> is a value type.</param>
/// <param name="NumberGetter">For numbers, the <c>Utf8JsonReader.Get…</c> suffix (<c>Int32</c>, <c>Double</c>, …).</param>
/// <param name="IsList">Whether the path crosses a list: values are collected into an array.</param>
/// <param name="IsMap">Whether the value is a map (stored as <c>Dictionary&lt;string, V&gt;</c>).</param>
/// <param name="MetadataProperty">When the path is exactly <c>metadata.X</c>, the <c>V1ObjectMeta</c> property that also receives the value.</param>
/// <param name="MemberNullable">Whether the member accepts null (a nullable reference or <c>Nullable&lt;T&gt;</c>).</param>
public sealed record ProjectionMember(
    string Name,
    string Path,
    EquatableArray<ProjectionStep> Steps,
    ProjectionRead Read,
    string ValueType,
    bool ValueIsStruct,
    string? NumberGetter,
    bool IsList,
    bool IsMap,
    string? MetadataProperty,
    bool MemberNullable);

/// <summary>
/// A projection: a user partial type completed by the generator (interface members, JSON converter) whose cache entries
/// hold only <see cref="Members"/> and identity metadata. Value equality; strings and arrays only.
/// </summary>
/// <param name="TypeName">The projection's simple name (also the stem of its generated types).</param>
/// <param name="Declaration">The type's declaration keywords, e.g. <c>partial record</c> or <c>sealed partial class</c>, with accessibility.</param>
/// <param name="SourceType">The fully qualified source model type.</param>
/// <param name="SourceApiVersion">The source's <c>apiVersion</c> (<c>v1</c>, <c>apps/v1</c>).</param>
/// <param name="SourceKind">The source's kind.</param>
/// <param name="Members">The members, in declaration order.</param>
/// <param name="Accessor">The factory accessor.</param>
public sealed record ProjectionSpec(
    string TypeName,
    string Declaration,
    string SourceType,
    string SourceApiVersion,
    string SourceKind,
    EquatableArray<ProjectionMember> Members,
    string Accessor);
