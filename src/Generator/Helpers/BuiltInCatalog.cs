using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator.Helpers;

/// <summary>
/// The listable built-in resources of one KubernetesClient assembly, inferred from its operation interfaces: a
/// non-generic <c>List*WithHttpMessagesAsync</c> method on an <c>I*Operations</c> interface whose response is a list of
/// model <c>T</c> makes <c>T</c> listable; a <c>ListNamespaced*</c> method makes it namespaced, and a list with no
/// namespaced variant is cluster-scoped. Built once per assembly symbol (metadata symbols are shared between
/// compilations, so edits do not rebuild it) and immutable afterwards; thread-safe.
/// </summary>
internal sealed class BuiltInCatalog
{
    private static readonly ConditionalWeakTable<IAssemblySymbol, BuiltInCatalog> Cache = new();

    private BuiltInCatalog(Dictionary<INamedTypeSymbol, Entry> entries)
    {
        Entries = entries;
        var resources = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var pair in entries)
        {
            var (group, plural) = GroupAndPlural(pair.Key);
            resources.Add(group + "/" + (plural.Length == 0 ? pair.Value.ListPlural : plural));
        }

        _resources = resources;
    }

    private readonly HashSet<string> _resources;

    /// <summary>A listable model: whether it is namespaced, and the plural named by its list type.</summary>
    public sealed class Entry
    {
        public Entry(bool namespaced, string? listPlural)
        {
            Namespaced = namespaced;
            ListPlural = listPlural;
        }

        public bool Namespaced { get; set; }

        public string? ListPlural { get; }
    }

    /// <summary>Every listable model type and its entry.</summary>
    public IReadOnlyDictionary<INamedTypeSymbol, Entry> Entries { get; }

    /// <summary>Whether a built-in of this catalogue is served as <paramref name="plural"/> in API group <paramref name="group"/>.</summary>
    public bool ServesResource(string group, string plural) => _resources.Contains(group + "/" + plural);

    /// <summary>The catalogue of <paramref name="assembly"/>.</summary>
    public static BuiltInCatalog For(IAssemblySymbol assembly) => Cache.GetValue(assembly, Build);

    private static BuiltInCatalog Build(IAssemblySymbol assembly)
    {
        var entries = new Dictionary<INamedTypeSymbol, Entry>(SymbolEqualityComparer.Default);
        var k8s = assembly.GlobalNamespace.GetNamespaceMembers();
        foreach (var ns in k8s)
        {
            if (ns.Name != "k8s")
            {
                continue;
            }

            foreach (var type in ns.GetTypeMembers())
            {
                if (type.TypeKind != TypeKind.Interface || !type.Name.EndsWith("Operations", System.StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var member in type.GetMembers())
                {
                    if (member is not IMethodSymbol method
                        || method.IsGenericMethod
                        || !method.Name.StartsWith("List", System.StringComparison.Ordinal)
                        || !method.Name.EndsWith("WithHttpMessagesAsync", System.StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (ListItemType(method.ReturnType, out var listType) is not { } item)
                    {
                        continue;
                    }

                    var namespaced = method.Name.StartsWith("ListNamespaced", System.StringComparison.Ordinal);
                    if (entries.TryGetValue(item, out var existing))
                    {
                        existing.Namespaced |= namespaced;
                    }
                    else
                    {
                        entries.Add(item, new Entry(namespaced, PluralOf(listType)));
                    }
                }
            }
        }

        return new BuiltInCatalog(entries);
    }

    // Task<HttpOperationResponse<TList>> where TList : IItems<T>  →  T
    private static INamedTypeSymbol? ListItemType(ITypeSymbol returnType, out INamedTypeSymbol? listType)
    {
        listType = null;
        if (returnType is not INamedTypeSymbol { TypeArguments.Length: 1 } task
            || task.TypeArguments[0] is not INamedTypeSymbol { TypeArguments.Length: 1 } response
            || response.TypeArguments[0] is not INamedTypeSymbol list)
        {
            return null;
        }

        foreach (var iface in list.AllInterfaces)
        {
            if (iface.Name == "IItems" && iface.TypeArguments.Length == 1 && iface.TypeArguments[0] is INamedTypeSymbol item)
            {
                listType = list;
                return item;
            }
        }

        return null;
    }

    // The group (from Group, or the prefix of ApiVersion) and plural a [KubernetesEntity] declares, empty when absent.
    private static (string Group, string Plural) GroupAndPlural(INamedTypeSymbol type)
    {
        string group = string.Empty, version = string.Empty, plural = string.Empty;
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.Name != "KubernetesEntityAttribute")
            {
                continue;
            }

            foreach (var named in attribute.NamedArguments)
            {
                var value = named.Value.Value as string ?? string.Empty;
                switch (named.Key)
                {
                    case "Group": group = value; break;
                    case "ApiVersion": version = value; break;
                    case "PluralName": plural = value; break;
                }
            }
        }

        var slash = version.IndexOf('/');
        return (group.Length == 0 && slash >= 0 ? version.Substring(0, slash) : group, plural);
    }

    private static string? PluralOf(INamedTypeSymbol? listType)
    {
        if (listType is null)
        {
            return null;
        }

        foreach (var attribute in listType.GetAttributes())
        {
            if (attribute.AttributeClass?.Name != "KubernetesEntityAttribute")
            {
                continue;
            }

            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "PluralName" && named.Value.Value is string plural && plural.Length > 0)
                {
                    return plural;
                }
            }
        }

        return null;
    }
}
