using System.Text.Json;
using k8s;
using k8s.Models;

namespace KubeInformers.Benchmarks;

/// <summary>
/// Builds Pods shaped like a real cluster's: two containers with probes, resources and env, volumes, six labels,
/// four annotations, an ownerReference and two managedFields entries (about 6.6 KB of JSON, a quarter of it
/// managedFields). Deterministic for a given index so every run and every path sees the same bytes.
/// </summary>
public static class RealisticPods
{
    private static readonly string[] Namespaces = ["default", "kube-system", "payments", "search", "frontend", "batch", "monitoring", "ingress"];
    private static readonly string[] Apps = ["checkout", "cart", "catalog", "indexer", "web", "worker", "prometheus", "nginx"];

    /// <summary>The namespace and name of the Pod with index <paramref name="i"/>, without building the Pod.</summary>
    public static (string Namespace, string Name) Key(int i)
    {
        var (_, hash, rs) = Identity(i);
        return (Namespaces[i % Namespaces.Length], PodName(rs, hash, i));
    }

    private static string PodName(string replicaSet, string hash, int i) => $"{replicaSet}-{hash[2..7]}{i % 10}";

    private static (string App, string Hash, string ReplicaSet) Identity(int i)
    {
        var app = Apps[(i / 3) % Apps.Length];
        var hash = ((uint)(i * 2654435761u)).ToString("x8");
        return (app, hash, $"{app}-{hash[..6]}");
    }

    /// <summary>The Pod with index <paramref name="i"/>.</summary>
    public static V1Pod Create(int i, string? resourceVersion = null)
    {
        var (app, hash, rs) = Identity(i);
        var ns = Namespaces[i % Namespaces.Length];
        var name = PodName(rs, hash, i);
        var node = $"node-{i % 200:D3}.cluster.internal";
        var created = new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc).AddSeconds(i);
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Uid = Guid(i),
                ResourceVersion = resourceVersion ?? (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                CreationTimestamp = created,
                GenerateName = rs + "-",
                Labels = new Dictionary<string, string>
                {
                    ["app"] = app,
                    ["app.kubernetes.io/name"] = app,
                    ["app.kubernetes.io/instance"] = app + "-prod",
                    ["app.kubernetes.io/version"] = "1.4." + (i % 7),
                    ["pod-template-hash"] = hash[..6],
                    ["tier"] = i % 2 == 0 ? "backend" : "frontend",
                },
                Annotations = new Dictionary<string, string>
                {
                    ["kubernetes.io/psp"] = "restricted",
                    ["prometheus.io/scrape"] = "true",
                    ["prometheus.io/port"] = "9090",
                    ["kubectl.kubernetes.io/restartedAt"] = created.ToString("O"),
                },
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = rs, Uid = Guid(i / 3 + 1_000_000),
                        Controller = true, BlockOwnerDeletion = true,
                    },
                ],
                ManagedFields =
                [
                    new V1ManagedFieldsEntry
                    {
                        Manager = "kube-controller-manager", Operation = "Update", ApiVersion = "v1", Time = created, FieldsType = "FieldsV1",
                        FieldsV1 = JsonDocument.Parse(
                            """{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:app.kubernetes.io/instance":{},"f:app.kubernetes.io/name":{},"f:app.kubernetes.io/version":{},"f:pod-template-hash":{},"f:tier":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"x\"}":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:livenessProbe":{".":{},"f:httpGet":{".":{},"f:path":{},"f:port":{},"f:scheme":{}}},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}}},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{},"f:volumes":{".":{},"k:{\"name\":\"config\"}":{".":{},"f:configMap":{".":{},"f:defaultMode":{},"f:name":{}},"f:name":{}}}}}""").RootElement.Clone(),
                    },
                    new V1ManagedFieldsEntry
                    {
                        Manager = "kubelet", Operation = "Update", ApiVersion = "v1", Time = created.AddSeconds(5), FieldsType = "FieldsV1", Subresource = "status",
                        FieldsV1 = JsonDocument.Parse(
                            """{"f:status":{"f:conditions":{"k:{\"type\":\"ContainersReady\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Initialized\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Ready\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}}},"f:containerStatuses":{},"f:hostIP":{},"f:phase":{},"f:podIP":{},"f:podIPs":{".":{},"k:{\"ip\":\"10.0.0.1\"}":{".":{},"f:ip":{}}},"f:startTime":{}}}""").RootElement.Clone(),
                    },
                ],
            },
            Spec = new V1PodSpec
            {
                NodeName = node,
                ServiceAccountName = app,
                RestartPolicy = "Always",
                DnsPolicy = "ClusterFirst",
                SchedulerName = "default-scheduler",
                TerminationGracePeriodSeconds = 30,
                EnableServiceLinks = true,
                SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, RunAsUser = 1000, FsGroup = 2000 },
                Containers = [Container("app", app, 8080, i), Container("sidecar", "envoy", 15000, i)],
                Volumes =
                [
                    new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = app + "-config", DefaultMode = 420 } },
                    new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
                    new V1Volume
                    {
                        Name = "kube-api-access-" + hash[..5],
                        Projected = new V1ProjectedVolumeSource
                        {
                            DefaultMode = 420,
                            Sources =
                            [
                                new V1VolumeProjection { ServiceAccountToken = new V1ServiceAccountTokenProjection { Path = "token", ExpirationSeconds = 3607 } },
                                new V1VolumeProjection { ConfigMap = new V1ConfigMapProjection { Name = "kube-root-ca.crt", Items = [new V1KeyToPath { Key = "ca.crt", Path = "ca.crt" }] } },
                            ],
                        },
                    },
                ],
                Tolerations =
                [
                    new V1Toleration { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 },
                    new V1Toleration { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 },
                ],
            },
            Status = new V1PodStatus
            {
                Phase = "Running",
                HostIP = $"10.1.{i % 200}.{i % 250 + 1}",
                PodIP = $"10.244.{(i / 250) % 250}.{i % 250 + 1}",
                StartTime = created.AddSeconds(2),
                QosClass = "Burstable",
                Conditions =
                [
                    new V1PodCondition { Type = "Initialized", Status = "True", LastTransitionTime = created.AddSeconds(2) },
                    new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = created.AddSeconds(9) },
                    new V1PodCondition { Type = "ContainersReady", Status = "True", LastTransitionTime = created.AddSeconds(9) },
                    new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = created.AddSeconds(1) },
                ],
                ContainerStatuses =
                [
                    new V1ContainerStatus { Name = "app", Ready = true, Started = true, RestartCount = i % 3, Image = $"registry.example.com/{app}:1.4.{i % 7}", ImageID = "registry.example.com/" + app + "@sha256:" + hash + hash + hash + hash + hash + hash + hash + hash, ContainerID = "containerd://" + hash + hash + hash + hash + hash + hash + hash + hash, State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = created.AddSeconds(4) } } },
                    new V1ContainerStatus { Name = "sidecar", Ready = true, Started = true, RestartCount = 0, Image = "docker.io/envoyproxy/envoy:v1.31.0", ImageID = "docker.io/envoyproxy/envoy@sha256:" + hash + hash + hash + hash + hash + hash + hash + hash, ContainerID = "containerd://" + hash + hash + hash + hash + hash + hash + hash + hash, State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = created.AddSeconds(3) } } },
                ],
            },
        };
    }

    private static V1Container Container(string name, string image, int port, int i) => new()
    {
        Name = name,
        Image = name == "app" ? $"registry.example.com/{image}:1.4.{i % 7}" : "docker.io/envoyproxy/envoy:v1.31.0",
        ImagePullPolicy = "IfNotPresent",
        Args = ["--port=" + port, "--log-level=info"],
        Ports = [new V1ContainerPort { Name = "http", ContainerPort = port, Protocol = "TCP" }],
        Env =
        [
            new V1EnvVar { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name", ApiVersion = "v1" } } },
            new V1EnvVar { Name = "POD_NAMESPACE", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace", ApiVersion = "v1" } } },
            new V1EnvVar { Name = "LOG_FORMAT", Value = "json" },
        ],
        Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") },
            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("256Mi") },
        },
        LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = port, Scheme = "HTTP" }, InitialDelaySeconds = 10, PeriodSeconds = 10, TimeoutSeconds = 1, SuccessThreshold = 1, FailureThreshold = 3 },
        ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/ready", Port = port, Scheme = "HTTP" }, PeriodSeconds = 5, TimeoutSeconds = 1, SuccessThreshold = 1, FailureThreshold = 3 },
        VolumeMounts =
        [
            new V1VolumeMount { Name = "config", MountPath = "/etc/" + image, ReadOnlyProperty = true },
            new V1VolumeMount { Name = "tmp", MountPath = "/tmp" },
        ],
        TerminationMessagePath = "/dev/termination-log",
        TerminationMessagePolicy = "File",
    };

    private static string Guid(int i)
    {
        Span<byte> b = stackalloc byte[16];
        BitConverter.TryWriteBytes(b, i);
        BitConverter.TryWriteBytes(b[4..], i * 7919);
        BitConverter.TryWriteBytes(b[8..], i ^ 0x5bd1e995);
        BitConverter.TryWriteBytes(b[12..], ~i);
        return new System.Guid(b).ToString();
    }

    /// <summary>The JSON of a <c>PodList</c> holding <paramref name="count"/> Pods, as the API server would send it.</summary>
    public static byte[] ListJson(int count, string resourceVersion = "100000")
    {
        var list = new V1PodList { ApiVersion = "v1", Kind = "PodList", Metadata = new V1ListMeta { ResourceVersion = resourceVersion }, Items = [] };
        for (var i = 0; i < count; i++) list.Items.Add(Create(i));
        return System.Text.Encoding.UTF8.GetBytes(KubernetesJson.Serialize(list));
    }
}
