using System.Collections.Generic;
using System.Linq;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// Groups the parsed versions by group and kind into CustomResourceDefinitions, sorted by name; a kind whose versions
/// disagree (storage count, scope, names, a version declared twice) is dropped, and the reason is handed to the caller
/// (the analyzer reports KI0103). Deterministic: the order of the input does not matter. Stateless.
/// </summary>
internal static class CrdAssembler
{
    /// <summary>Why a kind got no CRD: the model types involved and the KI0103 message parts.</summary>
    public sealed class Issue
    {
        public Issue(IReadOnlyList<string> modelTypes, string kind, string problem)
        {
            ModelTypes = modelTypes;
            Kind = kind;
            Problem = problem;
        }

        public IReadOnlyList<string> ModelTypes { get; }

        public string Kind { get; }

        public string Problem { get; }
    }

    /// <summary>The CRDs of <paramref name="versions"/>; problems go to <paramref name="issues"/> when given.</summary>
    public static EquatableArray<CrdSpec> Assemble(IEnumerable<CrdVersionSpec> versions, List<Issue>? issues)
    {
        var result = new List<CrdSpec>();
        foreach (var kind in versions.GroupBy(v => (v.Group, v.Kind)).OrderBy(g => g.Key.Group + "/" + g.Key.Kind, System.StringComparer.Ordinal))
        {
            var list = kind.OrderBy(v => v.Version, System.StringComparer.Ordinal).ThenBy(v => v.ModelType, System.StringComparer.Ordinal).ToList();
            var types = list.Select(v => v.ModelType).ToList();
            var label = kind.Key.Kind + "." + kind.Key.Group;
            var problem = Problem(list);
            if (problem is not null)
            {
                issues?.Add(new Issue(types, label, problem));
                continue;
            }

            var storage = list.Count == 1 ? list[0] : list.Single(v => v.Storage);
            var normalized = list.Select(v => v with
            {
                Storage = ReferenceEquals(v, storage),
                ShortNames = storage.ShortNames,
                Categories = storage.Categories,
            }).ToEquatableArray();
            result.Add(new CrdSpec(
                storage.Plural + "." + storage.Group,
                storage.TypeNamespace,
                storage.Kind + "CustomResourceDefinition",
                storage.IsPublic,
                storage.Version,
                types.ToEquatableArray(),
                normalized));
        }

        return result.ToEquatableArray();
    }

    private static string? Problem(List<CrdVersionSpec> list)
    {
        var duplicate = list.GroupBy(v => v.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            return $"declare version {duplicate.Key} more than once ({string.Join(", ", duplicate.Select(v => Short(v.ModelType)))})";
        }

        var first = list[0];
        foreach (var v in list.Skip(1))
        {
            var field = v.Plural != first.Plural ? "the plural"
                : v.Singular != first.Singular ? "the singular name"
                : v.ListKind != first.ListKind ? "the list kind"
                : v.Namespaced != first.Namespaced ? "the scope (ClusterScoped)"
                : null;
            if (field is not null)
            {
                return $"disagree on {field}: {first.Version} ({Short(first.ModelType)}) and {v.Version} ({Short(v.ModelType)})";
            }
        }

        if (list.Count > 1)
        {
            var storage = list.Where(v => v.Storage).ToList();
            if (storage.Count == 0)
            {
                return "have no storage version; set [CustomResource(Storage = true)] on exactly one of " + string.Join(", ", list.Select(v => Short(v.ModelType)));
            }

            if (storage.Count > 1)
            {
                return $"declare {storage.Count} storage versions ({string.Join(", ", storage.Select(v => v.Version))}); exactly one may be the storage version";
            }

            var named = list.Where(v => v.ShortNames.Count > 0 || v.Categories.Count > 0).ToList();
            if (named.Any(v => !ReferenceEquals(v, storage[0]) && (v.ShortNames != storage[0].ShortNames || v.Categories != storage[0].Categories)))
            {
                return "disagree on short names or categories; set them on the storage version only";
            }
        }

        return null;
    }

    private static string Short(string modelType)
        => modelType.StartsWith("global::", System.StringComparison.Ordinal) ? modelType.Substring(8) : modelType;
}
