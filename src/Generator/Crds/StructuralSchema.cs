using System.Collections.Generic;
using System.Linq;
using KubeInformers.Generator.Model;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// The API server's structural-schema rules, checked on a generated schema at compile time: every node has a type
/// (unless it is int-or-string or preserves unknown fields), arrays have items, an object has properties or
/// additionalProperties but not both, int-or-string nodes have no type, defaults and enum values match the node's type,
/// and the root's metadata has no restrictions. Stateless.
/// </summary>
internal static class StructuralSchema
{
    /// <summary>One broken rule: where (<c>properties[spec].properties[x]</c>, as the server names it) and what.</summary>
    public readonly struct Problem
    {
        public Problem(string path, string message)
        {
            Path = path;
            Message = message;
        }

        public string Path { get; }

        public string Message { get; }
    }

    /// <summary>Every broken rule of <paramref name="root"/>, in schema order.</summary>
    public static List<Problem> Check(CrdSchema root)
    {
        var problems = new List<Problem>();
        Visit(root, "openAPIV3Schema", problems, isRoot: true);
        return problems;
    }

    private static void Visit(CrdSchema node, string path, List<Problem> problems, bool isRoot)
    {
        if (node.IntOrString && node.Type is not null)
        {
            problems.Add(new Problem(path + ".type", "must be empty when x-kubernetes-int-or-string is true"));
        }

        if (node.Type is null && !node.IntOrString && !node.PreserveUnknownFields)
        {
            problems.Add(new Problem(path + ".type", "must not be empty for specified object fields"));
        }

        if (node.Type == "array" && node.Items is null)
        {
            problems.Add(new Problem(path + ".items", "must be specified for arrays"));
        }

        if (node.Properties.Count > 0 && node.AdditionalProperties is not null)
        {
            problems.Add(new Problem(path + ".additionalProperties", "must not be used together with properties"));
        }

        if ((node.Properties.Count > 0 || node.AdditionalProperties is not null) && node.Type != "object")
        {
            problems.Add(new Problem(path + ".type", "must be object when properties or additionalProperties are set"));
        }

        if (node.Default is { } value && !Matches(value, node))
        {
            problems.Add(new Problem(path + ".default", $"{value} does not match the node's type ({node.Type ?? "int-or-string"})"));
        }

        foreach (var item in node.Enum.Where(e => !Matches(e, node)))
        {
            problems.Add(new Problem(path + ".enum", $"{item} does not match the node's type ({node.Type})"));
        }

        if (node.MinLength is { } minLength && node.MaxLength is { } maxLength && minLength > maxLength)
        {
            problems.Add(new Problem(path + ".minLength", "must not exceed maxLength"));
        }

        if (node.MinItems is { } minItems && node.MaxItems is { } maxItems && minItems > maxItems)
        {
            problems.Add(new Problem(path + ".minItems", "must not exceed maxItems"));
        }

        foreach (var property in node.Properties)
        {
            var child = path + ".properties[" + property.Name + "]";
            if (isRoot && property.Name == "metadata" && !IsPlainObject(property.Schema))
            {
                problems.Add(new Problem(child, "must not specify anything other than type object (metadata is validated by the server)"));
                continue;
            }

            Visit(property.Schema, child, problems, isRoot: false);
        }

        if (node.Items is not null)
        {
            Visit(node.Items, path + ".items", problems, isRoot: false);
        }

        if (node.AdditionalProperties is not null)
        {
            Visit(node.AdditionalProperties, path + ".additionalProperties", problems, isRoot: false);
        }
    }

    private static bool IsPlainObject(CrdSchema schema)
        => schema.Type == "object" && schema.Properties.Count == 0 && schema.AdditionalProperties is null && schema.Default is null
            && schema.Validations.Count == 0 && !schema.PreserveUnknownFields;

    private static bool Matches(string literal, CrdSchema node)
    {
        var isString = literal.StartsWith("\"", System.StringComparison.Ordinal);
        var isBool = literal is "true" or "false";
        var isNumber = !isString && !isBool && literal != "null";
        if (node.IntOrString)
        {
            return isString || (isNumber && !literal.Contains('.'));
        }

        return node.Type switch
        {
            "string" => isString,
            "boolean" => isBool,
            "integer" => isNumber && !literal.Contains('.') && !literal.Contains('E') && !literal.Contains('e'),
            "number" => isNumber,
            null => true,
            _ => false, // object and array defaults are not produced from attributes
        };
    }
}
