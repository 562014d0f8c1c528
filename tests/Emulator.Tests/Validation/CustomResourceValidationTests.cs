using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests.Validation;

/// <summary>The emulator enforces a CRD's schema on create, update and patch of its custom resources, over HTTP.</summary>
public class CustomResourceValidationTests
{
    private static V1CustomResourceDefinition Crd() => KubernetesJson.Deserialize<V1CustomResourceDefinition>("""
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "widgets.example.com"},
         "spec": {"group": "example.com", "scope": "Namespaced", "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
          "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
              "spec": {"type": "object", "required": ["size"], "properties": {"size": {"type": "integer", "minimum": 1}, "color": {"type": "string", "default": "red"}}},
              "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}}}}}]}}
        """);

    private static JsonObject Widget(string spec, string name = "w") => JsonNode.Parse($$"""{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "{{name}}"}, "spec": {{spec}}}""")!.AsObject();

    [Fact]
    public async Task CreateIsPrunedDefaultedAndRejectedWith422()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Crd(), cancellationToken: Timeout());

        var created = (JsonElementHolder)await Create(client, Widget("""{"size": 2, "extra": 1}"""));
        Assert.Equal("red", created.Spec["color"]!.GetValue<string>());
        Assert.False(created.Spec.ContainsKey("extra"));

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => Create(client, Widget("""{"size": 0}""", "w2")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.Response.StatusCode);
        var status = JsonNode.Parse(ex.Response.Content)!;
        Assert.Equal("Invalid", (string?)status["reason"]);
        Assert.Equal("Widget.example.com \"w2\" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1", (string?)status["message"]);
        Assert.Equal("spec.size", (string?)status["details"]!["causes"]![0]!["field"]);
        Assert.Equal("FieldValueInvalid", (string?)status["details"]!["causes"]![0]!["reason"]);
    }

    [Fact]
    public async Task UpdateAndPatchAreValidatedAndStatusWritesIgnoreSpec()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(Crd(), cancellationToken: Timeout());
        await Create(client, Widget("""{"size": 2}"""));

        var patch = new V1Patch("""{"spec": {"size": "big"}}""", V1Patch.PatchType.MergePatch);
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, "example.com", "v1", "default", "widgets", "w", cancellationToken: Timeout()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.Response.StatusCode);
        Assert.Contains("spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\"", (string?)JsonNode.Parse(ex.Response.Content)!["message"]);

        var statusPatch = new V1Patch("""{"spec": {"size": 0}, "status": {"ready": true}}""", V1Patch.PatchType.MergePatch);
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(statusPatch, "example.com", "v1", "default", "widgets", "w", cancellationToken: Timeout());
        var current = JsonNode.Parse(KubernetesJson.Serialize(await client.CustomObjects.GetNamespacedCustomObjectAsync("example.com", "v1", "default", "widgets", "w", Timeout())))!;
        Assert.Equal(2, (int)current["spec"]!["size"]!); // the status subresource ignores spec changes
        Assert.True((bool)current["status"]!["ready"]!);
    }

    private static async Task<object> Create(IKubernetes client, JsonObject body)
    {
        var result = await client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "example.com", "v1", "default", "widgets", cancellationToken: Timeout());
        return new JsonElementHolder(JsonNode.Parse(KubernetesJson.Serialize(result))!["spec"]!.AsObject());
    }

    private sealed record JsonElementHolder(JsonObject Spec);
}
