using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Xml.Linq;
using k8s;
using k8s.Models;

namespace KubeInformers.Emulator.Internal.OpenApi;

/// <summary>
/// The OpenAPI schemas of the built-in types, built by reflection over KubernetesClient's model types: each
/// property's JSON name and CLR type give its schema (int → integer/int32, long → integer/int64, DateTime →
/// string/date-time, <see cref="IntOrString"/> and <see cref="ResourceQuantity"/> → <c>x-kubernetes-int-or-string</c>,
/// byte[] → string/byte, dictionaries → <c>additionalProperties</c>, lists → <c>items</c>), and KubernetesClient's XML
/// documentation (when it sits next to its assembly) gives the descriptions. The models carry no required-field or
/// range information (no constructors, attributes or nullability annotations say it), so the schemas have none. <see cref="SchemaFor"/> returns a self-contained
/// <see cref="V1JSONSchemaProps"/> (the currency of the structural-schema validator); <see cref="Definition"/> and
/// <see cref="DefinitionName"/> serve the OpenAPI documents, which use references. Results are cached; thread-safe.
/// </summary>
internal static class BuiltInSchemas
{
    private static readonly ConcurrentDictionary<Type, V1JSONSchemaProps> s_inline = new();
    private static readonly Lazy<Dictionary<string, string>> s_docs = new(LoadDocs);
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<V1JSONSchemaProps, Type> s_clrTypes = new();

    /// <summary>The whole schema of a model type, nested types inlined (a recursive reference is left open as preserve-unknown-fields).</summary>
    public static V1JSONSchemaProps SchemaFor(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return s_inline.GetOrAdd(type, t => Build(t, [], inline: true));
    }

    /// <summary>
    /// The CLR type (model, scalar, list or dictionary type) a schema node of <see cref="SchemaFor"/> was built from, or
    /// null for a node built elsewhere; the decoding check names Go types after it.
    /// </summary>
    public static Type? ClrTypeOf(V1JSONSchemaProps schema) => s_clrTypes.TryGetValue(schema, out var t) ? t : null;

    /// <summary>
    /// The OpenAPI definition name of a model type: <c>io.k8s.api.core.v1.Pod</c> for a kind (the group's first DNS
    /// label names the package), <c>io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta</c> for the meta types, and
    /// <c>io.k8s.models.{ClrName}</c> for the other nested types, whose group KubernetesClient's model does not record.
    /// </summary>
    public static string DefinitionName(Type type)
    {
        if (type.Name is "V1ObjectMeta" or "V1ListMeta" or "V1Status" or "V1DeleteOptions" or "V1OwnerReference" or "V1LabelSelector"
            or "V1LabelSelectorRequirement" or "V1ManagedFieldsEntry" or "V1Condition" or "V1StatusDetails" or "V1StatusCause")
        {
            return "io.k8s.apimachinery.pkg.apis.meta.v1." + type.Name[2..];
        }

        var attr = type.GetCustomAttribute<KubernetesEntityAttribute>();
        if (attr is null || string.IsNullOrEmpty(attr.Kind))
        {
            var m = System.Text.RegularExpressions.Regex.Match(type.Name, "^V(\\d+(?:alpha\\d+|beta\\d+)?)([A-Z].*)$");
            return m.Success ? "io.k8s.models.v" + m.Groups[1].Value + "." + m.Groups[2].Value : "io.k8s.models." + type.Name;
        }

        var group = attr.Group ?? string.Empty;
        var label = group.Length == 0 ? "core" : group.Split('.')[0];
        var prefix = group switch
        {
            "apiextensions.k8s.io" => "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.",
            "apiregistration.k8s.io" => "io.k8s.kube-aggregator.pkg.apis.apiregistration.",
            "internal.apiserver.k8s.io" => "io.k8s.api.apiserverinternal.",
            _ => "io.k8s.api." + label + ".",
        };
        return prefix + attr.ApiVersion + "." + attr.Kind;
    }

    /// <summary>
    /// The schema of one type for an OpenAPI document: nested model types become <c>$ref</c>s to
    /// <paramref name="refPrefix"/> + their definition name, collected into <paramref name="referenced"/>.
    /// </summary>
    public static V1JSONSchemaProps Definition(Type type, string refPrefix, ISet<Type> referenced) => Build(type, [], inline: false, refPrefix, referenced);

    /// <summary>Whether a CLR type is a model object (gets its own schema) rather than a scalar, list or map.</summary>
    public static bool IsModel(Type type) =>
        type.Namespace == "k8s.Models" && type.IsClass && type != typeof(IntOrString) && type != typeof(ResourceQuantity) && !typeof(IEnumerable).IsAssignableFrom(type);

    private static V1JSONSchemaProps Build(Type type, HashSet<Type> path, bool inline, string refPrefix = "", ISet<Type>? referenced = null)
    {
        var schema = new V1JSONSchemaProps { Type = "object", Description = Doc("T:" + type.FullName) };
        if (!path.Add(type))
        {
            return new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true, Description = schema.Description };
        }

        var properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal);
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var json = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (json is null)
            {
                continue;
            }

            var s = PropertySchema(p.PropertyType, path, inline, refPrefix, referenced);
            if (inline)
            {
                s_clrTypes.AddOrUpdate(s, p.PropertyType);
            }
            s.Description ??= Doc("P:" + type.FullName + "." + p.Name);
            properties[json] = s;
        }

        schema.Properties = properties;
        path.Remove(type);
        if (inline)
        {
            s_clrTypes.AddOrUpdate(schema, type);
        }

        return schema;
    }

    private static V1JSONSchemaProps PropertySchema(Type t, HashSet<Type> path, bool inline, string refPrefix, ISet<Type>? referenced)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(string))
        {
            return new V1JSONSchemaProps { Type = "string" };
        }

        if (t == typeof(int) || t == typeof(short))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int32" };
        }

        if (t == typeof(long))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int64" };
        }

        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal))
        {
            return new V1JSONSchemaProps { Type = "number", Format = "double" };
        }

        if (t == typeof(bool))
        {
            return new V1JSONSchemaProps { Type = "boolean" };
        }

        if (t == typeof(DateTime) || t == typeof(DateTimeOffset))
        {
            return new V1JSONSchemaProps { Type = "string", Format = "date-time" };
        }

        if (t == typeof(byte[]))
        {
            return new V1JSONSchemaProps { Type = "string", Format = "byte" };
        }

        if (t == typeof(IntOrString) || t == typeof(ResourceQuantity))
        {
            return new V1JSONSchemaProps { XKubernetesIntOrString = true };
        }

        if (t == typeof(object) || t.FullName == "System.Text.Json.JsonElement")
        {
            return new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true };
        }

        var dictionary = t.IsGenericType ? t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)) : null;
        if (dictionary is not null)
        {
            var values = PropertySchema(dictionary.GetGenericArguments()[1], path, inline, refPrefix, referenced);
            if (inline)
            {
                s_clrTypes.AddOrUpdate(values, dictionary.GetGenericArguments()[1]);
            }

            return new V1JSONSchemaProps { Type = "object", AdditionalProperties = values };
        }

        var list = t.IsGenericType ? t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) : null;
        if (list is not null)
        {
            var items = PropertySchema(list.GetGenericArguments()[0], path, inline, refPrefix, referenced);
            if (inline)
            {
                s_clrTypes.AddOrUpdate(items, list.GetGenericArguments()[0]);
            }

            return new V1JSONSchemaProps { Type = "array", Items = items };
        }

        if (IsModel(t))
        {
            if (inline)
            {
                return Build(t, path, inline: true);
            }

            referenced!.Add(t);
            return new V1JSONSchemaProps { RefProperty = refPrefix + DefinitionName(t) };
        }

        return new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true };
    }

    private static string? Doc(string member) => s_docs.Value.TryGetValue(member, out var d) ? d : null;

    /// <summary>KubernetesClient's XML documentation, member id → summary text; empty when the file is not beside the assembly.</summary>
    private static Dictionary<string, string> LoadDocs()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var candidates = new[]
        {
            Path.ChangeExtension(typeof(V1Pod).Assembly.Location, ".xml"),
            Path.Combine(AppContext.BaseDirectory, "KubernetesClient.xml"),
        };
        var file = candidates.FirstOrDefault(f => f.Length > 4 && File.Exists(f));
        if (file is null)
        {
            return result;
        }

        try
        {
            foreach (var member in XDocument.Load(file).Descendants("member"))
            {
                var name = member.Attribute("name")?.Value;
                var summary = member.Element("summary")?.Value;
                if (name is null || summary is null)
                {
                    continue;
                }

                var text = string.Join(" ", summary.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Where(l => l.Length > 0));
                result[name] = text;
            }
        }
        catch (Exception ex) when (ex is IOException or System.Xml.XmlException or UnauthorizedAccessException)
        {
            result.Clear();
        }

        return result;
    }
}
