using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;

namespace KubeInformers.Emulator.Internal.OpenApi;

/// <summary>
/// What decoding a built-in object's JSON into its Go type does on a real API server, checked on the emulator's JSON
/// against the type's schema (<see cref="BuiltInSchemas.SchemaFor"/>): a value of the wrong JSON type, an integer that
/// is fractional or outside int32/int64, a number outside float64, invalid base64 in a <c>[]byte</c>, an unparsable
/// time, quantity or int-or-string is a decode error worded as Go's <c>encoding/json</c> words it (<c>json: cannot
/// unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32</c>; the first one wins, as there).
/// Fields the type does not declare are removed from the object, as decoding drops them, and reported (with the
/// strict decoder's paths, <c>spec.template.spec.containers[0].foo</c>) for <c>fieldValidation=Warn|Strict</c>; so are
/// <c>null</c> values of declared fields, which a round trip through the Go type leaves out. Stateless and
/// thread-safe; mutates only the object it is given.
/// </summary>
internal static partial class BuiltInDecoding
{
    /// <summary>The outcome: unknown field paths (already removed) and the first decode error, if any.</summary>
    public sealed class Result
    {
        /// <summary>Paths of the fields the type does not declare, in document order.</summary>
        public List<string> UnknownFields { get; } = [];

        /// <summary>The first decode error in Go's words, or null when the object decodes.</summary>
        public string? Error { get; set; }
    }

    /// <summary>Decodes <paramref name="body"/> as an object of <paramref name="model"/> (prunes it in place).</summary>
    public static Result Decode(Type model, JsonObject body)
    {
        var result = new Result();
        var schema = BuiltInSchemas.SchemaFor(model);
        WalkObject(schema, model, body, string.Empty, string.Empty, result);
        return result;
    }

    private static void Walk(V1JSONSchemaProps schema, JsonNode node, string path, string goField, string goStruct, Result result)
    {
        var clr = BuiltInSchemas.ClrTypeOf(schema);
        if (clr is not null)
        {
            clr = Nullable.GetUnderlyingType(clr) ?? clr;
        }

        if (clr == typeof(IntOrString))
        {
            CheckIntOrString(node, result);
            return;
        }

        if (clr == typeof(ResourceQuantity))
        {
            CheckQuantity(node, result);
            return;
        }

        if (schema.XKubernetesPreserveUnknownFields == true && schema.Properties is null or { Count: 0 })
        {
            return; // free-form (RawExtension, JSON, a recursive reference): anything decodes
        }

        switch (schema.Type)
        {
            case "object" when schema.Properties is { Count: > 0 }:
                if (node is JsonObject obj)
                {
                    WalkObject(schema, clr, obj, path, goField, result);
                }
                else
                {
                    TypeError(result, node, goStruct, goField, clr);
                }

                return;
            case "object" when schema.AdditionalProperties is V1JSONSchemaProps values:
                if (node is JsonObject map)
                {
                    foreach (var (key, value) in map)
                    {
                        if (value is not null)
                        {
                            Walk(values, value, path + "." + key, goField, goStruct, result);
                        }
                    }
                }
                else
                {
                    TypeError(result, node, goStruct, goField, clr);
                }

                return;
            case "array" when schema.Items is V1JSONSchemaProps items:
                if (node is JsonArray array)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is { } item)
                        {
                            Walk(items, item, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", goField, goStruct, result);
                        }
                    }
                }
                else
                {
                    TypeError(result, node, goStruct, goField, clr);
                }

                return;
            case "string":
                if (Kind(node) != JsonValueKind.String)
                {
                    TypeError(result, node, goStruct, goField, clr);
                    return;
                }

                var text = node.GetValue<string>();
                if (schema.Format == "byte" && !IsBase64(text, out var at))
                {
                    result.Error ??= $"illegal base64 data at input byte {at.ToString(CultureInfo.InvariantCulture)}";
                }
                else if (schema.Format == "date-time" && !IsRfc3339(text))
                {
                    result.Error ??= $"parsing time \"{text}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{text}\" as \"2006\"";
                }

                return;
            case "integer":
                if (Kind(node) != JsonValueKind.Number)
                {
                    TypeError(result, node, goStruct, goField, clr);
                }
                else if (!FitsInteger(node.ToJsonString(), schema.Format == "int32"))
                {
                    TypeError(result, node, goStruct, goField, clr, "number " + node.ToJsonString());
                }

                return;
            case "number":
                if (Kind(node) != JsonValueKind.Number)
                {
                    TypeError(result, node, goStruct, goField, clr);
                }
                else if (!double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsInfinity(d))
                {
                    TypeError(result, node, goStruct, goField, clr, "number " + node.ToJsonString());
                }

                return;
            case "boolean":
                if (Kind(node) is not (JsonValueKind.True or JsonValueKind.False))
                {
                    TypeError(result, node, goStruct, goField, clr);
                }

                return;
        }
    }

    private static void WalkObject(V1JSONSchemaProps schema, Type? clr, JsonObject obj, string path, string goField, Result result)
    {
        var props = schema.Properties!;
        var goStruct = clr is null ? string.Empty : GoName(clr.Name);
        List<string>? drop = null;
        foreach (var (key, value) in obj)
        {
            var childPath = path.Length == 0 ? key : path + "." + key;
            if (!props.TryGetValue(key, out var child))
            {
                result.UnknownFields.Add(childPath);
                (drop ??= []).Add(key);
            }
            else if (value is null)
            {
                (drop ??= []).Add(key);
            }
            else
            {
                Walk(child, value, childPath, goField.Length == 0 ? key : goField + "." + key, goStruct, result);
            }
        }

        if (drop is not null)
        {
            foreach (var key in drop)
            {
                obj.Remove(key);
            }
        }
    }

    private static JsonValueKind Kind(JsonNode node) => node.GetValueKind();

    private static void TypeError(Result result, JsonNode node, string goStruct, string goField, Type? clr, string? value = null)
    {
        if (result.Error is not null)
        {
            return;
        }

        value ??= Kind(node) switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            _ => "bool",
        };
        var type = clr is null ? "interface {}" : GoType(clr);
        result.Error = goField.Length == 0
            ? $"json: cannot unmarshal {value} into Go value of type {type}"
            : $"json: cannot unmarshal {value} into Go struct field {goStruct}.{goField} of type {type}";
    }

    private static void CheckIntOrString(JsonNode node, Result result)
    {
        switch (Kind(node))
        {
            case JsonValueKind.String:
                return;
            case JsonValueKind.Number when FitsInteger(node.ToJsonString(), int32: true):
                return;
            case JsonValueKind.Number:
                result.Error ??= $"json: cannot unmarshal number {node.ToJsonString()} into Go value of type int32";
                return;
            default:
                result.Error ??= $"json: cannot unmarshal {(Kind(node) switch { JsonValueKind.Object => "object", JsonValueKind.Array => "array", _ => "bool" })} into Go value of type int32";
                return;
        }
    }

    private static void CheckQuantity(JsonNode node, Result result)
    {
        var text = Kind(node) switch
        {
            JsonValueKind.String => node.GetValue<string>(),
            JsonValueKind.Number => node.ToJsonString(),
            _ => null,
        };
        if (text is null || !QuantityPattern().IsMatch(text))
        {
            result.Error ??= "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
        }
    }

    private static bool FitsInteger(string text, bool int32) =>
        int32
            ? int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    private static bool IsBase64(string text, out int at)
    {
        for (at = 0; at < text.Length; at++)
        {
            var c = text[at];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
            {
                return false;
            }
        }

        at = text.Length;
        return Convert.TryFromBase64String(text, new byte[(text.Length * 3 / 4) + 3], out _) || text.Length == 0;
    }

    private static bool IsRfc3339(string text) =>
        Rfc3339().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _);

    /// <summary>The Go type a CLR model type stands for, as Go prints it: <c>int32</c>, <c>[]v1.Container</c>, <c>map[string]string</c>.</summary>
    private static string GoType(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(string))
        {
            return "string";
        }

        if (t == typeof(int) || t == typeof(short))
        {
            return "int32";
        }

        if (t == typeof(long))
        {
            return "int64";
        }

        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal))
        {
            return "float64";
        }

        if (t == typeof(bool))
        {
            return "bool";
        }

        if (t == typeof(DateTime) || t == typeof(DateTimeOffset))
        {
            return "v1.Time";
        }

        if (t == typeof(byte[]))
        {
            return "[]uint8";
        }

        if (t.IsGenericType)
        {
            var dictionary = t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
            if (dictionary is not null)
            {
                return "map[string]" + GoType(dictionary.GetGenericArguments()[1]);
            }

            var list = t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
            if (list is not null && typeof(IEnumerable).IsAssignableFrom(t))
            {
                return "[]" + GoType(list.GetGenericArguments()[0]);
            }
        }

        var m = ModelName().Match(t.Name);
        return m.Success ? "v" + m.Groups[1].Value + "." + m.Groups[2].Value : t.Name;
    }

    /// <summary>A model's Go struct name without its package: <c>V1DeploymentSpec</c> → <c>DeploymentSpec</c>.</summary>
    private static string GoName(string clrName)
    {
        var m = ModelName().Match(clrName);
        return m.Success ? m.Groups[2].Value : clrName;
    }

    [GeneratedRegex("^V(\\d+(?:alpha\\d+|beta\\d+)?)([A-Z].*)$")]
    private static partial Regex ModelName();

    [GeneratedRegex("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")]
    private static partial Regex QuantityPattern();

    [GeneratedRegex("^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$")]
    private static partial Regex Rfc3339();
}
