using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>
/// One node of a CRD's OpenAPI v3 schema, built from the C# type graph at compile time. Only strings, numbers, bools
/// and equatable arrays (never symbols), so the incremental driver compares it by value. Numbers and defaults are kept
/// as JSON literals, exactly as they are written to the manifest.
/// </summary>
public sealed record CrdSchema
{
    /// <summary><c>type</c>: object, array, string, integer, number, boolean; null for int-or-string and preserved nodes.</summary>
    public string? Type { get; init; }

    /// <summary><c>format</c>, e.g. int32, int64, date-time.</summary>
    public string? Format { get; init; }

    /// <summary><c>description</c>, from the XML doc summary.</summary>
    public string? Description { get; init; }

    /// <summary><c>properties</c>, sorted by JSON name.</summary>
    public EquatableArray<CrdProperty> Properties { get; init; }

    /// <summary><c>required</c>, sorted.</summary>
    public EquatableArray<string> Required { get; init; }

    /// <summary><c>items</c> of an array.</summary>
    public CrdSchema? Items { get; init; }

    /// <summary><c>additionalProperties</c> of a map.</summary>
    public CrdSchema? AdditionalProperties { get; init; }

    /// <summary><c>enum</c>, as JSON literals.</summary>
    public EquatableArray<string> Enum { get; init; }

    /// <summary><c>minimum</c> as a JSON number literal.</summary>
    public string? Minimum { get; init; }

    /// <summary><c>exclusiveMinimum</c>.</summary>
    public bool ExclusiveMinimum { get; init; }

    /// <summary><c>maximum</c> as a JSON number literal.</summary>
    public string? Maximum { get; init; }

    /// <summary><c>exclusiveMaximum</c>.</summary>
    public bool ExclusiveMaximum { get; init; }

    /// <summary><c>minLength</c>.</summary>
    public long? MinLength { get; init; }

    /// <summary><c>maxLength</c>.</summary>
    public long? MaxLength { get; init; }

    /// <summary><c>minItems</c>.</summary>
    public long? MinItems { get; init; }

    /// <summary><c>maxItems</c>.</summary>
    public long? MaxItems { get; init; }

    /// <summary><c>pattern</c> (an ECMA-262 regular expression).</summary>
    public string? Pattern { get; init; }

    /// <summary><c>default</c> as a JSON literal.</summary>
    public string? Default { get; init; }

    /// <summary><c>anyOf</c> branches that only name a type (the int-or-string form).</summary>
    public EquatableArray<string> AnyOfTypes { get; init; }

    /// <summary><c>x-kubernetes-int-or-string</c>.</summary>
    public bool IntOrString { get; init; }

    /// <summary><c>x-kubernetes-preserve-unknown-fields</c>.</summary>
    public bool PreserveUnknownFields { get; init; }

    /// <summary><c>x-kubernetes-validations</c>, in declaration order.</summary>
    public EquatableArray<CrdValidationRule> Validations { get; init; }
}

/// <summary>A named property of an object schema.</summary>
/// <param name="Name">The JSON name.</param>
/// <param name="Schema">Its schema.</param>
public sealed record CrdProperty(string Name, CrdSchema Schema);

/// <summary>One <c>x-kubernetes-validations</c> entry.</summary>
/// <param name="Rule">The CEL rule.</param>
/// <param name="Message">The message, or null.</param>
/// <param name="MessageExpression">The message expression, or null.</param>
/// <param name="Reason">The reason, or null.</param>
/// <param name="FieldPath">The field path, or null.</param>
public sealed record CrdValidationRule(string Rule, string? Message, string? MessageExpression, string? Reason, string? FieldPath);
