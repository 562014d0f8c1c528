using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeInformers.Emulator.Internal;

/// <summary>Parses seed text (JSON object/array/List, or multi-document YAML) into JSON objects, in order.</summary>
internal static class SeedLoader
{
    public static IEnumerable<JsonObject> Parse(string text)
    {
        var trimmed = text.TrimStart();
        IEnumerable<JsonNode?> roots;
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                roots = [JsonNode.Parse(trimmed)];
            }
            catch (JsonException ex)
            {
                throw new FormatException($"The seed is not valid JSON: {ex.Message}", ex);
            }
        }
        else
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException ex)
            {
                throw new FormatException($"The seed is not valid YAML: {ex.Message}", ex);
            }

            roots = stream.Documents.Select(d => Convert(d.RootNode)).ToList();
        }

        foreach (var root in roots)
        {
            foreach (var o in Flatten(root))
            {
                yield return o;
            }
        }
    }

    private static IEnumerable<JsonObject> Flatten(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array.ToList())
                {
                    array.Remove(item);
                    foreach (var o in Flatten(item))
                    {
                        yield return o;
                    }
                }

                break;
            case JsonObject obj when obj["kind"]?.GetValue<string>() is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray items:
                foreach (var o in Flatten(items))
                {
                    yield return o;
                }

                break;
            case JsonObject obj:
                yield return obj;
                break;
        }
    }

    private static JsonNode? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    obj[((YamlScalarNode)k).Value ?? string.Empty] = Convert(v);
                }

                return obj;
            case YamlSequenceNode seq:
                return new JsonArray(seq.Children.Select(Convert).ToArray());
            case YamlScalarNode scalar:
                var value = scalar.Value ?? string.Empty;
                if (scalar.Style is ScalarStyle.Plain)
                {
                    if (value is "" or "~" or "null" or "Null" or "NULL")
                    {
                        return null;
                    }

                    if (value is "true" or "True" or "TRUE")
                    {
                        return JsonValue.Create(true);
                    }

                    if (value is "false" or "False" or "FALSE")
                    {
                        return JsonValue.Create(false);
                    }

                    if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                    {
                        return JsonValue.Create(l);
                    }

                    if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && value.Any(char.IsDigit))
                    {
                        return JsonValue.Create(d);
                    }
                }

                return JsonValue.Create(value);
            default:
                return null;
        }
    }
}
