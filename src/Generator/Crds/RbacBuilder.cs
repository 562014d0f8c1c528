using System.Collections.Generic;
using System.Linq;
using System.Text;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// The RBAC an assembly needs, from the assembled generation model and the writing toolkit types it uses: every
/// informer (custom resources, referenced built-ins, the catalogue, projections) lists and watches its resource;
/// <c>StatusUpdater&lt;T&gt;</c> adds get, update, patch on <c>plural/status</c>; <c>Finalizer&lt;T&gt;</c> adds update,
/// patch on the resource; <c>EventRecorder</c> adds create, patch on events.events.k8s.io. Rules with the same group,
/// verbs and scope are merged; everything is sorted ordinally. Listers read the cache and need nothing more. Stateless.
/// </summary>
internal static class RbacBuilder
{
    private static readonly string[] ListWatch = { "list", "watch" };
    private static readonly string[] StatusVerbs = { "get", "patch", "update" };
    private static readonly string[] FinalizerVerbs = { "patch", "update" };
    private static readonly string[] EventVerbs = { "create", "patch" };

    /// <summary>The RBAC spec of <paramref name="model"/> and <paramref name="writes"/>, or null when there is no informer.</summary>
    public static RbacSpec? From(GenerationModel model, EquatableArray<RbacWrite> writes)
    {
        if (model.Factory is null || model.Resources.Count == 0)
        {
            return null;
        }

        var scope = new Dictionary<(string, string), bool>();
        var grants = new List<(string Group, string Resource, string[] Verbs, bool Namespaced)>();
        foreach (var r in model.Resources.Select(r => r.Resource))
        {
            scope[(r.Group, r.Plural)] = r.Namespaced;
            grants.Add((r.Group, r.Plural, ListWatch, r.Namespaced));
        }

        foreach (var w in writes)
        {
            // A written resource no informer caches is assumed namespaced (custom resources mostly are): the ClusterRole has
            // it either way, the Role too.
            var namespaced = !scope.TryGetValue((w.Group, w.Plural), out var known) || known;
            grants.Add(w.Kind switch
            {
                RbacWriteKind.Status => (w.Group, w.Plural + "/status", StatusVerbs, namespaced),
                RbacWriteKind.Finalizer => (w.Group, w.Plural, FinalizerVerbs, namespaced),
                _ => (w.Group, w.Plural, EventVerbs, true),
            });
        }

        var rules = grants
            .GroupBy(g => (g.Group, Verbs: string.Join(",", g.Verbs), g.Namespaced))
            .OrderBy(g => g.Key.Group, System.StringComparer.Ordinal).ThenBy(g => g.Key.Verbs, System.StringComparer.Ordinal).ThenBy(g => g.Key.Namespaced)
            .Select(g => new RbacRule(
                g.Key.Group,
                g.Select(x => x.Resource).Distinct().OrderBy(p => p, System.StringComparer.Ordinal).ToEquatableArray(),
                g.First().Verbs.ToEquatableArray(),
                g.Key.Namespaced))
            .ToEquatableArray();
        return new RbacSpec(model.Factory.Namespace, RoleName(model.Factory.Namespace), rules);
    }

    /// <summary>The role name: the factory namespace in lower-case DNS form followed by <c>-informers</c>.</summary>
    private static string RoleName(string ns)
    {
        var b = new StringBuilder();
        foreach (var c in ns.ToLowerInvariant())
        {
            var keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (keep)
            {
                b.Append(c);
            }
            else if (b.Length > 0 && b[b.Length - 1] != '-')
            {
                b.Append('-');
            }
        }

        var stem = b.ToString().Trim('-');
        return (stem.Length == 0 ? "kubeinformers" : stem) + "-informers";
    }
}
