using System.Text.Json.Nodes;
using k8s;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests.Validation;

/// <summary>
/// Built-in objects over HTTP are decoded as a real server decodes them into their Go types (400 BadRequest, or 422 on
/// the field <c>patch</c> for a patch) and checked by the server's field validations it is sure of (422 Invalid with
/// field paths); whatever is refused is not stored, so clients that list the type keep working.
/// </summary>
public sealed class BuiltInValidationTests
{
    private const string ConfigMaps = "api/v1/namespaces/default/configmaps";
    private const string Deployments = "apis/apps/v1/namespaces/default/deployments";

    private static string DeploymentJson(string name, string replicas) => """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME"},
         "spec":{"replicas":REPLICAS,"selector":{"matchLabels":{"app":"NAME"}},
                 "template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("REPLICAS", replicas, StringComparison.Ordinal);

    [Fact]
    public async Task A_ConfigMap_whose_data_value_is_an_object_is_400_and_not_stored()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        using var client = emu.CreateClient();

        var (code, body, _) = await SendAsync(http, HttpMethod.Post, ConfigMaps, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad"},"data":{"k":{"nested":1}}}""");

        AssertStatus(body, 400, "BadRequest");
        Assert.Equal(400, code);
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal object into Go struct field ConfigMap.data of type string", body["message"]!.GetValue<string>());
        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout());
        Assert.Empty(list.Items);
    }

    [Theory]
    [InlineData("1e400", "number 1e400")]
    [InlineData("2147483648", "number 2147483648")]
    [InlineData("1.5", "number 1.5")]
    [InlineData("\"x\"", "string")]
    public async Task A_Deployment_whose_replicas_do_not_decode_into_int32_is_400_and_the_list_still_deserializes(string replicas, string described)
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        using var client = emu.CreateClient();

        var (code, body, _) = await SendAsync(http, HttpMethod.Post, Deployments, DeploymentJson("web", replicas));

        Assert.Equal(400, code);
        Assert.Equal($"Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal {described} into Go struct field DeploymentSpec.spec.replicas of type int32", body["message"]!.GetValue<string>());
        var list = await client.AppsV1.ListNamespacedDeploymentAsync("default", cancellationToken: Timeout());
        Assert.Empty(list.Items);
    }

    [Fact]
    public async Task An_update_that_does_not_decode_is_400_and_keeps_the_stored_object()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        using var client = emu.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(CrudTests.Deployment("web", 2), "default", cancellationToken: Timeout());

        var (code, _, _) = await SendAsync(http, HttpMethod.Put, Deployments + "/web", DeploymentJson("web", "\"three\""));

        Assert.Equal(400, code);
        var stored = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Timeout());
        Assert.Equal(2, stored.Spec.Replicas);
    }

    [Fact]
    public async Task A_merge_patch_that_does_not_decode_is_422_on_the_field_patch_as_the_real_server_answers()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        using var client = emu.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(CrudTests.Deployment("web", 2), "default", cancellationToken: Timeout());

        var (code, body, _) = await SendAsync(http, HttpMethod.Patch, Deployments + "/web", """{"spec":{"replicas":"x"}}""", "application/merge-patch+json");

        AssertStatus(body, 422, "Invalid");
        Assert.Equal(422, code);
        var cause = body["details"]!["causes"]![0]!;
        Assert.Equal("patch", cause["field"]!.GetValue<string>());
        Assert.Equal("FieldValueInvalid", cause["reason"]!.GetValue<string>());
        Assert.StartsWith(" \"\" is invalid: patch: Invalid value: \"{", body["message"]!.GetValue<string>());
        Assert.EndsWith("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32", body["message"]!.GetValue<string>());
        var stored = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Timeout());
        Assert.Equal(2, stored.Spec.Replicas);
    }

    [Fact]
    public async Task A_strategic_merge_patch_that_does_not_decode_shows_the_patch_as_a_Go_map()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings"), "default", cancellationToken: Timeout());

        var (code, body, _) = await SendAsync(http, HttpMethod.Patch, ConfigMaps + "/settings", """{"data":{"k":true}}""", "application/strategic-merge-patch+json");

        Assert.Equal(422, code);
        Assert.Equal(" \"\" is invalid: patch: Invalid value: \"map[data:map[k:true]]\": json: cannot unmarshal bool into Go struct field ConfigMap.data of type string", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_apply_that_does_not_decode_is_400_and_one_naming_an_undeclared_field_is_400()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (badType, typeBody, _) = await SendAsync(http, HttpMethod.Patch, Deployments + "/web?fieldManager=test", DeploymentJson("web", "\"x\""), "application/apply-patch+yaml");
        var (unknown, unknownBody, _) = await SendAsync(http, HttpMethod.Patch, ConfigMaps + "/settings?fieldManager=test", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"dta":{"k":"v"}}""", "application/apply-patch+yaml");

        Assert.Equal(400, badType);
        Assert.Contains("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32", typeBody["message"]!.GetValue<string>());
        Assert.Equal(400, unknown);
        Assert.Equal("failed to create typed patch object (default/settings; v1, Kind=ConfigMap): .dta: field not declared in schema", unknownBody["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Integers_may_use_the_whole_int64_range_where_the_field_is_int64_and_not_beyond()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        const string Pod = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"NAME"},"spec":{"activeDeadlineSeconds":VALUE,"containers":[{"name":"c","image":"busybox"}]}}""";

        var (fits, _, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/pods", Pod.Replace("NAME", "a").Replace("VALUE", "9223372036854775807"));
        var (over, body, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/pods", Pod.Replace("NAME", "b").Replace("VALUE", "9223372036854775808"));

        Assert.Equal(201, fits);
        Assert.Equal(400, over);
        Assert.EndsWith("cannot unmarshal number 9223372036854775808 into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Secret_data_that_is_not_base64_and_a_malformed_quantity_are_400()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (secret, secretBody, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/secrets", """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"k":"not base64!"}}""");
        var (quota, quotaBody, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/resourcequotas", """{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q"},"spec":{"hard":{"pods":"lots"}}}""");

        Assert.Equal(400, secret);
        Assert.EndsWith("illegal base64 data at input byte 3", secretBody["message"]!.GetValue<string>());
        Assert.Equal(400, quota);
        Assert.Contains("quantities must match the regular expression", quotaBody["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_fields_of_a_built_in_are_dropped_with_a_warning_by_default_and_refused_with_Strict()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        const string Body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME"},"data":{"k":"v"},"dta":{"x":"y"}}""";

        var (warned, stored, response) = await SendAsync(http, HttpMethod.Post, ConfigMaps, Body.Replace("NAME", "a"));
        var (strict, refused, _) = await SendAsync(http, HttpMethod.Post, ConfigMaps + "?fieldValidation=Strict", Body.Replace("NAME", "b"));
        var (ignored, _, quiet) = await SendAsync(http, HttpMethod.Post, ConfigMaps + "?fieldValidation=Ignore", Body.Replace("NAME", "c"));

        Assert.Equal(201, warned);
        Assert.False(stored.ContainsKey("dta"));
        Assert.Contains("299 - \"unknown field \\\"dta\\\"\"", response.Headers.GetValues("Warning"));
        Assert.Equal(400, strict);
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"dta\"", refused["message"]!.GetValue<string>());
        Assert.Equal(201, ignored);
        Assert.False(quiet.Headers.Contains("Warning"));
    }

    [Fact]
    public async Task A_Pod_without_containers_and_a_container_without_image_are_422_with_field_paths()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);

        var (none, noneBody, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/pods", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}""");
        var (noImage, noImageBody, _) = await SendAsync(http, HttpMethod.Post, "api/v1/namespaces/default/pods", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]}}""");

        Assert.Equal(422, none);
        AssertStatus(noneBody, 422, "Invalid");
        Assert.Equal("Pod \"p\" is invalid: spec.containers: Required value", noneBody["message"]!.GetValue<string>());
        Assert.Equal(422, noImage);
        var cause = noImageBody["details"]!["causes"]![0]!;
        Assert.Equal("spec.containers[0].image", cause["field"]!.GetValue<string>());
        Assert.Equal("FieldValueRequired", cause["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_Deployment_needs_a_selector_matching_its_template_labels_and_non_negative_replicas()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        using var client = emu.CreateClient();

        var (negative, negativeBody, _) = await SendAsync(http, HttpMethod.Post, Deployments, DeploymentJson("web", "-1"));
        var (noSelector, noSelectorBody, _) = await SendAsync(http, HttpMethod.Post, Deployments, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""");
        await client.AppsV1.CreateNamespacedDeploymentAsync(CrudTests.Deployment("web", 1), "default", cancellationToken: Timeout());
        var (mismatch, mismatchBody, _) = await SendAsync(http, HttpMethod.Patch, Deployments + "/web", """{"spec":{"template":{"metadata":{"labels":{"app":"other"}}}}}""", "application/merge-patch+json");

        Assert.Equal(422, negative);
        Assert.Equal("Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", negativeBody["message"]!.GetValue<string>());
        Assert.Equal(422, noSelector);
        Assert.Equal("spec.selector", noSelectorBody["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(422, mismatch);
        Assert.Equal("Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`", mismatchBody["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_valid_object_with_every_kind_of_field_is_stored_unchanged()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var pod = new k8s.Models.V1Pod
        {
            Metadata = new() { Name = "full", Labels = new Dictionary<string, string> { ["a"] = "b" } },
            Spec = new()
            {
                Containers =
                [
                    new()
                    {
                        Name = "c",
                        Image = "busybox",
                        Ports = [new() { ContainerPort = 80 }],
                        Resources = new() { Limits = new Dictionary<string, k8s.Models.ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("1Gi") } },
                        LivenessProbe = new() { HttpGet = new() { Port = "http", Path = "/" } },
                    },
                ],
                ActiveDeadlineSeconds = 30,
            },
            Status = new() { StartTime = DateTime.UtcNow, Phase = "Running" },
        };

        var created = await client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: Timeout());
        var secret = await client.CoreV1.CreateNamespacedSecretAsync(new() { Metadata = new() { Name = "s" }, Data = new Dictionary<string, byte[]> { ["k"] = [1, 2, 3] } }, "default", cancellationToken: Timeout());

        Assert.Equal("500m", created.Spec.Containers[0].Resources.Limits["cpu"].ToString());
        Assert.Equal("http", created.Spec.Containers[0].LivenessProbe.HttpGet.Port.Value);
        Assert.Equal(new byte[] { 1, 2, 3 }, secret.Data["k"]);
    }
}
