using System.Collections.Generic;
using System.Linq;
using System.Text;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// The RBAC an assembly needs, from the assembled generation model and the writing toolkit types it uses: every
/// informer (custom resources, referenced built-ins, the catalogue, projections) lists and watches its resource;
/// <c>StatusUpdater&lt;T&gt;</c> adds get, update, patch on <c>plural/status</c> and get on the resource (it re-reads the
/// object after a conflict); <c>Finalizer&lt;T&gt;</c> adds get, update, patch on the resource; <c>EventRecorder</c> adds
/// create, patch on events.events.k8s.io. The verbs of one resource are united, then resources with the same group, verbs
/// and scope share a rule; everything is sorted ordinally. Listers read the cache and need nothing more. Stateless.
/// </summary>
internal static class RbacBuilder
{
    private static readonly string[] ListWatch = { "list", "watch" };
    private static readonly string[] StatusVerbs = { "get", "patch", "update" };
    private static readonly string[] FinalizerVerbs = { "get", "patch", "update" };
    private static readonly string[] Get = { "get" };
    private static readonly string[] EventVerbs = { "create", "patch" };

    /// <summary>The RBAC spec of <paramref name="model"/> and <paramref name="writes"/>, or null when there is no informer.</summary>
    public static RbacSpec? From(GenerationModel model, EquatableArray<RbacWrite> writes)
    {
        if (model.Factory is null || model.Resources.Count == 0)
        {
            return null;
        }

        var scope = new Dictionary<(string, string), bool>();
        var verbs = new SortedDictionary<(string Group, string Resource, bool Namespaced), SortedSet<string>>(GrantOrder.Instance);
        void Grant(string group, string resource, bool namespaced, string[] granted)
        {
            if (!verbs.TryGetValue((group, resource, namespaced), out var set))
            {
                verbs[(group, resource, namespaced)] = set = new SortedSet<string>(System.StringComparer.Ordinal);
            }

            set.UnionWith(granted);
        }

        foreach (var r in model.Resources.Select(r => r.Resource))
        {
            scope[(r.Group, r.Plural)] = r.Namespaced;
            Grant(r.Group, r.Plural, r.Namespaced, ListWatch);
        }

        foreach (var w in writes)
        {
            // A written resource no informer caches is assumed namespaced (custom resources mostly are): the ClusterRole has
            // it either way, the Role too. StatusUpdater and Finalizer read the object itself again after a 409: get on it.
            var namespaced = !scope.TryGetValue((w.Group, w.Plural), out var known) || known;
            switch (w.Kind)
            {
                case RbacWriteKind.Status:
                    Grant(w.Group, w.Plural + "/status", namespaced, StatusVerbs);
                    Grant(w.Group, w.Plural, namespaced, Get);
                    break;
                case RbacWriteKind.Finalizer:
                    Grant(w.Group, w.Plural, namespaced, FinalizerVerbs);
                    break;
                default:
                    Grant(w.Group, w.Plural, true, EventVerbs);
                    break;
            }
        }

        var rules = verbs
            .GroupBy(v => (v.Key.Group, Verbs: string.Join(",", v.Value), v.Key.Namespaced))
            .OrderBy(g => g.Key.Group, System.StringComparer.Ordinal).ThenBy(g => g.Key.Verbs, System.StringComparer.Ordinal).ThenBy(g => g.Key.Namespaced)
            .Select(g => new RbacRule(
                g.Key.Group,
                g.Select(x => x.Key.Resource).OrderBy(p => p, System.StringComparer.Ordinal).ToEquatableArray(),
                g.First().Value.ToEquatableArray(),
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

    /// <summary>Orders grants by group, resource, then scope (ordinal).</summary>
    private sealed class GrantOrder : IComparer<(string Group, string Resource, bool Namespaced)>
    {
        public static readonly GrantOrder Instance = new();

        public int Compare((string Group, string Resource, bool Namespaced) x, (string Group, string Resource, bool Namespaced) y)
        {
            var c = System.StringComparer.Ordinal.Compare(x.Group, y.Group);
            if (c == 0) c = System.StringComparer.Ordinal.Compare(x.Resource, y.Resource);
            return c != 0 ? c : x.Namespaced.CompareTo(y.Namespaced);
        }
    }
}
