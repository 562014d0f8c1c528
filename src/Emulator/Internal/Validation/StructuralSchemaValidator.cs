using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace KubeInformers.Emulator.Internal.Validation;

/// <summary>
/// Validates JSON objects against a structural OpenAPI v3 schema (<see cref="V1JSONSchemaProps"/>) the way the API
/// server treats custom resources, in its order: unknown fields pruned (unless preserved), nulls of non-nullable fields
/// dropped, defaults applied, then types, required, enum, pattern, bounds, lengths, item counts and the CEL rules of
/// <see cref="CelSubset"/>; failures come back as <see cref="FieldError"/>s with the server's paths and messages.
/// </summary>
/// <remarks>
/// Build one per schema with <see cref="Compile"/> (it resolves nested schemas and regular expressions once); the
/// result is immutable and safe to share across threads. Not checked: <c>format</c> (except that integers are
/// integral), <c>uniqueItems</c>, <c>x-kubernetes-list-type</c>/<c>map-keys</c>, <c>oneOf</c>/<c>allOf</c>/<c>not</c>,
/// embedded resources' own metadata, and CEL beyond the documented subset (such rules pass unchecked).
/// </remarks>
internal sealed class StructuralSchemaValidator
{
    private static readonly JsonSerializerOptions Options = new();

    private StructuralSchemaValidator(V1JSONSchemaProps schema)
    {
        Type = schema.Type;
        IntOrString = schema.XKubernetesIntOrString == true;
        Preserve = schema.XKubernetesPreserveUnknownFields == true;
        Nullable = schema.Nullable == true;
        Properties = schema.Properties?.ToDictionary(p => p.Key, p => new StructuralSchemaValidator(p.Value), StringComparer.Ordinal);
        Required = schema.Required?.ToArray() ?? [];
        Items = Nested(schema.Items) is { } items ? new StructuralSchemaValidator(items) : null;
        switch (schema.AdditionalProperties)
        {
            case JsonElement { ValueKind: JsonValueKind.True }:
            case true:
                AllowsAnyProperty = true;
                break;
            default:
                if (Nested(schema.AdditionalProperties) is { } additional)
                {
                    AdditionalProperties = new StructuralSchemaValidator(additional);
                }

                break;
        }

        Enum = schema.EnumProperty?.Select(ToNode).ToArray();
        Default = schema.DefaultProperty is null ? null : ToNode(schema.DefaultProperty);
        Minimum = schema.Minimum;
        Maximum = schema.Maximum;
        ExclusiveMinimum = schema.ExclusiveMinimum == true;
        ExclusiveMaximum = schema.ExclusiveMaximum == true;
        MinLength = schema.MinLength;
        MaxLength = schema.MaxLength;
        MinItems = schema.MinItems;
        MaxItems = schema.MaxItems;
        PatternText = schema.Pattern;
        Pattern = schema.Pattern is null ? null : new Regex(schema.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        Rules = schema.XKubernetesValidations?.Select(r => (Rule: r, Expression: CelSubset.TryParse(r.Rule))).ToArray() ?? [];
    }

    private string? Type { get; }
    private bool IntOrString { get; }
    private bool Preserve { get; }
    private bool Nullable { get; }
    private Dictionary<string, StructuralSchemaValidator>? Properties { get; }
    private string[] Required { get; }
    private StructuralSchemaValidator? Items { get; }
    private StructuralSchemaValidator? AdditionalProperties { get; }
    private bool AllowsAnyProperty { get; }
    private JsonNode?[]? Enum { get; }
    private JsonNode? Default { get; }
    private double? Minimum { get; }
    private double? Maximum { get; }
    private bool ExclusiveMinimum { get; }
    private bool ExclusiveMaximum { get; }
    private long? MinLength { get; }
    private long? MaxLength { get; }
    private long? MinItems { get; }
    private long? MaxItems { get; }
    private string? PatternText { get; }
    private Regex? Pattern { get; }
    private (V1ValidationRule Rule, CelSubset.Expression? Expression)[] Rules { get; }

    /// <summary>Compiles <paramref name="schema"/> (a structural schema; nested schemas may be typed or raw JSON).</summary>
    public static StructuralSchemaValidator Compile(V1JSONSchemaProps schema) => new(schema);

    /// <summary>
    /// Prunes, defaults and validates <paramref name="value"/> in place. <paramref name="path"/> is the field path of
    /// the value (empty for a whole object). <paramref name="isRoot"/> keeps <c>apiVersion</c>, <c>kind</c> and
    /// <c>metadata</c> whatever the schema says, as the server does for custom resources.
    /// </summary>
    public List<FieldError> Apply(JsonNode value, string path = "", bool isRoot = true)
    {
        PruneAndDefault(value, isRoot);
        var errors = new List<FieldError>();
        Validate(value, path, errors, isRoot);
        return errors;
    }

    /// <summary>Validates without changing <paramref name="value"/>.</summary>
    public List<FieldError> Validate(JsonNode? value, string path = "")
    {
        var errors = new List<FieldError>();
        Validate(value, path, errors, isRoot: false);
        return errors;
    }

    private void PruneAndDefault(JsonNode? node, bool isRoot)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (isRoot && key is "apiVersion" or "kind" or "metadata")
                    {
                        continue;
                    }

                    var schema = SchemaOf(key);
                    if (schema is null)
                    {
                        if (!Preserve && !AllowsAnyProperty)
                        {
                            obj.Remove(key); // unknown field: pruned
                        }

                        continue;
                    }

                    if (child is null && !schema.Nullable)
                    {
                        obj.Remove(key); // null of a non-nullable field: dropped before defaulting
                        continue;
                    }

                    schema.PruneAndDefault(child, isRoot: false);
                }

                if (Properties is not null)
                {
                    foreach (var (key, schema) in Properties)
                    {
                        if (schema.Default is not null && !obj.ContainsKey(key))
                        {
                            var value = schema.Default.DeepClone();
                            obj[key] = value;
                            schema.PruneAndDefault(value, isRoot: false);
                        }
                    }
                }

                break;
            case JsonArray array when Items is not null:
                foreach (var item in array)
                {
                    Items.PruneAndDefault(item, isRoot: false);
                }

                break;
        }
    }

    private StructuralSchemaValidator? SchemaOf(string key) =>
        Properties is not null && Properties.TryGetValue(key, out var property) ? property : AdditionalProperties;

    private void Validate(JsonNode? node, string path, List<FieldError> errors, bool isRoot)
    {
        if (node is null)
        {
            if (!Nullable && (Type is not null || IntOrString))
            {
                errors.Add(FieldError.TypeInvalid(path, "null", $"{Name(path)} in body must be of type {ExpectedType()}: \"null\""));
            }

            return;
        }

        var actual = FieldError.TypeOf(node);
        if (!TypeMatches(actual))
        {
            errors.Add(FieldError.TypeInvalid(path, actual, $"{Name(path)} in body must be of type {ExpectedType()}: \"{actual}\""));
            return;
        }

        if (Enum is not null && !Enum.Any(e => JsonNode.DeepEquals(e, node)))
        {
            errors.Add(FieldError.NotSupported(path, FieldError.Show(node), Enum.Select(FieldError.Show)));
        }

        switch (node)
        {
            case JsonObject obj:
                foreach (var key in Required)
                {
                    if (!obj.ContainsKey(key))
                    {
                        errors.Add(FieldError.Required(Join(path, key)));
                    }
                }

                foreach (var (key, child) in obj)
                {
                    if (isRoot && key is "apiVersion" or "kind" or "metadata")
                    {
                        continue;
                    }

                    if (Properties is not null && Properties.TryGetValue(key, out var property))
                    {
                        property.Validate(child, Join(path, key), errors, isRoot: false);
                    }
                    else if (AdditionalProperties is not null)
                    {
                        AdditionalProperties.Validate(child, path + "[" + key + "]", errors, isRoot: false);
                    }
                }

                break;
            case JsonArray array:
                if (MinItems is { } minItems && array.Count < minItems)
                {
                    errors.Add(FieldError.Invalid(path, array.Count.ToString(CultureInfo.InvariantCulture), $"{Name(path)} in body should have at least {minItems} items"));
                }

                if (MaxItems is { } maxItems && array.Count > maxItems)
                {
                    errors.Add(FieldError.TooMany(path, array.Count, maxItems));
                }

                if (Items is not null)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        Items.Validate(array[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", errors, isRoot: false);
                    }
                }

                break;
            case JsonValue value when actual == "string":
                var text = value.GetValue<string>();
                if (MaxLength is { } maxLength && text.Length > maxLength)
                {
                    errors.Add(FieldError.TooLong(path, maxLength));
                }

                if (MinLength is { } minLength && text.Length < minLength)
                {
                    errors.Add(FieldError.Invalid(path, FieldError.Show(node), $"{Name(path)} in body should be at least {minLength} chars long"));
                }

                if (Pattern is not null && !Pattern.IsMatch(text))
                {
                    errors.Add(FieldError.Invalid(path, FieldError.Show(node), $"{Name(path)} in body should match '{PatternText}'"));
                }

                break;
            case JsonValue value when actual is "integer" or "number":
                var number = double.Parse(value.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
                if (Minimum is { } min && (ExclusiveMinimum ? number <= min : number < min))
                {
                    errors.Add(FieldError.Invalid(path, FieldError.Show(node), $"{Name(path)} in body should be greater than {(ExclusiveMinimum ? string.Empty : "or equal to ")}{Format(min)}"));
                }

                if (Maximum is { } max && (ExclusiveMaximum ? number >= max : number > max))
                {
                    errors.Add(FieldError.Invalid(path, FieldError.Show(node), $"{Name(path)} in body should be less than {(ExclusiveMaximum ? string.Empty : "or equal to ")}{Format(max)}"));
                }

                break;
        }

        foreach (var (rule, expression) in Rules)
        {
            if (expression is null)
            {
                continue; // outside the implemented CEL subset: accepted unchecked
            }

            var target = rule.FieldPath is { Length: > 0 } fieldPath ? path + fieldPath : path;
            var outcome = expression.Evaluate(node);
            if (outcome.Error is not null)
            {
                errors.Add(FieldError.Invalid(target, "\"" + (Type ?? actual) + "\"", $"{outcome.Error} evaluating rule: {rule.Rule}"));
            }
            else if (outcome.Value is not true)
            {
                var detail = rule.Message is { Length: > 0 } m ? m : "failed rule: " + rule.Rule;
                errors.Add(new FieldError(target, rule.Reason ?? "FieldValueInvalid", $"Invalid value: \"{Type ?? actual}\": {detail}"));
            }
        }
    }

    private bool TypeMatches(string actual)
    {
        if (IntOrString)
        {
            return actual is "integer" or "string";
        }

        return Type switch
        {
            null or "" => true,
            "number" => actual is "number" or "integer",
            _ => Type == actual,
        };
    }

    private string ExpectedType() => IntOrString ? "integer,string" : Type ?? "any";

    private static string Name(string path) => path.Length == 0 ? "body" : path;

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static V1JSONSchemaProps? Nested(object? schema) => schema switch
    {
        V1JSONSchemaProps typed => typed,
        JsonElement { ValueKind: JsonValueKind.Object } element => KubernetesJson.Deserialize<V1JSONSchemaProps>(element.GetRawText()),
        JsonNode node => KubernetesJson.Deserialize<V1JSONSchemaProps>(node.ToJsonString()),
        _ => null,
    };

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        JsonNode node => node.DeepClone(),
        _ => JsonSerializer.SerializeToNode(value, Options),
    };
}
