using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

[KubernetesEntity(Group = "stable.example.com", ApiVersion = "v1", Kind = "CronTab", PluralName = "crontabs")]
public sealed class CronTab : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "stable.example.com/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "CronTab";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public CronTabSpec? Spec { get; set; }

    [JsonPropertyName("status")]
    public CronTabStatus? Status { get; set; }
}

public sealed class CronTabSpec
{
    [JsonPropertyName("cronSpec")]
    public string? CronSpec { get; set; }
}

public sealed class CronTabStatus
{
    [JsonPropertyName("lastRun")]
    public string? LastRun { get; set; }
}

public sealed class CronTabList : IKubernetesObject<V1ListMeta>, IItems<CronTab>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "stable.example.com/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "CronTabList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<CronTab> Items { get; set; } = [];
}

public sealed class CustomResourceTests
{
    private const string Group = "stable.example.com";

    private static CronTab Tab(string name, string cron = "* * * * */5") => new() { Metadata = new V1ObjectMeta { Name = name }, Spec = new CronTabSpec { CronSpec = cron } };

    private static async Task<CronTab> CreateTabAsync(Kubernetes client, CronTab tab, string ns = "default")
    {
        var result = await client.CustomObjects.CreateNamespacedCustomObjectAsync(tab, Group, "v1", ns, "crontabs", cancellationToken: Timeout());
        return ((JsonElement)result).Deserialize<CronTab>()!;
    }

    [Fact]
    public async Task Creating_a_CRD_serves_its_resource_and_deleting_it_stops_serving()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var (before, _, _) = await SendAsync(http, HttpMethod.Get, "apis/stable.example.com/v1/namespaces/default/crontabs");

        var crd = await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(CronTabCrd(), cancellationToken: Timeout());
        var created = await CreateTabAsync(client, Tab("nightly"));
        var list = await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<CronTabList>(Group, "v1", "default", "crontabs", cancellationToken: Timeout());
        await client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync(crd.Metadata.Name, cancellationToken: Timeout());
        var (after, afterBody, _) = await SendAsync(http, HttpMethod.Get, "apis/stable.example.com/v1/namespaces/default/crontabs");

        Assert.Equal(404, before);
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal("default", created.Metadata.NamespaceProperty);
        Assert.Equal(["nightly"], list.Body.Items.Select(i => i.Metadata.Name));
        Assert.Equal("CronTabList", list.Body.Kind);
        Assert.Equal(404, after);
        AssertStatus(afterBody, 404, "NotFound");
    }

    [Fact]
    public async Task Custom_resource_generation_bumps_when_a_top_level_field_appears_or_disappears_but_not_for_metadata()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(CronTabCrd(), cancellationToken: Timeout());
        const string path = "apis/stable.example.com/v1/namespaces/default/crontabs";
        const string mergePatch = "application/merge-patch+json";

        var (createCode, created, _) = await SendAsync(http, HttpMethod.Post, path, """{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"bare"}}""");
        var (_, added, _) = await SendAsync(http, HttpMethod.Patch, path + "/bare", """{"extra":"x"}""", mergePatch);
        var (_, labelled, _) = await SendAsync(http, HttpMethod.Patch, path + "/bare", """{"metadata":{"labels":{"a":"b"}}}""", mergePatch);
        var (_, removed, _) = await SendAsync(http, HttpMethod.Patch, path + "/bare", """{"extra":null}""", mergePatch);

        static long Generation(System.Text.Json.Nodes.JsonObject o) => o["metadata"]!["generation"]!.GetValue<long>();
        Assert.Equal(201, createCode);
        Assert.Equal(1, Generation(created));
        Assert.Equal(2, Generation(added));
        Assert.Equal(2, Generation(labelled));
        Assert.Equal(3, Generation(removed));
    }

    [Fact]
    public async Task CRD_name_must_be_plural_dot_group()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var crd = CronTabCrd();
        crd.Metadata.Name = "wrong.example.com";

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: Timeout()));

        Assert.Equal(422, (int)ex.Response.StatusCode);
    }

    [Fact]
    public async Task Delete_of_a_custom_resource_returns_a_Status()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(CronTabCrd(), cancellationToken: Timeout());
        var tab = await CreateTabAsync(client, Tab("a"));

        var (code, body, _) = await SendAsync(http, HttpMethod.Delete, "apis/stable.example.com/v1/namespaces/default/crontabs/a");

        Assert.Equal(200, code);
        Assert.Equal("Status", body["kind"]!.GetValue<string>());
        Assert.Equal("Success", body["status"]!.GetValue<string>());
        Assert.Equal("a", body["details"]!["name"]!.GetValue<string>());
        Assert.Equal("crontabs", body["details"]!["kind"]!.GetValue<string>());
        Assert.Equal(tab.Metadata.Uid, body["details"]!["uid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_subresource_of_a_CR_changes_only_status_and_create_drops_status()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(CronTabCrd(), cancellationToken: Timeout());
        var withStatus = Tab("a");
        withStatus.Status = new CronTabStatus { LastRun = "ignored-on-create" };
        var created = await CreateTabAsync(client, withStatus);

        var patch = new V1Patch("""{"status":{"lastRun":"now"},"spec":{"cronSpec":"ignored"}}""", V1Patch.PatchType.MergePatch);
        var afterStatus = ((JsonElement)await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, Group, "v1", "default", "crontabs", "a", cancellationToken: Timeout())).Deserialize<CronTab>()!;
        var specPatch = new V1Patch("""{"spec":{"cronSpec":"0 0 * * *"},"status":{"lastRun":"ignored"}}""", V1Patch.PatchType.MergePatch);
        var afterSpec = ((JsonElement)await client.CustomObjects.PatchNamespacedCustomObjectAsync(specPatch, Group, "v1", "default", "crontabs", "a", cancellationToken: Timeout())).Deserialize<CronTab>()!;

        Assert.Null(created.Status);
        Assert.Equal("now", afterStatus.Status!.LastRun);
        Assert.Equal("* * * * */5", afterStatus.Spec!.CronSpec);
        Assert.Equal(1, afterStatus.Metadata.Generation);
        Assert.Equal("now", afterSpec.Status!.LastRun);
        Assert.Equal("0 0 * * *", afterSpec.Spec!.CronSpec);
        Assert.Equal(2, afterSpec.Metadata.Generation);
    }

    [Fact]
    public async Task Strategic_merge_patch_on_a_custom_resource_is_415()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(CronTabCrd(), cancellationToken: Timeout());
        await CreateTabAsync(client, Tab("a"));

        var (code, body, _) = await SendAsync(http, HttpMethod.Patch, "apis/stable.example.com/v1/namespaces/default/crontabs/a", "{}", "application/strategic-merge-patch+json");

        Assert.Equal(415, code);
        AssertStatus(body, 415, "UnsupportedMediaType");
    }

    [Fact]
    public async Task Typed_CR_watch_through_CustomObjects_sees_finalizer_driven_deletion()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(CronTabCrd(), cancellationToken: Timeout());
        var start = emu.ResourceVersion;
        await using var watch = new WatchTests.TypedWatch<CronTab>((onError, ct) =>
            client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<CronTabList>(Group, "v1", "default", "crontabs", resourceVersion: start, watch: true, cancellationToken: ct)
                .WatchAsync<CronTab, CronTabList>(onError, ct));

        var tab = Tab("a");
        tab.Metadata.Finalizers = ["example.com/cleanup"];
        await CreateTabAsync(client, tab);
        var (delCode, delBody, _) = await SendAsync(Http(emu), HttpMethod.Delete, "apis/stable.example.com/v1/namespaces/default/crontabs/a");
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"metadata":{"finalizers":[]}}""", V1Patch.PatchType.MergePatch), Group, "v1", "default", "crontabs", "a", cancellationToken: Timeout());

        var added = await watch.NextAsync();
        var marked = await watch.NextAsync();
        var deleted = await watch.NextAsync();

        Assert.Equal(200, delCode);
        Assert.Equal("CronTab", delBody["kind"]!.GetValue<string>()); // still there: the object, not a Status
        Assert.Equal(WatchEventType.Added, added.Type);
        Assert.Equal(WatchEventType.Modified, marked.Type);
        Assert.NotNull(marked.Object.Metadata.DeletionTimestamp);
        Assert.Equal(WatchEventType.Deleted, deleted.Type);
    }

    [Fact]
    public async Task Cluster_scoped_CRD_serves_without_namespace()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(CronTabCrd(scope: "Cluster"), cancellationToken: Timeout());

        await client.CustomObjects.CreateClusterCustomObjectAsync(Tab("global"), Group, "v1", "crontabs", cancellationToken: Timeout());
        var list = await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<CronTabList>(Group, "v1", "crontabs", cancellationToken: Timeout());

        var (_, raw, _) = await SendAsync(Http(emu), HttpMethod.Get, "apis/stable.example.com/v1/crontabs");

        Assert.Equal("global", list.Body.Items.Single().Metadata.Name);
        Assert.Null(list.Body.Items.Single().Metadata.NamespaceProperty);
        Assert.Equal("CronTab", raw["items"]![0]!["kind"]!.GetValue<string>()); // custom resource list items keep their type meta
    }

    [Fact]
    public async Task CRD_selectableFields_are_usable_as_field_selectors()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var crd = CronTabCrd();
        crd.Spec.Versions[0].SelectableFields = [new V1SelectableField { JsonPath = ".spec.cronSpec" }];
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: Timeout());
        await CreateTabAsync(client, Tab("hourly", "0 * * * *"));
        await CreateTabAsync(client, Tab("daily", "0 0 * * *"));

        var hourly = await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<CronTabList>(Group, "v1", "default", "crontabs", fieldSelector: "spec.cronSpec=0 * * * *", cancellationToken: Timeout());
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<CronTabList>(Group, "v1", "default", "crontabs", fieldSelector: "spec.other=x", cancellationToken: Timeout()));

        Assert.Equal(["hourly"], hourly.Body.Items.Select(i => i.Metadata.Name));
        Assert.Equal(400, (int)ex.Response.StatusCode);
    }
}
