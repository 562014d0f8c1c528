using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// Writes a <see cref="ManifestNode"/> as block-style YAML: two-space indentation, list items at their key's
/// indentation (as kubectl writes them), strings plain when that is unambiguous and JSON-style double-quoted otherwise,
/// <c>\n</c> line endings. Stateless.
/// </summary>
internal static class YamlWriter
{
    private static readonly Regex Plain = new("^[A-Za-z][A-Za-z0-9 _./()-]*[A-Za-z0-9_./()]$|^[A-Za-z]$", RegexOptions.CultureInvariant);
    private static readonly string[] Reserved = { "true", "false", "yes", "no", "on", "off", "null", "y", "n" };

    /// <summary>Appends <paramref name="root"/> (a map) to <paramref name="b"/>.</summary>
    public static void Write(StringBuilder b, ManifestNode.Map root) => WriteMap(b, root, 0, null);

    private static void WriteMap(StringBuilder b, ManifestNode.Map map, int indent, string? firstPrefix)
    {
        var first = true;
        foreach (var entry in map.Entries)
        {
            var prefix = first && firstPrefix is not null ? firstPrefix : new string(' ', indent);
            first = false;
            var key = Scalar(JsonLiteral.Quote(entry.Key));
            switch (entry.Value)
            {
                case ManifestNode.Scalar scalar:
                    b.Append(prefix).Append(key).Append(": ").Append(Scalar(scalar.Literal)).Append('\n');
                    break;
                case ManifestNode.Map { Entries.Count: 0 }:
                    b.Append(prefix).Append(key).Append(": {}\n");
                    break;
                case ManifestNode.Map child:
                    b.Append(prefix).Append(key).Append(":\n");
                    WriteMap(b, child, indent + 2, null);
                    break;
                case ManifestNode.Sequence { Items.Count: 0 }:
                    b.Append(prefix).Append(key).Append(": []\n");
                    break;
                case ManifestNode.Sequence list:
                    b.Append(prefix).Append(key).Append(":\n");
                    WriteList(b, list, indent);
                    break;
            }
        }
    }

    private static void WriteList(StringBuilder b, ManifestNode.Sequence list, int indent)
    {
        var pad = new string(' ', indent);
        foreach (var item in list.Items)
        {
            switch (item)
            {
                case ManifestNode.Scalar scalar:
                    b.Append(pad).Append("- ").Append(Scalar(scalar.Literal)).Append('\n');
                    break;
                case ManifestNode.Map { Entries.Count: 0 }:
                    b.Append(pad).Append("- {}\n");
                    break;
                case ManifestNode.Map map:
                    WriteMap(b, map, indent + 2, pad + "- ");
                    break;
                case ManifestNode.Sequence { Items.Count: 0 }:
                    b.Append(pad).Append("- []\n");
                    break;
                case ManifestNode.Sequence nested:
                    b.Append(pad).Append("-\n");
                    WriteList(b, nested, indent + 2);
                    break;
            }
        }
    }

    /// <summary>A JSON literal as a YAML scalar: numbers and booleans as is, strings plain when safe, else double-quoted.</summary>
    private static string Scalar(string literal)
    {
        if (!literal.StartsWith("\"", System.StringComparison.Ordinal))
        {
            return literal;
        }

        var text = literal.Substring(1, literal.Length - 2);
        var plain = !text.Contains('\\') && Plain.IsMatch(text) && !Reserved.Contains(text.ToLowerInvariant());
        return plain ? text : literal;
    }
}
