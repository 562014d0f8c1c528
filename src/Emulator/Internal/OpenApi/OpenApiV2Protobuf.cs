using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal.OpenApi;

/// <summary>
/// The OpenAPI v2 document in the protobuf form older clients ask for
/// (<c>application/com.github.proto-openapi.spec.v2@v1.0+protobuf</c>, gnostic's <c>openapi.v2.Document</c>; kubectl
/// before 1.27 reads only this form for <c>apply</c>, <c>create -f</c> validation and <c>explain</c>). Written from the
/// JSON document of <see cref="OpenApiDocuments.V2"/> by hand, with the fields those clients read: <c>swagger</c>,
/// <c>info</c>, <c>definitions</c> (schemas: <c>$ref</c>, <c>format</c>, <c>description</c>, <c>default</c>,
/// bounds, lengths, <c>required</c>, <c>enum</c>, <c>additionalProperties</c>, <c>type</c>, <c>items</c>,
/// <c>properties</c>, vendor extensions such as <c>x-kubernetes-group-version-kind</c>, whose values gnostic carries as
/// YAML text: JSON text is valid YAML) and the paths with their operations' ids, parameters and vendor extensions
/// (kubectl 1.20 finds there which kinds accept <c>dryRun</c>; responses are left out). Stateless and thread-safe.
/// </summary>
internal static class OpenApiV2Protobuf
{
    /// <summary>The media type of the protobuf form.</summary>
    public const string MediaType = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    /// <summary>Encodes a Swagger 2.0 JSON document as gnostic's <c>openapi.v2.Document</c>.</summary>
    public static byte[] Encode(JsonObject document)
    {
        var w = new Writer();
        w.String(1, document["swagger"]?.GetValue<string>());
        if (document["info"] is JsonObject info)
        {
            w.Message(2, i =>
            {
                i.String(1, info["title"]?.GetValue<string>());
                i.String(2, info["version"]?.GetValue<string>());
            });
        }

        if (document["paths"] is JsonObject paths)
        {
            NamedMap(w, 8, 2, paths, PathItem);
        }

        if (document["definitions"] is JsonObject definitions)
        {
            NamedMap(w, 9, 1, definitions, Schema);
        }

        return w.ToArray();
    }

    private static void PathItem(Writer w, JsonObject item)
    {
        foreach (var (verb, field) in new[] { ("get", 2), ("put", 3), ("post", 4), ("delete", 5), ("patch", 8) })
        {
            if (item[verb] is JsonObject op)
            {
                w.Message(field, x => Operation(x, op));
            }
        }

        if (item["parameters"] is JsonArray parameters)
        {
            foreach (var parameter in parameters.OfType<JsonObject>())
            {
                w.Message(9, x => Parameter(x, parameter));
            }
        }
    }

    private static void Operation(Writer w, JsonObject op)
    {
        w.String(5, Text(op["operationId"]));
        if (op["parameters"] is JsonArray parameters)
        {
            foreach (var parameter in parameters.OfType<JsonObject>())
            {
                w.Message(8, x => Parameter(x, parameter));
            }
        }

        VendorExtensions(w, 13, op);
    }

    /// <summary>A <c>ParametersItem</c>: a body parameter with its schema, or a query/path parameter with its type.</summary>
    private static void Parameter(Writer w, JsonObject p) => w.Message(1, parameter =>
    {
        var where = Text(p["in"]);
        if (where == "body")
        {
            parameter.Message(1, body =>
            {
                body.String(2, Text(p["name"]));
                body.String(3, where);
                body.Bool(4, p["required"]);
                if (p["schema"] is JsonObject schema)
                {
                    body.Message(5, x => Schema(x, schema));
                }
            });
            return;
        }

        parameter.Message(2, nonBody => nonBody.Message(where == "path" ? 4 : 3, sub =>
        {
            sub.Bool(1, p["required"]);
            sub.String(2, where);
            sub.String(4, Text(p["name"]));
            sub.String(where == "path" ? 5 : 6, Text(p["type"]));
        }));
    });

    /// <summary>
    /// A gnostic map (<c>Paths</c>, <c>Definitions</c>, <c>Properties</c>): message <paramref name="field"/> holding one
    /// <paramref name="entryField"/> entry per member of <paramref name="map"/>, each its name (1) and, when the member is
    /// an object, its value written by <paramref name="value"/> (2).
    /// </summary>
    private static void NamedMap(Writer w, int field, int entryField, JsonObject map, Action<Writer, JsonObject> value)
        => w.Message(field, m =>
        {
            foreach (var (name, node) in map)
            {
                m.Message(entryField, named =>
                {
                    named.String(1, name, always: true);
                    if (node is JsonObject member)
                    {
                        named.Message(2, x => value(x, member));
                    }
                });
            }
        });

    private static void VendorExtensions(Writer w, int field, JsonObject owner)
    {
        foreach (var (key, value) in owner)
        {
            if (key.StartsWith("x-", StringComparison.Ordinal) && value is not null)
            {
                w.Message(field, named =>
                {
                    named.String(1, key, always: true);
                    named.Message(2, a => a.String(2, value.ToJsonString(), always: true));
                });
            }
        }
    }

    private static void Schema(Writer w, JsonObject s)
    {
        w.String(1, Text(s["$ref"]));
        w.String(2, Text(s["format"]));
        w.String(3, Text(s["title"]));
        w.String(4, Text(s["description"]));
        if (s["default"] is { } def)
        {
            w.Message(5, a => a.String(2, def.ToJsonString()));
        }

        w.Double(7, s["maximum"]);
        w.Bool(8, s["exclusiveMaximum"]);
        w.Double(9, s["minimum"]);
        w.Bool(10, s["exclusiveMinimum"]);
        w.Int64(11, s["maxLength"]);
        w.Int64(12, s["minLength"]);
        w.String(13, Text(s["pattern"]));
        w.Int64(14, s["maxItems"]);
        w.Int64(15, s["minItems"]);
        if (s["required"] is JsonArray required)
        {
            foreach (var r in required)
            {
                w.String(19, Text(r), always: true);
            }
        }

        if (s["enum"] is JsonArray values)
        {
            foreach (var v in values)
            {
                w.Message(20, a => a.String(2, v?.ToJsonString() ?? "null"));
            }
        }

        switch (s["additionalProperties"])
        {
            case JsonObject additional:
                w.Message(21, a => a.Message(1, x => Schema(x, additional)));
                break;
            case JsonValue b when b.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                var allowed = b.GetValue<bool>();
                w.Message(21, a => a.Bool(2, allowed, always: true));
                break;
        }

        switch (s["type"])
        {
            case JsonValue t when t.GetValueKind() == JsonValueKind.String:
                w.Message(22, x => x.String(1, t.GetValue<string>(), always: true));
                break;
            case JsonArray types:
                w.Message(22, x =>
                {
                    foreach (var t in types)
                    {
                        x.String(1, Text(t), always: true);
                    }
                });
                break;
        }

        if (s["items"] is JsonObject items)
        {
            w.Message(23, x => x.Message(1, y => Schema(y, items)));
        }

        if (s["properties"] is JsonObject properties)
        {
            NamedMap(w, 25, 1, properties, Schema);
        }

        VendorExtensions(w, 31, s);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>A minimal protobuf writer: varints, 64-bit doubles and length-delimited fields (nested messages buffered).</summary>
    private sealed class Writer
    {
        private readonly MemoryStream _out = new();

        public byte[] ToArray() => _out.ToArray();

        public void String(int field, string? value, bool always = false)
        {
            if (value is null || (value.Length == 0 && !always))
            {
                return;
            }

            Bytes(field, Encoding.UTF8.GetBytes(value));
        }

        public void Bool(int field, JsonNode? node)
        {
            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.True)
            {
                Bool(field, true, always: true);
            }
        }

        public void Bool(int field, bool value, bool always)
        {
            if (value || always)
            {
                Tag(field, 0);
                Varint(value ? 1UL : 0UL);
            }
        }

        public void Int64(int field, JsonNode? node)
        {
            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                Tag(field, 0);
                Varint(unchecked((ulong)n));
            }
        }

        public void Double(int field, JsonNode? node)
        {
            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
                && double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d))
            {
                Tag(field, 1);
                Span<byte> buffer = stackalloc byte[8];
                System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(buffer, d);
                _out.Write(buffer);
            }
        }

        public void Message(int field, Action<Writer> write)
        {
            var inner = new Writer();
            write(inner);
            Bytes(field, inner.ToArray());
        }

        private void Bytes(int field, byte[] bytes)
        {
            Tag(field, 2);
            Varint((ulong)bytes.Length);
            _out.Write(bytes);
        }

        private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _out.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _out.WriteByte((byte)value);
        }
    }
}
