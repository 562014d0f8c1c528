using System.Reflection;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using KubeInformers.Generator.Tests.Infrastructure;

namespace KubeInformers.Generator.Tests;

/// <summary>The built-in catalogue: every listable KubernetesClient model is found and gets the right scope.</summary>
public class BuiltInScopeTests
{
    private static readonly IReadOnlyList<ResourceSpec> Catalogue =
        InformerGenerator.Parser.ParseCatalogue(new KnownSymbols(TestCompilation.Create("class Empty {}")), default).ToList();

    // Hand-checked against the Kubernetes API reference (kubectl api-resources): type, group, version, plural, namespaced.
    public static TheoryData<string, string, string, string, bool> HandCheckedScopes => new()
    {
        // core/v1: every listable type
        { "V1ConfigMap", "", "v1", "configmaps", true },
        { "V1Endpoints", "", "v1", "endpoints", true },
        { "Corev1Event", "", "v1", "events", true },
        { "V1LimitRange", "", "v1", "limitranges", true },
        { "V1PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", true },
        { "V1Pod", "", "v1", "pods", true },
        { "V1PodTemplate", "", "v1", "podtemplates", true },
        { "V1ReplicationController", "", "v1", "replicationcontrollers", true },
        { "V1ResourceQuota", "", "v1", "resourcequotas", true },
        { "V1Secret", "", "v1", "secrets", true },
        { "V1Service", "", "v1", "services", true },
        { "V1ServiceAccount", "", "v1", "serviceaccounts", true },
        { "V1ComponentStatus", "", "v1", "componentstatuses", false },
        { "V1Namespace", "", "v1", "namespaces", false },
        { "V1Node", "", "v1", "nodes", false },
        { "V1PersistentVolume", "", "v1", "persistentvolumes", false },
        // apps/v1: every listable type
        { "V1ControllerRevision", "apps", "v1", "controllerrevisions", true },
        { "V1DaemonSet", "apps", "v1", "daemonsets", true },
        { "V1Deployment", "apps", "v1", "deployments", true },
        { "V1ReplicaSet", "apps", "v1", "replicasets", true },
        { "V1StatefulSet", "apps", "v1", "statefulsets", true },
        // a sample of the other groups
        { "V1Job", "batch", "v1", "jobs", true },
        { "V1CronJob", "batch", "v1", "cronjobs", true },
        { "V1Ingress", "networking.k8s.io", "v1", "ingresses", true },
        { "V1NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", true },
        { "V1IngressClass", "networking.k8s.io", "v1", "ingressclasses", false },
        { "V1Role", "rbac.authorization.k8s.io", "v1", "roles", true },
        { "V1RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings", true },
        { "V1ClusterRole", "rbac.authorization.k8s.io", "v1", "clusterroles", false },
        { "V1ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", false },
        { "V1StorageClass", "storage.k8s.io", "v1", "storageclasses", false },
        { "V1CSIDriver", "storage.k8s.io", "v1", "csidrivers", false },
        { "V1CSINode", "storage.k8s.io", "v1", "csinodes", false },
        { "V1VolumeAttachment", "storage.k8s.io", "v1", "volumeattachments", false },
        { "V1CSIStorageCapacity", "storage.k8s.io", "v1", "csistoragecapacities", true },
        { "V1Lease", "coordination.k8s.io", "v1", "leases", true },
        { "V1CustomResourceDefinition", "apiextensions.k8s.io", "v1", "customresourcedefinitions", false },
        { "V1ValidatingWebhookConfiguration", "admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", false },
        { "V1MutatingWebhookConfiguration", "admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", false },
        { "V1PriorityClass", "scheduling.k8s.io", "v1", "priorityclasses", false },
        { "V1PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", true },
        { "V1HorizontalPodAutoscaler", "autoscaling", "v1", "horizontalpodautoscalers", true },
        { "V2HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers", true },
        { "V1EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", true },
        { "Eventsv1Event", "events.k8s.io", "v1", "events", true },
        { "V1CertificateSigningRequest", "certificates.k8s.io", "v1", "certificatesigningrequests", false },
        { "V1RuntimeClass", "node.k8s.io", "v1", "runtimeclasses", false },
        { "V1FlowSchema", "flowcontrol.apiserver.k8s.io", "v1", "flowschemas", false },
        { "V1PriorityLevelConfiguration", "flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations", false },
        { "V1APIService", "apiregistration.k8s.io", "v1", "apiservices", false },
    };

    [Theory]
    [MemberData(nameof(HandCheckedScopes))]
    public void BuiltInHasHandCheckedGroupVersionPluralAndScope(string type, string group, string version, string plural, bool namespaced)
    {
        var spec = Assert.Single(Catalogue, s => s.ModelType == "global::k8s.Models." + type);
        Assert.Equal((group, version, plural, namespaced), (spec.Group, spec.Version, spec.Plural, spec.Namespaced));
        Assert.True(spec.IsBuiltIn);
    }

    [Fact]
    public void CatalogueHoldsEveryListableBuiltIn()
    {
        // 93 list types have List operations in KubernetesClient 21.0.8 (47 namespaced, 46 cluster-scoped).
        Assert.Equal(93, Catalogue.Count);
        Assert.Equal(47, Catalogue.Count(s => s.Namespaced));
        Assert.All(Catalogue, s => Assert.False(string.IsNullOrEmpty(s.Plural), s.ModelType + " has no plural"));
        Assert.Equal(Catalogue.Count, Catalogue.Select(s => (s.Group, s.Version, s.Plural)).Distinct().Count());
    }

    [Fact]
    public void EveryBuiltInScopeAgreesWithTheOperationsSeenByReflection()
    {
        // Independent oracle: reflection over the loaded KubernetesClient (not Roslyn symbols).
        var operations = typeof(k8s.IKubernetes).Assembly.GetTypes()
            .Where(t => t.IsInterface && t.Namespace == "k8s" && t.Name.EndsWith("Operations", StringComparison.Ordinal))
            .SelectMany(t => t.GetMethods())
            .Where(m => !m.IsGenericMethod && m.Name.StartsWith("List", StringComparison.Ordinal) && m.Name.EndsWith("WithHttpMessagesAsync", StringComparison.Ordinal))
            .ToList();
        foreach (var spec in Catalogue)
        {
            var model = typeof(k8s.IKubernetes).Assembly.GetType(spec.ModelType["global::".Length..])!;
            var listing = operations.Where(m => ItemType(m.ReturnType) == model).ToList();
            Assert.NotEmpty(listing);
            Assert.Equal(listing.Any(m => m.Name.StartsWith("ListNamespaced", StringComparison.Ordinal)), spec.Namespaced);
        }
    }

    [Fact]
    public void EmptyPluralOnTheItemTypeIsTakenFromItsListType()
    {
        // KubernetesClient 21.0.8 leaves PluralName empty on Resourcev1ResourceClaim; its list type says "resourceclaims".
        var claim = Assert.Single(Catalogue, s => s.ModelType == "global::k8s.Models.Resourcev1ResourceClaim");
        Assert.Equal("resourceclaims", claim.Plural);
        Assert.True(claim.Namespaced);
    }

    private static Type? ItemType(Type returnType)
    {
        var list = returnType.GetGenericArguments().FirstOrDefault()?.GetGenericArguments().FirstOrDefault();
        return list?.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.Name.StartsWith("IItems", StringComparison.Ordinal))?.GetGenericArguments()[0];
    }
}
