namespace KubeInformers.Emulator.Internal;

/// <summary>
/// What discovery and the Table printer say about the built-in kinds that KubernetesClient's model cannot tell: short
/// names and categories as a real API server lists them, which kinds have a <c>scale</c> subresource, and the columns
/// <c>kubectl get</c> shows for the common kinds. Immutable; thread-safe.
/// </summary>
internal static class BuiltInTraits
{
    private static readonly Dictionary<(string Group, string Plural), string[]> s_shortNames = new()
    {
        [("", "componentstatuses")] = ["cs"],
        [("", "configmaps")] = ["cm"],
        [("", "endpoints")] = ["ep"],
        [("", "events")] = ["ev"],
        [("", "limitranges")] = ["limits"],
        [("", "namespaces")] = ["ns"],
        [("", "nodes")] = ["no"],
        [("", "persistentvolumeclaims")] = ["pvc"],
        [("", "persistentvolumes")] = ["pv"],
        [("", "pods")] = ["po"],
        [("", "replicationcontrollers")] = ["rc"],
        [("", "resourcequotas")] = ["quota"],
        [("", "serviceaccounts")] = ["sa"],
        [("", "services")] = ["svc"],
        [("apiextensions.k8s.io", "customresourcedefinitions")] = ["crd", "crds"],
        [("apps", "daemonsets")] = ["ds"],
        [("apps", "deployments")] = ["deploy"],
        [("apps", "replicasets")] = ["rs"],
        [("apps", "statefulsets")] = ["sts"],
        [("autoscaling", "horizontalpodautoscalers")] = ["hpa"],
        [("batch", "cronjobs")] = ["cj"],
        [("certificates.k8s.io", "certificatesigningrequests")] = ["csr"],
        [("events.k8s.io", "events")] = ["ev"],
        [("networking.k8s.io", "ingresses")] = ["ing"],
        [("networking.k8s.io", "networkpolicies")] = ["netpol"],
        [("policy", "poddisruptionbudgets")] = ["pdb"],
        [("scheduling.k8s.io", "priorityclasses")] = ["pc"],
        [("storage.k8s.io", "storageclasses")] = ["sc"],
    };

    private static readonly HashSet<(string Group, string Plural)> s_all =
    [
        ("", "pods"), ("", "replicationcontrollers"), ("", "services"), ("apps", "daemonsets"), ("apps", "deployments"),
        ("apps", "replicasets"), ("apps", "statefulsets"), ("autoscaling", "horizontalpodautoscalers"), ("batch", "cronjobs"), ("batch", "jobs"),
    ];

    public static string[] ShortNames(string group, string plural) => s_shortNames.TryGetValue((group, plural), out var s) ? s : [];

    public static string[] Categories(string group, string plural) => s_all.Contains((group, plural)) ? ["all"] : [];

    public static ScaleSubresource? Scale(string group, string plural) => (group, plural) switch
    {
        ("apps", "deployments" or "replicasets" or "statefulsets") => new ScaleSubresource("spec.replicas", "status.replicas", "spec.selector"),
        ("", "replicationcontrollers") => new ScaleSubresource("spec.replicas", "status.replicas", "spec.selector"),
        _ => null,
    };

    public static IReadOnlyList<PrinterColumn> Columns(string group, string plural) => (group, plural) switch
    {
        ("", "namespaces") => [new("Status", "string", "status.phase")],
        ("", "configmaps") => [new("Data", "integer", "#count:data,binaryData")],
        ("", "secrets") => [new("Type", "string", "type"), new("Data", "integer", "#count:data")],
        ("", "pods") => [new("Ready", "string", "#podready"), new("Status", "string", "status.phase"), new("Restarts", "integer", "#restarts")],
        ("", "services") => [new("Type", "string", "spec.type"), new("Cluster-IP", "string", "spec.clusterIP")],
        ("apps", "deployments") => [new("Ready", "string", "#ready:status.readyReplicas,spec.replicas"), new("Up-to-date", "integer", "status.updatedReplicas"), new("Available", "integer", "status.availableReplicas")],
        ("apps", "replicasets") => [new("Desired", "integer", "spec.replicas"), new("Current", "integer", "status.replicas"), new("Ready", "integer", "status.readyReplicas")],
        ("apps", "statefulsets") => [new("Ready", "string", "#ready:status.readyReplicas,spec.replicas")],
        ("", "replicationcontrollers") => [new("Desired", "integer", "spec.replicas"), new("Current", "integer", "status.replicas"), new("Ready", "integer", "status.readyReplicas")],
        ("apiextensions.k8s.io", "customresourcedefinitions") => [new("Created At", "date", "metadata.creationTimestamp")],
        _ => [],
    };
}
