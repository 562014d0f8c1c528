using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeInformers.Emulator.Internal.Validation;

/// <summary>
/// The emulator's hook into its write path for custom resources: finds the served version's schema in the stored
/// CustomResourceDefinition, then prunes, defaults and validates the object in place with
/// <see cref="StructuralSchemaValidator"/>, throwing the server's 422 Invalid on failure. Built-ins and versions without a
/// schema pass untouched. Compiled schemas are cached per CRD resourceVersion; thread-safe.
/// </summary>
internal static class CustomResourceValidation
{
    private static readonly ConcurrentDictionary<(string Crd, long ResourceVersion, string Version), StructuralSchemaValidator?> Compiled = new();

    /// <summary>
    /// Validates <paramref name="body"/>, the object about to be stored. On create (<paramref name="creating"/>) the
    /// status of a resource with the status subresource is dropped first, as the server ignores it there.
    /// </summary>
    public static void Apply(ApiState state, ResourceType rt, string name, JsonObject body, bool creating)
    {
        if (!rt.IsCustom || SchemaFor(state, rt) is not { } validator)
        {
            return;
        }

        if (creating && rt.HasStatusSubresource)
        {
            body.Remove("status");
        }

        var errors = validator.Apply(body);
        if (errors.Count > 0)
        {
            throw BuiltInValidation.Invalid(rt, name, errors);
        }
    }

    private static StructuralSchemaValidator? SchemaFor(ApiState state, ResourceType rt)
    {
        var crdName = rt.Plural + "." + rt.Group;
        var stored = state.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")?.Get(crdName);
        if (stored is null)
        {
            return null;
        }

        return Compiled.GetOrAdd((crdName, stored.ResourceVersion, rt.Version), static (key, json) =>
        {
            var crd = KubernetesJson.Deserialize<V1CustomResourceDefinition>(json);
            var schema = crd.Spec?.Versions?.FirstOrDefault(v => v.Name == key.Version)?.Schema?.OpenAPIV3Schema;
            return schema is null ? null : StructuralSchemaValidator.Compile(schema);
        }, System.Text.Encoding.UTF8.GetString(stored.Json));
    }
}
