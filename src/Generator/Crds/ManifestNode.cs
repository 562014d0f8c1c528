using System.Collections.Generic;
using System.Linq;
using System.Text;
using KubeInformers.Generator.Model;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// A manifest as a tree (maps with keys in ordinal order, lists, JSON-literal scalars), written as YAML for the manifest
/// file and as compact JSON for <c>KubernetesJson</c>. Built per emit; not part of any incremental model.
/// </summary>
internal abstract class ManifestNode
{
    public static ManifestNode Str(string value) => new Scalar(JsonLiteral.Quote(value));

    public static ManifestNode Raw(string jsonLiteral) => new Scalar(jsonLiteral);

    public static ManifestNode Bool(bool value) => new Scalar(value ? "true" : "false");

    public static ManifestNode List(IEnumerable<ManifestNode> items) => new Sequence(items.ToList());

    public static ManifestNode Strings(IEnumerable<string> items) => new Sequence(items.Select(Str).ToList());

    /// <summary>Writes compact JSON.</summary>
    public abstract void WriteJson(StringBuilder b);

    /// <summary>The schema node as a manifest map.</summary>
    public static Map Schema(CrdSchema s)
    {
        var m = new Map();
        if (s.AdditionalProperties is not null) m.Set("additionalProperties", Schema(s.AdditionalProperties));
        if (s.AnyOfTypes.Count > 0) m.Set("anyOf", List(s.AnyOfTypes.Select(t => (ManifestNode)new Map().Set("type", Str(t)))));
        if (s.Default is not null) m.Set("default", Raw(s.Default));
        if (s.Description is not null) m.Set("description", Str(s.Description));
        if (s.Enum.Count > 0) m.Set("enum", List(s.Enum.Select(Raw)));
        if (s.ExclusiveMaximum) m.Set("exclusiveMaximum", Bool(true));
        if (s.ExclusiveMinimum) m.Set("exclusiveMinimum", Bool(true));
        if (s.Format is not null) m.Set("format", Str(s.Format));
        if (s.Items is not null) m.Set("items", Schema(s.Items));
        if (s.MaxItems is { } maxItems) m.Set("maxItems", Raw(maxItems.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (s.MaxLength is { } maxLength) m.Set("maxLength", Raw(maxLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (s.Maximum is not null) m.Set("maximum", Raw(s.Maximum));
        if (s.MinItems is { } minItems) m.Set("minItems", Raw(minItems.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (s.MinLength is { } minLength) m.Set("minLength", Raw(minLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (s.Minimum is not null) m.Set("minimum", Raw(s.Minimum));
        if (s.Pattern is not null) m.Set("pattern", Str(s.Pattern));
        if (s.Properties.Count > 0)
        {
            var properties = new Map();
            foreach (var p in s.Properties)
            {
                properties.Set(p.Name, Schema(p.Schema));
            }

            m.Set("properties", properties);
        }

        if (s.Required.Count > 0) m.Set("required", Strings(s.Required));
        if (s.Type is not null) m.Set("type", Str(s.Type));
        if (s.IntOrString) m.Set("x-kubernetes-int-or-string", Bool(true));
        if (s.PreserveUnknownFields) m.Set("x-kubernetes-preserve-unknown-fields", Bool(true));
        if (s.Validations.Count > 0)
        {
            m.Set("x-kubernetes-validations", List(s.Validations.Select(v =>
            {
                var rule = new Map().Set("rule", Str(v.Rule));
                if (v.Message is not null) rule.Set("message", Str(v.Message));
                if (v.MessageExpression is not null) rule.Set("messageExpression", Str(v.MessageExpression));
                if (v.Reason is not null) rule.Set("reason", Str(v.Reason));
                if (v.FieldPath is not null) rule.Set("fieldPath", Str(v.FieldPath));
                return (ManifestNode)rule;
            })));
        }

        return m;
    }

    /// <summary>A JSON literal: a quoted string, a number, true or false.</summary>
    internal sealed class Scalar : ManifestNode
    {
        public Scalar(string literal) => Literal = literal;

        public string Literal { get; }

        public override void WriteJson(StringBuilder b) => b.Append(Literal);
    }

    /// <summary>An ordered list.</summary>
    internal sealed class Sequence : ManifestNode
    {
        public Sequence(List<ManifestNode> items) => Items = items;

        public List<ManifestNode> Items { get; }

        public override void WriteJson(StringBuilder b)
        {
            b.Append('[');
            for (var i = 0; i < Items.Count; i++)
            {
                if (i > 0) b.Append(',');
                Items[i].WriteJson(b);
            }

            b.Append(']');
        }
    }

    /// <summary>A map whose keys are written in ordinal order.</summary>
    internal sealed class Map : ManifestNode
    {
        public SortedDictionary<string, ManifestNode> Entries { get; } = new(System.StringComparer.Ordinal);

        public Map Set(string key, ManifestNode value)
        {
            Entries[key] = value;
            return this;
        }

        public override void WriteJson(StringBuilder b)
        {
            b.Append('{');
            var first = true;
            foreach (var entry in Entries)
            {
                if (!first) b.Append(',');
                first = false;
                b.Append(JsonLiteral.Quote(entry.Key)).Append(':');
                entry.Value.WriteJson(b);
            }

            b.Append('}');
        }
    }
}
