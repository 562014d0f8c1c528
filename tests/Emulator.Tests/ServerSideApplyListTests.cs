using System.Text.Json.Nodes;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

/// <summary>Server-side apply of lists with merge keys: items merge by key and each item has its own owners.</summary>
public sealed class ServerSideApplyListTests
{
    private const string Path = "apis/apps/v1/namespaces/default/deployments/web";

    private static string Apply(params (string Name, string Image)[] containers)
    {
        var list = new JsonArray(containers.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["image"] = c.Image }).ToArray());
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = "web" },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
                    ["spec"] = new JsonObject { ["containers"] = list },
                },
            },
        }.ToJsonString();
    }

    private static Task<(int Code, JsonObject Body, HttpResponseMessage Response)> ApplyAsync(HttpClient http, string manager, string body, bool force = false) =>
        SendAsync(http, HttpMethod.Patch, $"{Path}?fieldManager={manager}{(force ? "&force=true" : string.Empty)}", body, "application/apply-patch+yaml");

    private static List<string> Containers(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>() + "=" + c["image"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Two_managers_applying_different_containers_both_keep_theirs()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (first, _, _) = await ApplyAsync(http, "app", Apply(("app", "app:1")));
        var (second, merged, _) = await ApplyAsync(http, "sidecar", Apply(("proxy", "envoy:1")));

        Assert.Equal(201, first);
        Assert.Equal(200, second);
        Assert.Equal(["app=app:1", "proxy=envoy:1"], Containers(merged));
    }

    [Fact]
    public async Task A_manager_that_stops_applying_its_container_removes_only_that_container()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        await ApplyAsync(http, "app", Apply(("app", "app:1"), ("debug", "busybox")));
        await ApplyAsync(http, "sidecar", Apply(("proxy", "envoy:1")));

        var (code, result, _) = await ApplyAsync(http, "app", Apply(("app", "app:2")));

        Assert.Equal(200, code);
        Assert.Equal(["app=app:2", "proxy=envoy:1"], Containers(result));
    }

    [Fact]
    public async Task A_field_of_another_managers_container_conflicts_with_the_item_path_kubectl_prints()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        await ApplyAsync(http, "app", Apply(("app", "app:1")));

        var (code, body, _) = await ApplyAsync(http, "other", Apply(("app", "app:9")));
        var (forced, result, _) = await ApplyAsync(http, "other", Apply(("app", "app:9")), force: true);

        Assert.Equal(409, code);
        Assert.Equal(".spec.template.spec.containers[name=\"app\"].image", body["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(200, forced);
        Assert.Equal(["app=app:9"], Containers(result));
    }

    [Fact]
    public async Task Managed_fields_name_list_items_by_key_as_the_real_FieldsV1_does()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (_, created, _) = await ApplyAsync(http, "app", Apply(("app", "app:1")));

        var entry = created["metadata"]!["managedFields"]!.AsArray().Single(e => e!["manager"]!.GetValue<string>() == "app")!;
        var containers = entry["fieldsV1"]!["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!.AsObject();
        var item = containers["k:{\"name\":\"app\"}"]!.AsObject();
        Assert.True(item.ContainsKey("."));
        Assert.True(item.ContainsKey("f:image"));
        Assert.True(item.ContainsKey("f:name"));
    }

    [Fact]
    public async Task A_container_added_by_an_update_stays_when_the_applier_reapplies_without_it()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        await ApplyAsync(http, "app", Apply(("app", "app:1")));
        var patch = """{"spec":{"template":{"spec":{"containers":[{"name":"injected","image":"agent:1"}]}}}}""";
        var (patched, _, _) = await SendAsync(http, HttpMethod.Patch, Path + "?fieldManager=injector", patch, "application/strategic-merge-patch+json");

        var (code, result, _) = await ApplyAsync(http, "app", Apply(("app", "app:2")));

        Assert.Equal(200, patched);
        Assert.Equal(200, code);
        Assert.Equal(["app=app:2", "injected=agent:1"], Containers(result));
    }
}
