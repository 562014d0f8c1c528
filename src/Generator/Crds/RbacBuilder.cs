using System.Linq;
using System.Text;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// The RBAC an assembly's informers need, from the assembled generation model: every informer (custom resources,
/// referenced built-ins, the catalogue, projections) lists and watches its resource, so each group gets one rule with
/// <c>list</c> and <c>watch</c> on its plurals. Listers read the cache and need nothing more. Stateless.
/// </summary>
internal static class RbacBuilder
{
    /// <summary>The RBAC spec of <paramref name="model"/>, or null when there is no informer.</summary>
    public static RbacSpec? From(GenerationModel model)
    {
        if (model.Factory is null || model.Resources.Count == 0)
        {
            return null;
        }

        var rules = model.Resources
            .Select(r => r.Resource)
            .GroupBy(r => (r.Group, r.Namespaced))
            .OrderBy(g => g.Key.Group, System.StringComparer.Ordinal).ThenBy(g => g.Key.Namespaced)
            .Select(g => new RbacRule(g.Key.Group, g.Select(r => r.Plural).Distinct().OrderBy(p => p, System.StringComparer.Ordinal).ToEquatableArray(), g.Key.Namespaced))
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
