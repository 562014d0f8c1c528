using System.Text.Json.Nodes;
using k8s.Models;

namespace KubeInformers.Emulator.Internal.OpenApi;

/// <summary>
/// The <c>fieldValidation</c> directive of writes: with <c>Strict</c> a body holding a field its type's schema does
/// not declare is a 400 (<c>strict decoding error: unknown field "spec.replicass"</c>, as the real server answers);
/// with <c>Warn</c> each unknown field becomes a <c>Warning</c> response header; <c>Ignore</c> (or no directive) checks
/// nothing. Only unknown fields are checked here (types, ranges and required fields are the schema validator's).
/// Stateless and thread-safe.
/// </summary>
internal static class FieldValidation
{
    public static List<string> UnknownFields(ResourceType rt, JsonObject body)
    {
        var schema = rt.ModelType is { } model ? BuiltInSchemas.SchemaFor(model) : OpenApiDocuments.CustomResourceSchema(rt, string.Empty);
        var result = new List<string>();
        Walk(schema, body, string.Empty, result);
        return result;
    }

    private static V1JSONSchemaProps? AsSchema(object? value) => value switch
    {
        V1JSONSchemaProps s => s,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object } e => k8s.KubernetesJson.Deserialize<V1JSONSchemaProps>(e.GetRawText()),
        _ => null,
    };

    private static void Walk(V1JSONSchemaProps schema, JsonNode? node, string path, List<string> unknown)
    {
        if (schema.XKubernetesPreserveUnknownFields == true && (schema.Properties is null || schema.Properties.Count == 0))
        {
            return;
        }

        switch (node)
        {
            case JsonObject o when schema.Properties is { Count: > 0 } props:
                foreach (var (key, value) in o)
                {
                    var childPath = path.Length == 0 ? key : path + "." + key;
                    if (props.TryGetValue(key, out var child))
                    {
                        Walk(child, value, childPath, unknown);
                    }
                    else if (schema.XKubernetesPreserveUnknownFields != true && schema.AdditionalProperties is null)
                    {
                        unknown.Add(childPath);
                    }
                }

                break;
            case JsonObject o when AsSchema(schema.AdditionalProperties) is { } values:
                foreach (var (key, value) in o)
                {
                    Walk(values, value, path + "." + key, unknown);
                }

                break;
            case JsonArray a when AsSchema(schema.Items) is { } items:
                for (var i = 0; i < a.Count; i++)
                {
                    Walk(items, a[i], path + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]", unknown);
                }

                break;
        }
    }
}
