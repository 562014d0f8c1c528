using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

public sealed class CrudTests
{
    [Fact]
    public async Task A_patch_that_changes_nothing_keeps_the_resourceVersion_and_the_managed_fields()
    {
        // The server records field managers on every write; a write that changes no field must stay a no-op (the real
        // server ignores managedFields timestamp changes), or watchers see a MODIFIED event for nothing.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { TimeProvider = time });
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", value: "1"), "default", cancellationToken: Timeout());
        var patch = new V1Patch("""{"data":{"v":"2"}}""", V1Patch.PatchType.MergePatch);
        var first = await client.CoreV1.PatchNamespacedConfigMapAsync(patch, "a", "default", fieldManager: "tester", cancellationToken: Timeout());
        time.Advance(TimeSpan.FromMinutes(1)); // a later write would stamp its managedFields entry with a later time

        var again = await client.CoreV1.PatchNamespacedConfigMapAsync(patch, "a", "default", fieldManager: "tester", cancellationToken: Timeout());

        Assert.Equal(first.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
        Assert.Equal(KubernetesJson.Serialize(first.Metadata.ManagedFields), KubernetesJson.Serialize(again.Metadata.ManagedFields));
    }

    [Fact]
    public async Task Create_then_get_returns_the_object_with_server_set_metadata()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var before = long.Parse(emu.ResourceVersion);

        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", value: "1"), "default", cancellationToken: Timeout());
        var fetched = await client.CoreV1.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout());

        Assert.Equal("default", created.Metadata.NamespaceProperty);
        Assert.True(Guid.TryParse(created.Metadata.Uid, out _));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.True(long.Parse(created.Metadata.ResourceVersion) > before);
        Assert.Null(created.Metadata.Generation); // ConfigMaps have no spec, so no generation
        Assert.Equal(created.Metadata.ResourceVersion, fetched.Metadata.ResourceVersion);
        Assert.Equal("1", fetched.Data["v"]);
        Assert.Equal("ConfigMap", fetched.Kind);
        Assert.Equal("v1", fetched.ApiVersion);
    }

    [Fact]
    public async Task Create_with_generateName_yields_a_name_with_that_prefix()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();

        var a = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "gen-" } }, "default", cancellationToken: Timeout());
        var b = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "gen-" } }, "default", cancellationToken: Timeout());

        Assert.StartsWith("gen-", a.Metadata.Name);
        Assert.Equal("gen-".Length + 5, a.Metadata.Name.Length);
        Assert.NotEqual(a.Metadata.Name, b.Metadata.Name);
        Assert.Equal("gen-", a.Metadata.GenerateName);
    }

    [Fact]
    public async Task Create_of_an_existing_name_is_409_AlreadyExists()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout()));

        Assert.Equal(HttpStatusCode.Conflict, ex.Response.StatusCode);
        var status = JsonNode.Parse(ex.Response.Content)!.AsObject();
        AssertStatus(status, 409, "AlreadyExists");
        Assert.Equal("configmaps \"a\" already exists", status["message"]!.GetValue<string>());
        Assert.Equal("configmaps", status["details"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_without_name_or_generateName_is_422_Invalid()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (code, body, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}""");

        Assert.Equal(422, code);
        AssertStatus(body, 422, "Invalid");
        Assert.Equal("metadata.name", body["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.Equal("ConfigMap", body["details"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_body_is_400_BadRequest_and_stores_nothing()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        var rv = emu.ResourceVersion;

        var (code, body, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/configmaps", "{not json");

        Assert.Equal(400, code);
        AssertStatus(body, 400, "BadRequest");
        Assert.Equal(rv, emu.ResourceVersion);
    }

    [Fact]
    public async Task Wrongly_typed_fields_are_400_BadRequest()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (code, body, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":5}}""");

        Assert.Equal(400, code);
        AssertStatus(body, 400, "BadRequest");
    }

    [Fact]
    public async Task Create_with_a_resourceVersion_fails_like_etcd_storage()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var cm = ConfigMap("a");
        cm.Metadata.ResourceVersion = "12";

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default", cancellationToken: Timeout()));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.Response.StatusCode);
        Assert.Contains("resourceVersion should not be set on objects to be created", ex.Response.Content);
    }

    [Fact]
    public async Task Kind_mismatch_in_the_body_is_400_BadRequest()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (code, body, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}""");

        Assert.Equal(400, code);
        AssertStatus(body, 400, "BadRequest");
    }

    [Fact]
    public async Task Get_of_a_missing_object_is_404_NotFound_with_the_real_message()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.AppsV1.ReadNamespacedDeploymentAsync("nope", "default", cancellationToken: Timeout()));

        Assert.Equal(HttpStatusCode.NotFound, ex.Response.StatusCode);
        var status = JsonNode.Parse(ex.Response.Content)!.AsObject();
        AssertStatus(status, 404, "NotFound");
        Assert.Equal("deployments.apps \"nope\" not found", status["message"]!.GetValue<string>());
        Assert.Equal("apps", status["details"]!["group"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_resource_is_404_and_wrong_method_is_405()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (notFound, nfBody, _) = await SendAsync(http, HttpMethod.Get, "api/v1/namespaces/default/widgets");
        var (notAllowed, naBody, _) = await SendAsync(http, HttpMethod.Post, "api/v1/pods", """{"metadata":{"name":"p"}}""");
        var (putCollection, pcBody, _) = await SendAsync(http, HttpMethod.Put, "api/v1/namespaces/default/configmaps", """{"metadata":{"name":"p"}}""");

        Assert.Equal(404, notFound);
        AssertStatus(nfBody, 404, "NotFound");
        Assert.Equal(405, notAllowed);
        AssertStatus(naBody, 405, "MethodNotAllowed");
        Assert.Equal(405, putCollection);
        AssertStatus(pcBody, 405, "MethodNotAllowed");
    }

    [Fact]
    public async Task Update_with_a_stale_resourceVersion_is_409_Conflict()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var v1 = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", value: "1"), "default", cancellationToken: Timeout());
        var fresh = await client.CoreV1.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout());
        fresh.Data = new Dictionary<string, string> { ["v"] = "2" };
        var v2 = await client.CoreV1.ReplaceNamespacedConfigMapAsync(fresh, "a", "default", cancellationToken: Timeout());

        v1.Data = new Dictionary<string, string> { ["v"] = "stale" };
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(v1, "a", "default", cancellationToken: Timeout()));

        Assert.Equal(HttpStatusCode.Conflict, ex.Response.StatusCode);
        var status = JsonNode.Parse(ex.Response.Content)!.AsObject();
        AssertStatus(status, 409, "Conflict");
        Assert.Contains("the object has been modified", status["message"]!.GetValue<string>());
        Assert.True(long.Parse(v2.Metadata.ResourceVersion) > long.Parse(v1.Metadata.ResourceVersion));
        Assert.Equal("2", (await client.CoreV1.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout())).Data["v"]);
    }

    [Fact]
    public async Task Update_keeps_uid_and_creationTimestamp_and_a_noop_update_keeps_the_resourceVersion()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", value: "1"), "default", cancellationToken: Timeout());

        var same = await client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default", cancellationToken: Timeout());
        created.Data["v"] = "2";
        created.Metadata.Uid = null;
        created.Metadata.CreationTimestamp = null;
        var changed = await client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default", cancellationToken: Timeout());
        var changedUid = changed.Metadata.Uid;
        var changedCreation = changed.Metadata.CreationTimestamp;
        var changedRv = changed.Metadata.ResourceVersion;
        changed.Metadata.Uid = "forged";
        var forged = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(changed, "a", "default", cancellationToken: Timeout()));

        Assert.Equal(created.Metadata.ResourceVersion, same.Metadata.ResourceVersion);
        Assert.Equal(same.Metadata.Uid, changedUid);
        Assert.Equal(HttpStatusCode.Conflict, forged.Response.StatusCode);
        Assert.Contains("Precondition failed: UID in precondition: forged", forged.Response.Content);
        Assert.Equal(same.Metadata.CreationTimestamp, changedCreation);
        Assert.NotEqual(same.Metadata.ResourceVersion, changedRv);
    }

    [Fact]
    public async Task Generation_starts_at_1_and_bumps_only_on_spec_changes()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var d = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 1), "default", cancellationToken: Timeout());
        Assert.Equal(1, d.Metadata.Generation);

        d.Metadata.Labels = new Dictionary<string, string> { ["touched"] = "yes" };
        d = await client.AppsV1.ReplaceNamespacedDeploymentAsync(d, "web", "default", cancellationToken: Timeout());
        Assert.Equal(1, d.Metadata.Generation);

        d.Spec.Replicas = 3;
        d = await client.AppsV1.ReplaceNamespacedDeploymentAsync(d, "web", "default", cancellationToken: Timeout());
        Assert.Equal(2, d.Metadata.Generation);

        var patched = await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Timeout());
        Assert.Equal(3, patched.Metadata.Generation);
    }

    [Fact]
    public async Task Status_subresource_changes_only_status_and_main_update_ignores_status()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var d = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 1), "default", cancellationToken: Timeout());

        d.Status = new V1DeploymentStatus { ReadyReplicas = 1, ObservedGeneration = 1 };
        d.Spec.Replicas = 7; // ignored by the status endpoint
        var afterStatus = await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(d, "web", "default", cancellationToken: Timeout());

        Assert.Equal(1, afterStatus.Status.ReadyReplicas);
        Assert.Equal(1, afterStatus.Spec.Replicas);
        Assert.Equal(1, afterStatus.Metadata.Generation);

        afterStatus.Status.ReadyReplicas = 99; // ignored by the main endpoint
        afterStatus.Spec.Replicas = 2;
        var afterMain = await client.AppsV1.ReplaceNamespacedDeploymentAsync(afterStatus, "web", "default", cancellationToken: Timeout());

        Assert.Equal(1, afterMain.Status.ReadyReplicas);
        Assert.Equal(2, afterMain.Spec.Replicas);
        Assert.Equal(2, afterMain.Metadata.Generation);
    }

    [Fact]
    public async Task Merge_patch_replaces_only_the_given_fields_and_null_removes()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var cm = ConfigMap("a", new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "2" });
        cm.Data = new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" };
        await client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default", cancellationToken: Timeout());

        var patch = new V1Patch("""{"metadata":{"labels":{"drop":null,"new":"3"}},"data":{"y":"changed"}}""", V1Patch.PatchType.MergePatch);
        var patched = await client.CoreV1.PatchNamespacedConfigMapAsync(patch, "a", "default", cancellationToken: Timeout());

        Assert.Equal(new Dictionary<string, string> { ["keep"] = "1", ["new"] = "3" }, patched.Metadata.Labels);
        Assert.Equal(new Dictionary<string, string> { ["x"] = "1", ["y"] = "changed" }, patched.Data);
    }

    [Fact]
    public async Task Json_patch_applies_operations()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", value: "1"), "default", cancellationToken: Timeout());

        var patch = new V1Patch("""[{"op":"replace","path":"/data/v","value":"2"},{"op":"add","path":"/data/w","value":"3"}]""", V1Patch.PatchType.JsonPatch);
        var patched = await client.CoreV1.PatchNamespacedConfigMapAsync(patch, "a", "default", cancellationToken: Timeout());

        Assert.Equal(new Dictionary<string, string> { ["v"] = "2", ["w"] = "3" }, patched.Data);
    }

    [Fact]
    public async Task Patch_with_an_unsupported_content_type_is_415()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());

        var (code, body, _) = await SendAsync(http, HttpMethod.Patch, "api/v1/namespaces/default/configmaps/a", "{}", "text/plain");

        Assert.Equal(415, code);
        AssertStatus(body, 415, "UnsupportedMediaType");
    }

    [Fact]
    public async Task Delete_of_a_pod_returns_the_object_and_of_a_configmap_a_Status_like_their_real_registries()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var pod = emu.Seed(ListTests.Pod("p", "default", "node-a", "Running"));
        var cm = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());

        var (podCode, podBody, _) = await SendAsync(http, HttpMethod.Delete, "api/v1/namespaces/default/pods/p");
        var (cmCode, cmBody, _) = await SendAsync(http, HttpMethod.Delete, "api/v1/namespaces/default/configmaps/a");

        Assert.Equal(200, podCode);
        Assert.Equal("Pod", podBody["kind"]!.GetValue<string>());
        Assert.True(long.Parse(podBody["metadata"]!["resourceVersion"]!.GetValue<string>()) > long.Parse(pod.Metadata.ResourceVersion));
        Assert.Equal(200, cmCode);
        Assert.Equal("Status", cmBody["kind"]!.GetValue<string>());
        Assert.Equal("Success", cmBody["status"]!.GetValue<string>());
        Assert.Equal(cm.Metadata.Uid, cmBody["details"]!["uid"]!.GetValue<string>());
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout()));
        Assert.Equal(HttpStatusCode.NotFound, ex.Response.StatusCode);
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedPodAsync("p", "default", cancellationToken: Timeout()));
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
    }

    [Fact]
    public async Task Delete_with_finalizers_sets_deletionTimestamp_and_removing_the_last_finalizer_deletes()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var cm = ConfigMap("a");
        cm.Metadata.Finalizers = ["example.com/one", "example.com/two"];
        await client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default", cancellationToken: Timeout());

        await client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout());
        var marked = await client.CoreV1.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout());
        Assert.NotNull(marked.Metadata.DeletionTimestamp);

        marked.Metadata.Finalizers = ["example.com/two"];
        var stillThere = await client.CoreV1.ReplaceNamespacedConfigMapAsync(marked, "a", "default", cancellationToken: Timeout());
        Assert.NotNull(stillThere.Metadata.DeletionTimestamp);
        Assert.Equal(marked.Metadata.DeletionTimestamp, stillThere.Metadata.DeletionTimestamp);

        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: Timeout());
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout()));
        Assert.Equal(HttpStatusCode.NotFound, ex.Response.StatusCode);
    }

    [Fact]
    public async Task Delete_precondition_on_a_stale_resourceVersion_is_409()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"x":"1"}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: Timeout());

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default",
            body: new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = created.Metadata.ResourceVersion } }, cancellationToken: Timeout()));

        Assert.Equal(HttpStatusCode.Conflict, ex.Response.StatusCode);
    }

    [Fact]
    public async Task ResourceVersion_is_global_and_monotonic_across_resources()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();

        var cm = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        var ns = await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } }, cancellationToken: Timeout());
        var cm2 = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default", cancellationToken: Timeout());

        Assert.Equal(long.Parse(cm.Metadata.ResourceVersion) + 1, long.Parse(ns.Metadata.ResourceVersion));
        Assert.Equal(long.Parse(ns.Metadata.ResourceVersion) + 1, long.Parse(cm2.Metadata.ResourceVersion));
        Assert.Equal("Active", ns.Status.Phase);
        Assert.Null(ns.Metadata.NamespaceProperty);
    }

    [Fact]
    public async Task Cluster_scoped_resources_are_served_without_a_namespace_and_404_with_one()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);

        await client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "n1" } }, cancellationToken: Timeout());
        var (code, _, _) = await SendAsync(http, HttpMethod.Get, "api/v1/namespaces/default/nodes/n1");

        Assert.Equal("n1", (await client.CoreV1.ReadNodeAsync("n1", cancellationToken: Timeout())).Metadata.Name);
        Assert.Equal(404, code);
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_its_objects_and_marks_finalized_ones()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } }, cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("plain"), "team", cancellationToken: Timeout());
        var finalized = ConfigMap("finalized");
        finalized.Metadata.Finalizers = ["example.com/keep"];
        await client.CoreV1.CreateNamespacedConfigMapAsync(finalized, "team", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("plain"), "default", cancellationToken: Timeout());

        await client.CoreV1.DeleteNamespaceAsync("team", cancellationToken: Timeout());
        var left = await client.CoreV1.ListNamespacedConfigMapAsync("team", cancellationToken: Timeout());
        var untouched = await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout());

        Assert.Equal(["finalized"], left.Items.Select(i => i.Metadata.Name));
        Assert.NotNull(left.Items[0].Metadata.DeletionTimestamp);
        Assert.Equal(["plain"], untouched.Items.Select(i => i.Metadata.Name));
    }

    [Fact]
    public async Task DryRun_All_answers_with_the_result_but_stores_nothing()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var rvBefore = emu.ResourceVersion;

        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", dryRun: "All", cancellationToken: Timeout());
        var afterCreate = await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default", cancellationToken: Timeout());
        var rvStored = emu.ResourceVersion;
        var patched = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"changed"}}""", V1Patch.PatchType.MergePatch), "b", "default", dryRun: "All", cancellationToken: Timeout());
        await client.CoreV1.DeleteNamespacedConfigMapAsync("b", "default", dryRun: "All", cancellationToken: Timeout());
        var stillThere = await client.CoreV1.ReadNamespacedConfigMapAsync("b", "default", cancellationToken: Timeout());
        var bad = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "default", dryRun: "Some", cancellationToken: Timeout()));

        Assert.Equal("a", created.Metadata.Name);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.Null(created.Metadata.ResourceVersion);
        Assert.Empty(afterCreate.Items);
        Assert.Equal("changed", patched.Data["k"]);
        Assert.Equal(rvStored, emu.ResourceVersion);
        Assert.NotEqual(rvBefore, rvStored);
        Assert.Null(stillThere.Data);
        Assert.Equal(HttpStatusCode.BadRequest, bad.Response.StatusCode);
    }

    internal static V1Deployment Deployment(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx" }] },
            },
        },
    };
}
