using System.Reflection;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// The built-in resource catalogue, read once from KubernetesClient's model metadata: every type with
/// <see cref="KubernetesEntityAttribute"/> implementing <c>IKubernetesObject&lt;V1ObjectMeta&gt;</c> that has a
/// generated <c>List*</c> operation. Scope comes from the operations (a <c>ListNamespaced*</c> operation means
/// namespaced), because the attribute carries none. Thread-safe (computed once, immutable).
/// </summary>
internal static class BuiltInResources
{
    private static readonly Lazy<IReadOnlyList<ResourceType>> s_all = new(Build);

    public static IReadOnlyList<ResourceType> All => s_all.Value;

    private static IReadOnlyList<ResourceType> Build()
    {
        var assembly = typeof(V1Pod).Assembly;
        // list type -> namespaced?
        var lists = new Dictionary<Type, bool>();
        foreach (var iface in assembly.GetTypes().Where(t => t.IsInterface && t.Name.EndsWith("Operations", StringComparison.Ordinal)))
        {
            foreach (var method in iface.GetMethods())
            {
                if (!method.Name.StartsWith("List", StringComparison.Ordinal) || !method.Name.EndsWith("WithHttpMessagesAsync", StringComparison.Ordinal) || method.IsGenericMethod)
                {
                    continue;
                }

                var ret = method.ReturnType;
                if (!ret.IsGenericType || ret.GetGenericTypeDefinition() != typeof(Task<>))
                {
                    continue;
                }

                var inner = ret.GetGenericArguments()[0];
                if (!inner.IsGenericType || inner.GetGenericTypeDefinition() != typeof(HttpOperationResponse<>))
                {
                    continue;
                }

                var listType = inner.GetGenericArguments()[0];
                if (ItemType(listType) is null)
                {
                    continue;
                }

                var namespaced = method.Name.StartsWith("ListNamespaced", StringComparison.Ordinal);
                lists[listType] = lists.TryGetValue(listType, out var prior) ? prior || namespaced : namespaced;
            }
        }

        var result = new List<ResourceType>();
        foreach (var (listType, namespaced) in lists)
        {
            var item = ItemType(listType)!;
            var attr = item.GetCustomAttribute<KubernetesEntityAttribute>();
            var listAttr = listType.GetCustomAttribute<KubernetesEntityAttribute>();
            if (attr is null)
            {
                continue;
            }

            var plural = string.IsNullOrEmpty(attr.PluralName) ? listAttr?.PluralName : attr.PluralName;
            if (string.IsNullOrEmpty(plural))
            {
                continue;
            }

            var hasStatus = item.GetProperty("Status") is not null;
            result.Add(new ResourceType
            {
                Group = attr.Group ?? string.Empty,
                Version = attr.ApiVersion,
                Plural = plural,
                Kind = attr.Kind,
                Singular = attr.Kind.ToLowerInvariant(),
                Namespaced = namespaced,
                HasStatusSubresource = hasStatus,
                TracksGeneration = TracksGeneration(item, attr.Group ?? string.Empty, plural),
                IsCustom = false,
                SelectableFields = FieldsFor(attr.Group ?? string.Empty, plural),
                ShortNames = BuiltInTraits.ShortNames(attr.Group ?? string.Empty, plural),
                Categories = BuiltInTraits.Categories(attr.Group ?? string.Empty, plural),
                Scale = BuiltInTraits.Scale(attr.Group ?? string.Empty, plural),
                PrinterColumns = BuiltInTraits.Columns(attr.Group ?? string.Empty, plural),
                ModelType = item,
            });
        }

        return result.OrderBy(r => r.Group, StringComparer.Ordinal).ThenBy(r => r.Version, StringComparer.Ordinal)
            .ThenBy(r => r.Plural, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Whether the real registry maintains metadata.generation: types whose status reports an observedGeneration,
    /// plus those whose strategies set it without one (jobs, cron jobs, ingresses, network policies, admission
    /// configurations, CRDs). ConfigMaps, Secrets, Namespaces, Nodes, Services… have none.
    /// </summary>
    private static bool TracksGeneration(Type item, string group, string plural)
    {
        if (item.GetProperty("Status")?.PropertyType.GetProperty("ObservedGeneration") is not null)
        {
            return true;
        }

        return (group, plural) switch
        {
            ("batch", "jobs" or "cronjobs") => true,
            ("networking.k8s.io", "ingresses" or "networkpolicies") => true,
            ("apiextensions.k8s.io", "customresourcedefinitions") => true,
            ("admissionregistration.k8s.io", _) => true,
            _ => false,
        };
    }

    private static Type? ItemType(Type listType)
    {
        foreach (var i in listType.GetInterfaces())
        {
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IItems<>))
            {
                var t = i.GetGenericArguments()[0];
                if (typeof(IKubernetesObject<V1ObjectMeta>).IsAssignableFrom(t))
                {
                    return t;
                }
            }
        }

        return null;
    }

    private static Dictionary<string, string[]> FieldsFor(string group, string plural)
    {
        static string[] P(string path) => path.Split('.');
        var d = new Dictionary<string, string[]>(StringComparer.Ordinal);
        switch (group, plural)
        {
            case ("", "pods"):
                foreach (var f in new[] { "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName" })
                {
                    d[f] = P(f);
                }

                break;
            case ("", "events"):
                foreach (var f in new[] { "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "type" })
                {
                    d[f] = P(f);
                }

                d["source"] = P("source.component");
                break;
            case ("", "secrets"):
                d["type"] = P("type");
                break;
            case ("", "nodes"):
                d["spec.unschedulable"] = P("spec.unschedulable");
                break;
            case ("", "namespaces"):
                d["status.phase"] = P("status.phase");
                break;
            case ("", "replicationcontrollers"):
            case ("apps", "replicasets"):
                d["status.replicas"] = P("status.replicas");
                break;
            case ("batch", "jobs"):
                d["status.successful"] = P("status.successful");
                break;
            case ("certificates.k8s.io", "certificatesigningrequests"):
                d["spec.signerName"] = P("spec.signerName");
                break;
            case ("", "services"):
                d["spec.clusterIP"] = P("spec.clusterIP");
                d["spec.type"] = P("spec.type");
                break;
        }

        return d;
    }
}
