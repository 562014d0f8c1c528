using System.Text;
using System.Text.Json;
using CsCheck;
using k8s;
using k8s.Models;
using KubeInformers.Generator.IntegrationTests.Model;

namespace KubeInformers.Generator.IntegrationTests;

/// <summary>
/// The generated projection readers: for any Pod, a projection decoded from the Pod's JSON holds exactly what the same
/// paths read from the fully decoded model; unknown, missing and null fields, lists, maps and partial buffers.
/// </summary>
public class ProjectionReaderTests
{
    private static readonly Gen<string> Word = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0-9-"], 1, 12];
    private static readonly Gen<string?> MaybeWord = Gen.Frequency((3, Word.Select(w => (string?)w)), (1, Gen.Const((string?)null)));

    private static readonly Gen<Dictionary<string, string>?> Labels =
        Gen.Frequency(
            (1, Gen.Const((Dictionary<string, string>?)null)),
            (4, Gen.Select(Gen.Bool, Gen.Bool, Word, Word, Gen.Dictionary(Word, Word)[0, 4], (app, named, a, n, rest) =>
            {
                var labels = new Dictionary<string, string>(rest);
                if (app) labels["app"] = a;
                if (named) labels["app.kubernetes.io/name"] = n;
                return (Dictionary<string, string>?)labels;
            })));

    private static readonly Gen<V1ContainerPort> Port = Gen.Int[1, 65535].Select(p => new V1ContainerPort { ContainerPort = p, Name = "p" + p });

    private static readonly Gen<V1Container> Container = Gen.Select(Word, MaybeWord, Port.List[0, 3].Null(), Gen.Bool,
        (name, image, ports, limits) => new V1Container
        {
            Name = name,
            Image = image,
            Ports = ports,
            Resources = limits ? new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("64Mi") } } : null,
            Env = [new V1EnvVar { Name = "UNREAD", Value = "skipped" }],
        });

    private static readonly Gen<DateTime?> Time = Gen.Frequency(
        (1, Gen.Const((DateTime?)null)),
        (3, Gen.Int[0, 1_000_000_000].Select(s => (DateTime?)new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(s))));

    private static readonly Gen<List<V1PodCondition>?> Conditions =
        Gen.Select(Word, Gen.Bool, (type, ok) => new V1PodCondition { Type = type, Status = ok ? "True" : "False" }).List[0, 3].Null();

    /// <summary>V1Pod-shaped objects: identity, labels, owners, containers with ports, status with conditions, and parts no projection reads.</summary>
    private static readonly Gen<V1Pod> Pods =
        Gen.Select(
            Gen.Select(Word, Word, Gen.Guid, Gen.Long[1, long.MaxValue], Labels, Time),
            Gen.Select(MaybeWord, Container.List[0, 4].Null(), Gen.Int.Nullable(), Gen.Bool.Nullable(), Gen.Dictionary(Word, Word)[0, 2].Null()),
            Gen.Select(MaybeWord, Time, Conditions, Gen.Bool, Word.Null()),
            (meta, spec, status) => new V1Pod
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = new V1ObjectMeta
                {
                    Name = meta.Item1,
                    NamespaceProperty = meta.Item2,
                    Uid = meta.Item3.ToString(),
                    ResourceVersion = meta.Item4.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Labels = meta.Item5,
                    CreationTimestamp = meta.Item6,
                    Annotations = new Dictionary<string, string> { ["note"] = "not read" },
                    OwnerReferences = meta.Item4 % 2 == 0 ? [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs-" + meta.Item1, Uid = meta.Item3.ToString(), Controller = true }] : null,
                    ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Update", FieldsType = "FieldsV1" }],
                },
                Spec = new V1PodSpec
                {
                    NodeName = spec.Item1,
                    Containers = spec.Item2,
                    Priority = spec.Item3,
                    HostNetwork = spec.Item4,
                    NodeSelector = spec.Item5,
                    SecurityContext = status.Item4 ? new V1PodSecurityContext { RunAsUser = 1000, RunAsNonRoot = true } : null,
                    Volumes = [new V1Volume { Name = "unread", EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory" } }],
                },
                Status = new V1PodStatus
                {
                    Phase = status.Item1,
                    StartTime = status.Item2,
                    Conditions = status.Item3,
                    PodIP = status.Item5,
                },
            });

    [Fact]
    public void ProjectionOfAnyPodEqualsTheSamePathsReadFromTheFullModel()
    {
        Pods.Sample(pod =>
        {
            var json = KubernetesJson.Serialize(pod);
            var full = KubernetesJson.Deserialize<V1Pod>(json);
            AssertSamePaths(full, KubernetesJson.Deserialize<PodSummary>(json), KubernetesJson.Deserialize<PodDetails>(json));
        }, iter: 300);
    }

    [Fact]
    public void ProjectionsOfListItemsDecodedByWorkersEqualTheSamePathsReadFromTheFullModel()
    {
        // Workers hold whole items, so projections skip large subtrees by scanning for their end (ProjectionSkipping).
        var before = ProjectionSkipping.Statistics;
        Gen.Select(Pods.List[1, 12], Gen.Int[1, 3000]).Sample((pods, batchBytes) =>
        {
            var body = Encoding.UTF8.GetBytes("{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"5\"},\"items\":[" +
                string.Join(",", pods.Select(p => KubernetesJson.Serialize(p))) + "]}");
            var summaries = ListBodyReader.ReadAsync<PodSummary>(new MemoryStream(body), "pods", default, true, parallelism: 2, batchBytes).GetAwaiter().GetResult().Items;
            var details = ListBodyReader.ReadAsync<PodDetails>(new MemoryStream(body), "pods", default, true, parallelism: 2, batchBytes).GetAwaiter().GetResult().Items;

            Assert.Equal(pods.Count, summaries.Count);
            Assert.Equal(pods.Count, details.Count);
            for (var i = 0; i < pods.Count; i++)
            {
                AssertSamePaths(KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(pods[i])), summaries[i], details[i]);
            }
        }, iter: 200);

        // The scanned skips were used and never needed the token-by-token fallback.
        var after = ProjectionSkipping.Statistics;
        Assert.True(after.Scanned - before.Scanned > 200, $"{after.Scanned - before.Scanned} items skipped by scanning");
        Assert.Equal(before.Retried, after.Retried);
    }

    private static void AssertSamePaths(V1Pod full, PodSummary summary, PodDetails details)
    {
        AssertIdentity(full, summary);
        Assert.Equal(full.Spec?.NodeName, summary.NodeName);
        Assert.Equal(full.Status?.Phase, summary.Phase);
        Assert.Equal(full.Spec?.Containers?.Select(c => c.Image).OfType<string>() ?? [], summary.Images);
        Assert.Equal(full.Metadata.Labels, summary.Labels);
        Assert.Equal(full.Metadata.Labels, summary.Metadata.Labels);
        Assert.Null(summary.Metadata.Annotations);
        Assert.Null(summary.Metadata.ManagedFields);
        Assert.Null(summary.Metadata.OwnerReferences);

        AssertIdentity(full, details);
        Assert.Equal(Label(full, "app"), details.App);
        Assert.Equal(Label(full, "app.kubernetes.io/name"), details.AppName);
        Assert.Equal(full.Spec?.Containers?.SelectMany(c => c.Ports ?? []).Select(p => p.ContainerPort) ?? [], details.Ports);
        Assert.Equal(full.Spec?.Containers?.Select(c => c.Name) ?? [], details.ContainerNames);
        Assert.Equal(full.Spec?.Priority, details.Priority);
        Assert.Equal(full.Spec?.HostNetwork, details.HostNetwork);
        Assert.Equal(full.Status?.StartTime, details.StartTime);
        Assert.Equal(full.Metadata.CreationTimestamp, details.Created);
        Assert.Equal(full.Metadata.CreationTimestamp, details.Metadata.CreationTimestamp);
        Assert.Equal(Json(full.Status?.Conditions ?? []), Json(details.Conditions));
        Assert.Equal(Json(full.Spec?.SecurityContext), Json(details.SecurityContext));
        Assert.Equal(Json(full.Metadata.OwnerReferences ?? []), Json(details.Owners));
        Assert.Equal(Json(full.Metadata.OwnerReferences), Json(details.Metadata.OwnerReferences));
        Assert.Equal(full.Spec?.NodeSelector, details.NodeSelector);
        Assert.Equal(
            Json(full.Spec?.Containers?.Select(c => c.Resources?.Limits).OfType<IDictionary<string, ResourceQuantity>>() ?? []),
            Json(details.Limits));
    }

    [Fact]
    public void ProjectionReadsListItemsFromAReaderOverAPartialBuffer()
    {
        // List items reach the converter through a reader that is not the final block (the rest of the body is still
        // streaming); skipping must still work.
        Pods.Sample(pod =>
        {
            var bytes = Encoding.UTF8.GetBytes(KubernetesJson.Serialize(pod) + ",{\"kind\":\"Pod\"");
            var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: default);
            Assert.True(reader.Read());
            var summary = JsonSerializer.Deserialize<PodSummary>(ref reader, new JsonSerializerOptions());
            Assert.NotNull(summary);
            Assert.Equal(pod.Metadata.Name, summary.Metadata.Name);
            Assert.Equal(pod.Spec?.NodeName, summary.NodeName);
            Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
        }, iter: 50);
    }

    [Fact]
    public void TryReadOnATruncatedBufferNeverReturnsAPartialObject()
    {
        // List items are decoded straight from the stream's buffer, which may end anywhere inside an item: the reader
        // must then say "need more data", never hand out half an object.
        var converter = new PodDetails.ProjectionJsonConverter();
        var options = new JsonSerializerOptions();
        Pods.Sample(pod =>
        {
            var bytes = Encoding.UTF8.GetBytes(KubernetesJson.Serialize(pod));
            var expected = KubernetesJson.Deserialize<PodDetails>(Encoding.UTF8.GetString(bytes));
            for (var cut = 1; cut < bytes.Length; cut += 7)
            {
                var partial = new Utf8JsonReader(bytes.AsSpan(0, cut), isFinalBlock: false, state: default);
                Assert.True(partial.Read());
                Assert.False(converter.TryRead(ref partial, options, out var none), $"cut at {cut} of {bytes.Length}");
                Assert.Null(none);
            }

            var whole = new Utf8JsonReader(bytes, isFinalBlock: false, state: default);
            Assert.True(whole.Read());
            Assert.True(converter.TryRead(ref whole, options, out var details));
            Assert.Equal(bytes.Length, (int)whole.BytesConsumed);
            Assert.Equal(expected.Ports, details.Ports);
            Assert.Equal(expected.Metadata.Uid, details.Metadata.Uid);
            Assert.Equal(Json(expected.Conditions), Json(details.Conditions));
        }, iter: 40);
    }

    [Fact]
    public void UnknownFieldsAreSkippedAtEveryLevel()
    {
        const string json = """
            {"apiVersion":"v1","kind":"Pod","future":{"deep":[1,{"x":[null,true]}]},
             "metadata":{"name":"a","namespace":"ns","uid":"u","resourceVersion":"7","unknownMeta":{"k":"v"},"labels":{"app":"web"}},
             "spec":{"newField":[{"a":1}],"nodeName":"n1","containers":[{"image":"img","futureKey":{"z":1}}]},
             "status":{"phase":"Running","extra":"x"},"trailing":"ignored"}
            """;
        var summary = KubernetesJson.Deserialize<PodSummary>(json);
        Assert.Equal(("a", "ns", "u", "7"), (summary.Metadata.Name, summary.Metadata.NamespaceProperty, summary.Metadata.Uid, summary.Metadata.ResourceVersion));
        Assert.Equal("n1", summary.NodeName);
        Assert.Equal("Running", summary.Phase);
        Assert.Equal(["img"], summary.Images);
        Assert.Equal("web", summary.Labels!["app"]);
        Assert.Equal("v1", summary.ApiVersion);
        Assert.Equal("Pod", summary.Kind);
    }

    [Fact]
    public void MissingAndNullFieldsLeaveMembersAtTheirDefaults()
    {
        var missing = KubernetesJson.Deserialize<PodDetails>("""{"metadata":{"name":"a"}}""");
        var nulls = KubernetesJson.Deserialize<PodDetails>("""
            {"metadata":{"name":"a","labels":null,"ownerReferences":null,"creationTimestamp":null},
             "spec":{"containers":[null,{"name":null,"ports":null},{"name":"c","ports":[{"containerPort":null},{"containerPort":80}]}],
                     "priority":null,"hostNetwork":null,"securityContext":null,"nodeSelector":null},
             "status":null}
            """);
        foreach (var details in new[] { missing, nulls })
        {
            Assert.Equal("a", details.Metadata.Name);
            Assert.Null(details.Metadata.NamespaceProperty);
            Assert.Null(details.App);
            Assert.Null(details.Priority);
            Assert.Null(details.HostNetwork);
            Assert.Null(details.StartTime);
            Assert.Null(details.Created);
            Assert.Null(details.SecurityContext);
            Assert.Null(details.NodeSelector);
            Assert.Empty(details.Conditions);
            Assert.Empty(details.Owners);
            Assert.Null(details.Metadata.Labels);
        }

        Assert.Empty(missing.Ports);
        Assert.Equal([80], nulls.Ports);            // null ports and null elements are left out
        Assert.Equal(["c"], nulls.ContainerNames);  // a null name is left out
    }

    [Fact]
    public void PathsThroughListsOfListsAndMapsCollectEveryValueInDocumentOrder()
    {
        var details = KubernetesJson.Deserialize<PodDetails>("""
            {"metadata":{"name":"a","labels":{"app":"web","app.kubernetes.io/name":"shop"}},
             "spec":{"containers":[{"name":"c1","ports":[{"containerPort":1},{"containerPort":2}]},{"name":"c2"},{"name":"c3","ports":[{"containerPort":3}],
                     "resources":{"limits":{"cpu":"1"}}}],
                     "nodeSelector":{"disk":"ssd"}}}
            """);
        Assert.Equal([1, 2, 3], details.Ports);
        Assert.Equal(["c1", "c2", "c3"], details.ContainerNames);
        Assert.Equal("web", details.App);
        Assert.Equal("shop", details.AppName);
        Assert.Equal("ssd", details.NodeSelector!["disk"]);
        Assert.Equal("1", Assert.Single(details.Limits)["cpu"].ToString());
    }

    [Fact]
    public void BookmarkAnnotationIsKeptEvenWhenAnnotationsAreNotProjected()
    {
        var bookmark = KubernetesJson.Deserialize<PodSummary>("""
            {"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"12","annotations":{"other":"x","k8s.io/initial-events-end":"true"}}}
            """);
        Assert.Equal("12", bookmark.Metadata.ResourceVersion);
        Assert.Equal(new Dictionary<string, string> { ["k8s.io/initial-events-end"] = "true" }, bookmark.Metadata.Annotations);
        Assert.True(new WatchEvent<PodSummary>(WatchEventType.Bookmark, bookmark).IsInitialEventsEnd);
    }

    [Fact]
    public void WrongJsonTypesAreClearErrors()
    {
        Assert.Throws<JsonException>(() => KubernetesJson.Deserialize<PodSummary>("""{"metadata":{"name":"a"},"spec":"oops"}"""));
        Assert.Throws<JsonException>(() => KubernetesJson.Deserialize<PodSummary>("""{"metadata":{"name":"a"},"spec":{"containers":{"image":"x"}}}"""));
        Assert.ThrowsAny<Exception>(() => KubernetesJson.Deserialize<PodSummary>("""{"metadata":{"name":5}}"""));
        Assert.Throws<JsonException>(() => KubernetesJson.Deserialize<PodSummary>("[1]"));
    }

    [Fact]
    public void ProjectionsCannotBeSerializedBack()
    {
        var summary = KubernetesJson.Deserialize<PodSummary>("""{"metadata":{"name":"a"}}""");
        Assert.Throws<NotSupportedException>(() => KubernetesJson.Serialize(summary));
    }

    [Fact]
    public void MetadataOnlyProjectionKeepsIdentity()
    {
        var ns = KubernetesJson.Deserialize<NamespaceIdentity>("""
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","uid":"u1","resourceVersion":"3","labels":{"a":"b"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}
            """);
        Assert.Equal(("team-a", "u1", "3"), (ns.Metadata.Name, ns.Metadata.Uid, ns.Metadata.ResourceVersion));
        Assert.Null(ns.Metadata.Labels);
        Assert.Equal("Namespace", ns.Kind);
    }

    private static string? Label(V1Pod pod, string key)
        => pod.Metadata.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;

    private static string Json(object? value) => value is null ? "null" : KubernetesJson.Serialize(value);

    private static void AssertIdentity(V1Pod full, IKubernetesObject<V1ObjectMeta> projection)
    {
        Assert.Equal(full.Metadata.Name, projection.Metadata.Name);
        Assert.Equal(full.Metadata.NamespaceProperty, projection.Metadata.NamespaceProperty);
        Assert.Equal(full.Metadata.Uid, projection.Metadata.Uid);
        Assert.Equal(full.Metadata.ResourceVersion, projection.Metadata.ResourceVersion);
    }
}
