using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeInformers.Emulator.Internal.OpenApi;

/// <summary>
/// Serves <c>/openapi/v2</c> (one Swagger 2.0 document) and <c>/openapi/v3</c> (an index of group-versions, then one
/// OpenAPI 3.0 document per group-version) for the served resources: built-ins from <see cref="BuiltInSchemas"/>,
/// custom resources from their CRD's <c>openAPIV3Schema</c>. Each kind's schema carries
/// <c>x-kubernetes-group-version-kind</c>; each resource's paths carry the operations with their GVK and the
/// <c>dryRun</c>, <c>fieldManager</c> and <c>fieldValidation</c> parameters (so kubectl leaves validation to the
/// server, as with a real one). Documents are built per request from the current resources; thread-safe.
/// </summary>
internal static class OpenApiDocuments
{
    private const string V3Prefix = "#/components/schemas/";
    private const string V2Prefix = "#/definitions/";

    public static JsonObject V3Index(IEnumerable<ResourceType> types)
    {
        var paths = new JsonObject();
        foreach (var gv in types.GroupBy(GroupVersionPath).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var hash = Hash(gv);
            paths[gv.Key] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + gv.Key + "?hash=" + hash };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject? V3GroupVersion(IEnumerable<ResourceType> types, string gvPath)
    {
        var list = types.Where(t => GroupVersionPath(t) == gvPath).OrderBy(t => t.Plural, StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            return null;
        }

        var schemas = Schemas(list, V3Prefix);
        var paths = Paths(list, V3Prefix, v3: true);
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    public static JsonObject V2(IEnumerable<ResourceType> types)
    {
        var list = types.OrderBy(t => t.Group, StringComparer.Ordinal).ThenBy(t => t.Version, StringComparer.Ordinal).ThenBy(t => t.Plural, StringComparer.Ordinal).ToList();
        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = Paths(list, V2Prefix, v3: false),
            ["definitions"] = Schemas(list, V2Prefix),
        };
    }

    public static string GroupVersionPath(ResourceType t) => t.Group.Length == 0 ? "api/" + t.Version : "apis/" + t.Group + "/" + t.Version;

    private static string Hash(IEnumerable<ResourceType> types)
    {
        var text = string.Join("|", types.Select(t => t.Plural + ":" + t.Kind + ":" + (t.CustomSchema?.ToJsonString() ?? string.Empty)).OrderBy(s => s, StringComparer.Ordinal));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    /// <summary>The schema of a custom resource version: its openAPIV3Schema with apiVersion, kind and metadata filled in.</summary>
    public static V1JSONSchemaProps CustomResourceSchema(ResourceType t, string refPrefix)
    {
        var schema = t.CustomSchema is { } custom
            ? KubernetesJson.Deserialize<V1JSONSchemaProps>(custom.ToJsonString())
            : new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true };
        schema.Properties ??= new Dictionary<string, V1JSONSchemaProps>();
        schema.Properties["apiVersion"] = new V1JSONSchemaProps { Type = "string", Description = "APIVersion defines the versioned schema of this representation of an object." };
        schema.Properties["kind"] = new V1JSONSchemaProps { Type = "string", Description = "Kind is a string value representing the REST resource this object represents." };
        schema.Properties["metadata"] = refPrefix.Length == 0 ? BuiltInSchemas.SchemaFor(typeof(V1ObjectMeta)) : new V1JSONSchemaProps { RefProperty = refPrefix + BuiltInSchemas.DefinitionName(typeof(V1ObjectMeta)) };
        schema.Type ??= "object";
        return schema;
    }

    private static JsonObject Schemas(List<ResourceType> types, string refPrefix)
    {
        var result = new JsonObject();
        var referenced = new HashSet<Type>();
        var done = new HashSet<Type>();
        foreach (var t in types)
        {
            JsonObject node;
            if (t.ModelType is { } model)
            {
                node = ToNode(BuiltInSchemas.Definition(model, refPrefix, referenced));
                done.Add(model);
                if (ListType(model) is { } listType)
                {
                    var listNode = ToNode(BuiltInSchemas.Definition(listType, refPrefix, referenced));
                    listNode["x-kubernetes-group-version-kind"] = Gvk(t.Group, t.Version, t.ListKind, array: true);
                    result[BuiltInSchemas.DefinitionName(listType)] = listNode;
                    done.Add(listType);
                }
            }
            else
            {
                referenced.Add(typeof(V1ObjectMeta));
                node = ToNode(CustomResourceSchema(t, refPrefix));
            }

            node["x-kubernetes-group-version-kind"] = Gvk(t.Group, t.Version, t.Kind, array: true);
            result[DefinitionName(t)] = node;
        }

        referenced.Add(typeof(V1DeleteOptions));
        referenced.Add(typeof(V1Status));
        while (referenced.Except(done).FirstOrDefault() is { } next)
        {
            done.Add(next);
            result[BuiltInSchemas.DefinitionName(next)] = ToNode(BuiltInSchemas.Definition(next, refPrefix, referenced));
        }

        return result;
    }

    private static string DefinitionName(ResourceType t) =>
        t.ModelType is { } m ? BuiltInSchemas.DefinitionName(m) : string.Join(".", t.Group.Split('.').Reverse()) + "." + t.Version + "." + t.Kind;

    private static Type? ListType(Type model) =>
        model.Assembly.GetType(model.FullName + "List");

    private static JsonNode Gvk(string group, string version, string kind, bool array)
    {
        var o = new JsonObject { ["group"] = group, ["kind"] = kind, ["version"] = version };
        return array ? new JsonArray(o) : o;
    }

    private static JsonObject ToNode(V1JSONSchemaProps schema) => JsonNode.Parse(KubernetesJson.Serialize(schema))!.AsObject();

    private static JsonObject Paths(List<ResourceType> types, string refPrefix, bool v3)
    {
        var paths = new JsonObject();
        foreach (var t in types)
        {
            var basePath = "/" + GroupVersionPath(t) + (t.Namespaced ? "/namespaces/{namespace}/" : "/") + t.Plural;
            var objectRef = refPrefix + DefinitionName(t);
            var listRef = refPrefix + (t.ModelType is { } m && ListType(m) is { } lt ? BuiltInSchemas.DefinitionName(lt) : DefinitionName(t));
            var write = new[] { "dryRun", "fieldManager", "fieldValidation" };
            paths[basePath] = new JsonObject
            {
                ["get"] = Operation(t, "list", listRef, v3, ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "resourceVersionMatch", "watch", "allowWatchBookmarks", "timeoutSeconds", "sendInitialEvents"]),
                ["post"] = Operation(t, "post", objectRef, v3, write, objectRef),
                ["delete"] = Operation(t, "deletecollection", refPrefix + BuiltInSchemas.DefinitionName(typeof(V1Status)), v3, ["dryRun", "labelSelector", "fieldSelector", "propagationPolicy"]),
                ["parameters"] = Parameters(t.Namespaced ? ["namespace"] : [], "path"),
            };
            paths[basePath + "/{name}"] = new JsonObject
            {
                ["get"] = Operation(t, "get", objectRef, v3, []),
                ["put"] = Operation(t, "put", objectRef, v3, write, objectRef),
                ["patch"] = Operation(t, "patch", objectRef, v3, [.. write, "force"], "patch"),
                ["delete"] = Operation(t, "delete", refPrefix + BuiltInSchemas.DefinitionName(typeof(V1Status)), v3, ["dryRun", "gracePeriodSeconds", "propagationPolicy"]),
                ["parameters"] = Parameters(t.Namespaced ? ["name", "namespace"] : ["name"], "path"),
            };
        }

        return paths;
    }

    private static JsonArray Parameters(IEnumerable<string> names, string where) =>
        new(names.Select(n => (JsonNode)(where == "path"
            ? new JsonObject { ["name"] = n, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } }
            : new JsonObject { ["name"] = n, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = n is "limit" or "timeoutSeconds" or "gracePeriodSeconds" ? "integer" : n is "watch" or "allowWatchBookmarks" or "force" or "sendInitialEvents" ? "boolean" : "string" } })).ToArray());

    private static JsonObject Operation(ResourceType t, string verb, string responseRef, bool v3, string[] query, string? bodyRef = null)
    {
        var parameters = Parameters(query, "query");
        if (!v3)
        {
            foreach (var p in parameters.OfType<JsonObject>())
            {
                var type = p["schema"]!["type"]!.GetValue<string>();
                p.Remove("schema");
                p["type"] = type;
            }
        }

        var op = new JsonObject
        {
            ["operationId"] = verb + t.Kind,
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = v3
                    ? new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = responseRef } } } }
                    : new JsonObject { ["description"] = "OK", ["schema"] = new JsonObject { ["$ref"] = responseRef } },
            },
            ["x-kubernetes-action"] = verb,
            ["x-kubernetes-group-version-kind"] = Gvk(t.Group, t.Version, t.Kind, array: false),
        };
        if (bodyRef is not null)
        {
            var bodySchema = bodyRef == "patch" ? new JsonObject { ["type"] = "object" } : new JsonObject { ["$ref"] = bodyRef };
            if (v3)
            {
                var content = new JsonObject();
                foreach (var mediaType in bodyRef == "patch"
                    ? new[] { "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml" }
                    : ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"])
                {
                    content[mediaType] = new JsonObject { ["schema"] = bodySchema.DeepClone() };
                }

                op["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true };
            }
            else
            {
                parameters.Add(new JsonObject { ["name"] = "body", ["in"] = "body", ["required"] = true, ["schema"] = bodySchema });
            }
        }

        return op;
    }
}
