using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace KubeInformers;

/// <summary>
/// Merges the kubeconfig files <c>KUBECONFIG</c> lists, exactly as KubernetesClient's <c>BuildDefaultConfig</c> does:
/// scalars (current-context, the file name relative paths resolve against) keep the first file's value; the kinds must
/// match; a preference the first file lacks is added only when it has preferences at all; clusters, contexts, users and
/// extensions are merged by name, the first occurrence winning. Mutates the base configuration; not thread-safe.
/// </summary>
internal static class KubeConfigMerger
{
    public static void Merge(K8SConfiguration target, K8SConfiguration source)
    {
        target.CurrentContext ??= source.CurrentContext;
        target.FileName ??= source.FileName;
        if (target.Kind != source.Kind)
        {
            throw new KubeConfigException($"kubeconfig \"kind\" are different between {target.FileName} and {source.FileName}");
        }
        if (source.Preferences is not null && target.Preferences is not null)
        {
            foreach (var preference in source.Preferences)
            {
                target.Preferences.TryAdd(preference.Key, preference.Value);
            }
        }
        target.Extensions = ByName(target.Extensions, source.Extensions, e => e.Name);
        target.Clusters = ByName(target.Clusters, source.Clusters, c => c.Name);
        target.Users = ByName(target.Users, source.Users, u => u.Name);
        target.Contexts = ByName(target.Contexts, source.Contexts, c => c.Name);
    }

    private static IEnumerable<T> ByName<T>(IEnumerable<T> first, IEnumerable<T>? second, Func<T, string> name)
    {
        if (second is null || !second.Any())
        {
            return first;
        }
        // A dictionary, as KubernetesClient's merge uses: a name repeated within the first file keeps its first
        // position and its last value; one only in the second file is appended.
        var byName = new Dictionary<string, T>();
        foreach (var item in first)
        {
            byName[name(item)] = item;
        }
        foreach (var item in second)
        {
            byName.TryAdd(name(item), item);
        }
        return byName.Values;
    }
}
