using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace KubeInformers.Benchmarks;

/// <summary>How the benchmark Pods share what a cluster's Pods share.</summary>
public enum PodMix
{
    /// <summary>
    /// As a cluster writes them: Pods come in ReplicaSets of 3–10 replicas (sizes from a fixed seed). The replicas of
    /// one set share the ownerReference uid, the controller's managedFields entry (which names that uid) and the
    /// pod-template-hash; everything a kubelet writes about one Pod is its own.
    /// </summary>
    ReplicaSets,

    /// <summary>The pessimistic end: every Pod its own ReplicaSet, so no managedFields document repeats.</summary>
    AllUnique,
}

/// <summary>
/// Builds Pods shaped like a real cluster's: two containers with probes, resources and env, volumes, six labels,
/// four annotations, an ownerReference and two managedFields entries (about 6.9 KB of JSON, a quarter of it
/// managedFields). Deterministic for a given index and mix, so every run and every path sees the same bytes.
/// <list type="bullet">
/// <item>Unique per Pod: name, uid, resourceVersion, podIP(s), hostIP, startTime, containerIDs, the projected
/// token volume's name, and the kubelet's managedFields entry (keyed by the Pod's own IP, <c>k:{"ip":"…"}</c>).</item>
/// <item>Shared by the replicas of one ReplicaSet: the ownerReference (name and uid), the controller's managedFields
/// entry (which names that uid), the pod-template-hash, the app version, the creation-time annotation.</item>
/// <item>Shared cluster-wide: images and image IDs (one per app), node names (a pool of 200), namespaces (8), label
/// and annotation keys, probes, resources, tolerations.</item>
/// </list>
/// Thread-safe: the grouping of Pods into ReplicaSets is computed once per size and then only read.
/// </summary>
public static class RealisticPods
{
    private static readonly string[] Namespaces = ["default", "kube-system", "payments", "search", "frontend", "batch", "monitoring", "ingress"];
    private static readonly string[] Apps = ["checkout", "cart", "catalog", "indexer", "web", "worker", "prometheus", "nginx"];
    private const int NodePool = 200;
    private const int Seed = 20261201;
    private static readonly DateTime Epoch = new(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly object Gate = new();
    private static int[] _setOfPod = [];
    private static int[] _ordinalInSet = [];

    /// <summary>The mix every caller that does not name one gets (the benchmark's default).</summary>
    public static PodMix DefaultMix { get; set; } = PodMix.ReplicaSets;

    /// <summary>The ReplicaSet (index) and the replica's ordinal in it of Pod <paramref name="i"/>.</summary>
    public static (int Set, int Ordinal) ReplicaSetOf(int i, PodMix mix)
    {
        if (mix == PodMix.AllUnique) return (i, 0);
        var sets = Volatile.Read(ref _setOfPod);
        if (i >= sets.Length)
        {
            lock (Gate)
            {
                if (i >= _setOfPod.Length) Grow(Math.Max(i + 1, _setOfPod.Length * 2));
                sets = _setOfPod;
            }
        }
        return (sets[i], Volatile.Read(ref _ordinalInSet)[i]);
    }

    private static void Grow(int count)
    {
        // Set sizes 3..10 drawn from one fixed seed: the grouping of the first k Pods never depends on the size asked for.
        var sets = new int[count];
        var ordinals = new int[count];
        var random = new Random(Seed);
        int set = 0, left = random.Next(3, 11), ordinal = 0;
        for (var i = 0; i < count; i++)
        {
            if (left == 0) { set++; left = random.Next(3, 11); ordinal = 0; }
            sets[i] = set;
            ordinals[i] = ordinal++;
            left--;
        }
        _ordinalInSet = ordinals;
        Volatile.Write(ref _setOfPod, sets);
    }

    private static uint Mix32(uint x)
    {
        x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16;
        return x;
    }

    private static string Hex(uint a, int chars) => a.ToString("x8", CultureInfo.InvariantCulture)[..chars];

    // 64 hex digits, distinct for every (i, salt) with salt in 0..3: Mix32 is a bijection and its inputs never repeat.
    private static string Hex64(int i, uint salt)
    {
        var sb = new System.Text.StringBuilder(64);
        for (uint k = 0; k < 8; k++) sb.Append(Mix32(((uint)i << 5) | (salt << 3) | k).ToString("x8", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private readonly record struct SetIdentity(string App, string Namespace, string Hash, string Name, string Uid, string Version, DateTime Created);

    private static SetIdentity Set(int s)
    {
        var h = Mix32((uint)s + 0x9e3779b9u);
        var app = Apps[(int)(h % (uint)Apps.Length)];
        var hash = Hex(Mix32(h), 8)[..6] + Hex(Mix32(h + 1), 4);
        return new SetIdentity(app, Namespaces[(int)(Mix32(h + 2) % (uint)Namespaces.Length)], hash, $"{app}-{hash}",
            Guid(s + 1_000_000), "1.4." + (h % 7), Epoch.AddMinutes(s));
    }

    /// <summary>The namespace and name of the Pod with index <paramref name="i"/>, without building the Pod.</summary>
    public static (string Namespace, string Name) Key(int i) => Key(i, DefaultMix);

    /// <summary>The namespace and name of the Pod with index <paramref name="i"/> in <paramref name="mix"/>.</summary>
    public static (string Namespace, string Name) Key(int i, PodMix mix)
    {
        var set = Set(ReplicaSetOf(i, mix).Set);
        return (set.Namespace, PodName(set, i));
    }

    // The five characters a ReplicaSet appends, from the Pod's index so names never collide within a namespace.
    private static string PodName(SetIdentity set, int i) => $"{set.Name}-{Hex(Mix32((uint)i ^ 0x51ed270bu), 5)}{i % 10}";

    /// <summary>The Pod with index <paramref name="i"/> in the default mix.</summary>
    public static V1Pod Create(int i, string? resourceVersion = null) => Create(i, DefaultMix, resourceVersion);

    /// <summary>The Pod with index <paramref name="i"/> in <paramref name="mix"/>.</summary>
    public static V1Pod Create(int i, PodMix mix, string? resourceVersion = null)
    {
        var (s, ordinal) = ReplicaSetOf(i, mix);
        var set = Set(s);
        var (app, ns, hash, rs) = (set.App, set.Namespace, set.Hash, set.Name);
        var name = PodName(set, i);
        var node = $"node-{Mix32((uint)i + 17) % NodePool:D3}.cluster.internal";
        var created = set.Created.AddSeconds(ordinal);
        var started = Epoch.AddSeconds(i * 3 + 2);
        var podIp = $"10.{244 + (i >> 16) % 8}.{(i >> 8) & 255}.{i & 255}";
        var hostIp = $"10.{(i >> 16) % 250 + 1}.{(i >> 8) & 255}.{(i & 255) ^ 1}";
        var containerIds = (App: Hex64(i, 0), Sidecar: Hex64(i, 1));
        var appImage = $"registry.example.com/{app}:1.4.0";
        var appImageId = $"registry.example.com/{app}@sha256:{Hex64(Array.IndexOf(Apps, app), 2)}";
        const string sidecarImage = "docker.io/envoyproxy/envoy:v1.31.0";
        var sidecarImageId = "docker.io/envoyproxy/envoy@sha256:" + Hex64(99, 2);
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Uid = Guid(i),
                ResourceVersion = resourceVersion ?? (1000 + i).ToString(CultureInfo.InvariantCulture),
                CreationTimestamp = created,
                GenerateName = rs + "-",
                Labels = new Dictionary<string, string>
                {
                    ["app"] = app,
                    ["app.kubernetes.io/name"] = app,
                    ["app.kubernetes.io/instance"] = app + "-prod",
                    ["app.kubernetes.io/version"] = set.Version,
                    ["pod-template-hash"] = hash,
                    ["tier"] = i % 2 == 0 ? "backend" : "frontend",
                },
                Annotations = new Dictionary<string, string>
                {
                    ["kubernetes.io/psp"] = "restricted",
                    ["prometheus.io/scrape"] = "true",
                    ["prometheus.io/port"] = "9090",
                    ["kubectl.kubernetes.io/restartedAt"] = set.Created.ToString("O", CultureInfo.InvariantCulture),
                },
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = rs, Uid = set.Uid,
                        Controller = true, BlockOwnerDeletion = true,
                    },
                ],
                ManagedFields =
                [
                    new V1ManagedFieldsEntry
                    {
                        Manager = "kube-controller-manager", Operation = "Update", ApiVersion = "v1", Time = set.Created, FieldsType = "FieldsV1",
                        FieldsV1 = JsonDocument.Parse(
                            """{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:app.kubernetes.io/instance":{},"f:app.kubernetes.io/name":{},"f:app.kubernetes.io/version":{},"f:pod-template-hash":{},"f:tier":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"RSUID\"}":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:livenessProbe":{".":{},"f:httpGet":{".":{},"f:path":{},"f:port":{},"f:scheme":{}}},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}}},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{},"f:volumes":{".":{},"k:{\"name\":\"config\"}":{".":{},"f:configMap":{".":{},"f:defaultMode":{},"f:name":{}},"f:name":{}}}}}""".Replace("RSUID", set.Uid, StringComparison.Ordinal)).RootElement.Clone(),
                    },
                    new V1ManagedFieldsEntry
                    {
                        Manager = "kubelet", Operation = "Update", ApiVersion = "v1", Time = started.AddSeconds(7), FieldsType = "FieldsV1", Subresource = "status",
                        FieldsV1 = JsonDocument.Parse(
                            """{"f:status":{"f:conditions":{"k:{\"type\":\"ContainersReady\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Initialized\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Ready\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}}},"f:containerStatuses":{},"f:hostIP":{},"f:phase":{},"f:podIP":{},"f:podIPs":{".":{},"k:{\"ip\":\"PODIP\"}":{".":{},"f:ip":{}}},"f:startTime":{}}}""".Replace("PODIP", podIp, StringComparison.Ordinal)).RootElement.Clone(),
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
                Containers = [Container("app", app, appImage, 8080), Container("sidecar", "envoy", sidecarImage, 15000)],
                Volumes =
                [
                    new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = app + "-config", DefaultMode = 420 } },
                    new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
                    new V1Volume
                    {
                        Name = "kube-api-access-" + Hex(Mix32((uint)i ^ 0x2545f491u), 5),
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
                HostIP = hostIp,
                HostIPs = [new V1HostIP { Ip = hostIp }],
                PodIP = podIp,
                PodIPs = [new V1PodIP { Ip = podIp }],
                StartTime = started,
                QosClass = "Burstable",
                Conditions =
                [
                    new V1PodCondition { Type = "Initialized", Status = "True", LastTransitionTime = started },
                    new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = started.AddSeconds(7) },
                    new V1PodCondition { Type = "ContainersReady", Status = "True", LastTransitionTime = started.AddSeconds(7) },
                    new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = started.AddSeconds(-1) },
                ],
                ContainerStatuses =
                [
                    new V1ContainerStatus { Name = "app", Ready = true, Started = true, RestartCount = i % 7 == 0 ? 1 : 0, Image = appImage, ImageID = appImageId, ContainerID = "containerd://" + containerIds.App, State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = started.AddSeconds(2) } } },
                    new V1ContainerStatus { Name = "sidecar", Ready = true, Started = true, RestartCount = 0, Image = sidecarImage, ImageID = sidecarImageId, ContainerID = "containerd://" + containerIds.Sidecar, State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = started.AddSeconds(1) } } },
                ],
            },
        };
    }

    private static V1Container Container(string name, string app, string image, int port) => new()
    {
        Name = name,
        Image = image,
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
            new V1VolumeMount { Name = "config", MountPath = "/etc/" + app, ReadOnlyProperty = true },
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
    public static byte[] ListJson(int count, string resourceVersion = "100000") => ListJson(count, DefaultMix, resourceVersion);

    /// <summary>The JSON of a <c>PodList</c> holding <paramref name="count"/> Pods of <paramref name="mix"/>.</summary>
    public static byte[] ListJson(int count, PodMix mix, string resourceVersion = "100000")
    {
        var list = new V1PodList { ApiVersion = "v1", Kind = "PodList", Metadata = new V1ListMeta { ResourceVersion = resourceVersion }, Items = [] };
        for (var i = 0; i < count; i++) list.Items.Add(Create(i, mix));
        return System.Text.Encoding.UTF8.GetBytes(KubernetesJson.Serialize(list));
    }
}
