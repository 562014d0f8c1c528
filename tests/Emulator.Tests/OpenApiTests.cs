using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeInformers.Emulator.Internal.OpenApi;
using KubeInformers.Emulator.Internal.Protobuf;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

public sealed class OpenApiTests
{
    [Fact]
    public void SchemaFor_a_model_type_gives_json_names_types_and_descriptions()
    {
        var deployment = BuiltInSchemas.SchemaFor(typeof(V1Deployment));
        var spec = deployment.Properties["spec"];
        var container = BuiltInSchemas.SchemaFor(typeof(V1Container));
        var configMap = BuiltInSchemas.SchemaFor(typeof(V1ConfigMap));

        Assert.Equal("integer", spec.Properties["replicas"].Type);
        Assert.Equal("int32", spec.Properties["replicas"].Format);
        Assert.Equal("date-time", deployment.Properties["metadata"].Properties["creationTimestamp"].Format);
        Assert.Equal("string", container.Properties["name"].Type);
        Assert.True(container.Properties["resources"].Properties["limits"].AdditionalProperties is V1JSONSchemaProps { XKubernetesIntOrString: true });
        Assert.Equal("string", ((V1JSONSchemaProps)configMap.Properties["data"].AdditionalProperties).Type);
        Assert.Equal("byte", ((V1JSONSchemaProps)configMap.Properties["binaryData"].AdditionalProperties).Format);
        Assert.Contains("Number of desired pods", spec.Properties["replicas"].Description);
    }

    [Fact]
    public async Task OpenApi_v3_indexes_group_versions_and_describes_kinds_with_their_gvk()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var crd = CronTabCrd();
        crd.Spec.Versions[0].Schema.OpenAPIV3Schema = new V1JSONSchemaProps
        {
            Type = "object",
            Properties = new Dictionary<string, V1JSONSchemaProps> { ["spec"] = new() { Type = "object", Description = "What the cron tab runs." } },
        };
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: Timeout());

        var (code, index, _) = await SendAsync(http, HttpMethod.Get, "openapi/v3");
        var coreUrl = index["paths"]!["api/v1"]!["serverRelativeURL"]!.GetValue<string>();
        var (coreCode, core, _) = await SendAsync(http, HttpMethod.Get, coreUrl.TrimStart('/'));
        var (crCode, cr, _) = await SendAsync(http, HttpMethod.Get, "openapi/v3/apis/stable.example.com/v1");
        var pod = core["components"]!["schemas"]!["io.k8s.api.core.v1.Pod"]!;
        var cronTab = cr["components"]!["schemas"]!.AsObject().Single(s => s.Key.EndsWith(".v1.CronTab", StringComparison.Ordinal)).Value!;
        var patch = core["paths"]!["/api/v1/namespaces/{namespace}/pods/{name}"]!["patch"]!;

        Assert.Equal(200, code);
        Assert.Equal(200, coreCode);
        Assert.Equal(200, crCode);
        Assert.Equal("Pod", pod["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>());
        Assert.Contains("Pod is a collection of containers", pod["description"]!.GetValue<string>());
        Assert.Equal("What the cron tab runs.", cronTab["properties"]!["spec"]!["description"]!.GetValue<string>());
        Assert.Contains(patch["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "fieldValidation");
        Assert.Equal("Pod", patch["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApi_v2_holds_every_kind_as_a_definition()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (code, doc, _) = await SendAsync(http, HttpMethod.Get, "openapi/v2");
        var deployment = doc["definitions"]!["io.k8s.api.apps.v1.Deployment"]!;

        Assert.Equal(200, code);
        Assert.Equal("2.0", doc["swagger"]!.GetValue<string>());
        Assert.StartsWith("#/definitions/", deployment["properties"]!["spec"]!["$ref"]!.GetValue<string>());
        Assert.Equal("apps", deployment["x-kubernetes-group-version-kind"]![0]!["group"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discovery_lists_short_names_categories_and_the_scale_subresource()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (_, core, _) = await SendAsync(http, HttpMethod.Get, "api/v1");
        var (_, apps, _) = await SendAsync(http, HttpMethod.Get, "apis/apps/v1");
        JsonNode Resource(JsonObject list, string name) => list["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == name)!;

        Assert.Equal("ns", Resource(core, "namespaces")["shortNames"]![0]!.GetValue<string>());
        Assert.Equal("all", Resource(core, "pods")["categories"]![0]!.GetValue<string>());
        Assert.Equal("deploy", Resource(apps, "deployments")["shortNames"]![0]!.GetValue<string>());
        Assert.Equal("Scale", Resource(apps, "deployments/scale")["kind"]!.GetValue<string>());
        Assert.Equal("autoscaling", Resource(apps, "deployments/scale")["group"]!.GetValue<string>());
    }

    [Fact]
    public async Task Table_output_has_the_kinds_columns_and_one_row_per_object()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", value: "1"), "default", cancellationToken: Timeout());
        using var http = Http(emu);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/namespaces/default/configmaps");
        request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await http.SendAsync(request, Timeout());
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "Data", "Age"], table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var row = Assert.Single(table["rows"]!.AsArray());
        Assert.Equal("a", row!["cells"]![0]!.GetValue<string>());
        Assert.Equal(1, row["cells"]![1]!.GetValue<int>());
        Assert.Equal("PartialObjectMetadata", row["object"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_scale_subresource_reads_and_writes_replicas()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(CrudTests.Deployment("web", 2), "default", cancellationToken: Timeout());

        var scale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default", cancellationToken: Timeout());
        var patched = await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Timeout());
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Timeout());

        Assert.Equal(2, scale.Spec.Replicas);
        Assert.Equal("app=web", scale.Status.Selector);
        Assert.Equal(5, patched.Spec.Replicas);
        Assert.Equal(5, deployment.Spec.Replicas);
        Assert.Equal(2, deployment.Metadata.Generation);
    }

    private static void Field(List<byte> into, int number, byte[] value)
    {
        into.Add((byte)((number << 3) | 2));
        Varint(into, (ulong)value.Length);
        into.AddRange(value);
    }

    private static void Varint(List<byte> into, ulong v)
    {
        while (v >= 0x80)
        {
            into.Add((byte)(v | 0x80));
            v >>= 7;
        }

        into.Add((byte)v);
    }

    private static byte[] Str(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void A_protobuf_ConfigMap_decodes_into_the_json_the_server_stores()
    {
        var meta = new List<byte>();
        Field(meta, 1, Str("cfg"));
        var entry = new List<byte>();
        Field(entry, 1, Str("mode"));
        Field(entry, 2, Str("fast"));
        var label = new List<byte>();
        Field(label, 1, Str("app"));
        Field(label, 2, Str("web"));
        Field(meta, 11, [.. label]);
        var configMap = new List<byte>();
        Field(configMap, 1, [.. meta]);
        Field(configMap, 2, [.. entry]);
        var typeMeta = new List<byte>();
        Field(typeMeta, 1, Str("v1"));
        Field(typeMeta, 2, Str("ConfigMap"));
        var envelope = new List<byte> { (byte)'k', (byte)'8', (byte)'s', 0 };
        Field(envelope, 1, [.. typeMeta]);
        Field(envelope, 2, [.. configMap]);

        var json = ProtobufBody.Decode(envelope.ToArray());

        Assert.Equal("ConfigMap", json["kind"]!.GetValue<string>());
        Assert.Equal("cfg", json["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("web", json["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal("fast", json["data"]!["mode"]!.GetValue<string>());
    }

    [Fact]
    public void A_protobuf_body_of_an_unknown_kind_is_refused_not_guessed()
    {
        var typeMeta = new List<byte>();
        Field(typeMeta, 1, Str("example.com/v1"));
        Field(typeMeta, 2, Str("Thing"));
        var envelope = new List<byte> { (byte)'k', (byte)'8', (byte)'s', 0 };
        Field(envelope, 1, [.. typeMeta]);
        Field(envelope, 2, []);

        var ex = Assert.ThrowsAny<Exception>(() => ProtobufBody.Decode(envelope.ToArray()));

        Assert.Contains("application/json", ex.Message);
    }
}
