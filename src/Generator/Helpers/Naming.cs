using System;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace KubeInformers.Generator.Helpers;

/// <summary>The naming rules of generated members. Pure functions, invariant culture.</summary>
public static class Naming
{
    /// <summary>
    /// The factory accessor of a group: <c>Core</c> for the core group, otherwise the PascalCase of the first DNS label
    /// (<c>apps</c> → <c>Apps</c>, <c>networking.k8s.io</c> → <c>Networking</c>, <c>stable.example.com</c> → <c>Stable</c>).
    /// </summary>
    public static string GroupAccessor(string group)
    {
        if (group.Length == 0)
        {
            return "Core";
        }

        var dot = group.IndexOf('.');
        return ToIdentifier(dot < 0 ? group : group.Substring(0, dot), "Group");
    }

    /// <summary>The accessor of a version: <c>v1</c> → <c>V1</c>, <c>v1beta1</c> → <c>V1beta1</c> (client-go's spelling).</summary>
    public static string VersionAccessor(string version) => ToIdentifier(version, "Version");

    /// <summary>
    /// The accessor of a resource: its plural, with the casing of its kind where the plural starts with it
    /// (<c>crontabs</c>/<c>CronTab</c> → <c>CronTabs</c>, <c>networkpolicies</c>/<c>NetworkPolicy</c> → <c>NetworkPolicies</c>).
    /// </summary>
    public static string ResourceAccessor(string plural, string kind)
    {
        var common = 0;
        while (common < plural.Length && common < kind.Length
            && char.ToLowerInvariant(plural[common]) == char.ToLowerInvariant(kind[common]))
        {
            common++;
        }

        var cased = kind.Substring(0, common) + plural.Substring(common);
        return ToIdentifier(cased, "Resources");
    }

    /// <summary>The member name of an index: <c>byNode</c> → <c>ByNode</c>, <c>node</c> → <c>ByNode</c>, <c>by-owner</c> → <c>ByOwner</c>.</summary>
    public static string IndexMember(string indexName)
    {
        var pascal = ToIdentifier(indexName, string.Empty);
        if (pascal.Length > 2 && pascal.StartsWith("By", StringComparison.Ordinal) && char.IsUpper(pascal[2]))
        {
            return pascal;
        }

        return "By" + pascal;
    }

    /// <summary>
    /// The English plural of a type name, for a projection's factory accessor: <c>PodSummary</c> → <c>PodSummaries</c>,
    /// <c>PodStatus</c> → <c>PodStatuses</c>, <c>PodMetadata</c> → <c>PodMetadatas</c>
    /// </summary>
    public static string Plural(string name)
    {
        if (name.EndsWith("y", StringComparison.Ordinal) && name.Length > 1 && "aeiouAEIOU".IndexOf(name[name.Length - 2]) < 0)
        {
            return name.Substring(0, name.Length - 1) + "ies";
        }

        if (name.EndsWith("s", StringComparison.Ordinal) || name.EndsWith("x", StringComparison.Ordinal) || name.EndsWith("z", StringComparison.Ordinal)
            || name.EndsWith("ch", StringComparison.Ordinal) || name.EndsWith("sh", StringComparison.Ordinal))
        {
            return name + "es";
        }

        return name + "s";
    }

    /// <summary>The types generated for a resource of kind <paramref name="kind"/>.</summary>
    public static string[] GeneratedTypeNames(string kind, bool namespaced)
        => namespaced
            ? new[] { kind + "Informer", kind + "Lister", kind + "NamespaceLister", kind + "Indexes" }
            : new[] { kind + "Informer", kind + "Lister", kind + "Indexes" };

    /// <summary>Whether index member <paramref name="member"/> would clash with a generated type of <paramref name="kind"/> (a member cannot be named like its enclosing type).</summary>
    public static bool ClashesWithGeneratedType(string member, string kind)
        => Array.IndexOf(GeneratedTypeNames(kind, namespaced: true), member) >= 0;

    /// <summary>camelCase of a property name, as System.Text.Json's camelCase policy writes it.</summary>
    public static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>Whether <paramref name="name"/> is a valid C# identifier (not a keyword).</summary>
    public static bool IsIdentifier(string name)
        => SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None
            && SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.None;

    /// <summary>
    /// <paramref name="name"/> as generated code writes a member declared with it: <c>@</c>-prefixed when it is a keyword
    /// (a property declared as <c>@class</c>) or <c>await</c>/<c>yield</c>, otherwise unchanged.
    /// </summary>
    public static string EscapeKeyword(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || name is "await" or "yield" ? "@" + name : name;

    /// <summary>Whether <paramref name="name"/> is a valid dotted namespace name (or empty).</summary>
    public static bool IsNamespace(string name)
    {
        if (name.Length == 0)
        {
            return true;
        }

        foreach (var part in name.Split('.'))
        {
            if (!SyntaxFacts.IsValidIdentifier(part) || SyntaxFacts.GetKeywordKind(part) != SyntaxKind.None)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A namespace made from an assembly name (invalid characters become <c>_</c>).</summary>
    public static string NamespaceFromAssemblyName(string? assemblyName)
    {
        if (string.IsNullOrEmpty(assemblyName))
        {
            return string.Empty;
        }

        var parts = assemblyName!.Split('.');
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            var id = new StringBuilder();
            foreach (var c in part)
            {
                id.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
            }

            if (id.Length == 0 || char.IsDigit(id[0]))
            {
                id.Insert(0, '_');
            }

            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            builder.Append(id);
        }

        return builder.ToString();
    }

    // PascalCase: letters/digits kept, every other character starts a new word.
    private static string ToIdentifier(string text, string prefixWhenDigit)
    {
        var builder = new StringBuilder(text.Length);
        var upperNext = true;
        foreach (var c in text)
        {
            if (!char.IsLetterOrDigit(c))
            {
                upperNext = true;
                continue;
            }

            builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
            upperNext = false;
        }

        if (builder.Length == 0 || char.IsDigit(builder[0]))
        {
            builder.Insert(0, prefixWhenDigit.Length == 0 ? "Index" : prefixWhenDigit);
        }

        return builder.ToString();
    }
}
