using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers.Emulator;

namespace KubeInformers.Generator.IntegrationTests.Crds;

/// <summary>
/// <c>emulator.ApplyCustomResourceDefinitionsAsync(assembly)</c> creates every generated CRD of the assembly, replaces
/// them when applied again (an older CRD of the same name is updated in place), and the emulator then validates custom
/// resources against the generated schema.
/// </summary>
public sealed class ApplyCustomResourceDefinitionsTests : EmulatorTestBase
{
    [Fact]
    public async Task AppliesEveryGeneratedCrdAndReplacesThemOnTheSecondCall()
    {
        var assembly = typeof(Database).Assembly;
        var generated = assembly.GetCustomAttributes(typeof(GeneratedManifestAttribute), false).Cast<GeneratedManifestAttribute>()
            .Where(m => m.Kind == "CustomResourceDefinition").Select(m => m.FileName.Replace(".yaml", "", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

        var first = await Emulator.ApplyCustomResourceDefinitionsAsync(assembly, Wait.Timeout());
        var second = await Emulator.ApplyCustomResourceDefinitionsAsync(assembly, Wait.Timeout());

        Assert.Contains("databases.data.example.com", generated);
        Assert.Equal(generated, first.Select(c => c.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.Equal(generated, second.Select(c => c.Metadata.Name).Order(StringComparer.Ordinal));
        var listed = await Client.ApiextensionsV1.ListCustomResourceDefinitionAsync(cancellationToken: Wait.Timeout());
        Assert.Equal(generated, listed.Items.Select(c => c.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.All(first.Zip(second), p => Assert.Equal(p.First.Metadata.Uid, p.Second.Metadata.Uid)); // replaced, not re-created
    }

    [Fact]
    public async Task AnOlderCrdIsReplacedAndCustomResourcesAreThenValidatedAgainstTheGeneratedSchema()
    {
        var older = DatabaseCustomResourceDefinition.Create();
        foreach (var version in older.Spec.Versions)
        {
            version.Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } };
        }

        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(older, cancellationToken: Wait.Timeout());
        var loose = Database("loose", replicas: 42);
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(loose, "data.example.com", "v1", "default", "databases", cancellationToken: Wait.Timeout());

        await Emulator.ApplyCustomResourceDefinitionsAsync(typeof(Database).Assembly, Wait.Timeout());

        var stored = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(DatabaseCustomResourceDefinition.Name, cancellationToken: Wait.Timeout());
        Assert.Equal(9, stored.Spec.Versions.Single(v => v.Name == "v1").Schema.OpenAPIV3Schema.Properties["spec"].Properties["replicas"].Maximum);
        var rejected = await Assert.ThrowsAsync<HttpOperationException>(() =>
            Client.CustomObjects.CreateNamespacedCustomObjectAsync(Database("strict", replicas: 42), "data.example.com", "v1", "default", "databases", cancellationToken: Wait.Timeout()));
        Assert.Equal((HttpStatusCode)422, rejected.Response.StatusCode);
        Assert.Contains("spec.replicas", rejected.Response.Content, StringComparison.Ordinal);
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Database("fine", replicas: 3), "data.example.com", "v1", "default", "databases", cancellationToken: Wait.Timeout());
    }

    private static Database Database(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new DatabaseSpec { Engine = Engine.Postgres, Version = "17.2", Replicas = replicas },
    };
}
