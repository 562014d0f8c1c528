using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;

namespace KubeInformers.Generator;

public sealed partial class InformerGenerator
{
    /// <summary>
    /// Emits the generated half of a projection: its <c>IKubernetesObject&lt;V1ObjectMeta&gt;</c> members and a
    /// <c>JsonConverter</c> that walks the source JSON once with <c>Utf8JsonReader</c>, descends only into the properties
    /// some member (or the identity metadata) needs, and <c>Skip()</c>s everything else without allocating for it.
    /// A pure function of the <see cref="ProjectionSpec"/>.
    /// </summary>
    internal static class ProjectionEmitter
    {
        private const string Reader = "global::System.Text.Json.Utf8JsonReader";
        private const string Options = "global::System.Text.Json.JsonSerializerOptions";
        private const string TokenType = "global::System.Text.Json.JsonTokenType";
        private const string InitialEventsEnd = "k8s.io/initial-events-end";

        /// <summary>One value the reader stores: a member, or a piece of identity metadata.</summary>
        private sealed class Slot
        {
            public Slot(string field, EquatableArray<ProjectionStep> steps, ProjectionRead read, string valueType, bool isStruct, string? getter, bool isList)
            {
                Field = field;
                Steps = steps;
                Read = read;
                ValueType = valueType;
                IsStruct = isStruct;
                Getter = getter;
                IsList = isList;
            }

            public string Field { get; }
            public EquatableArray<ProjectionStep> Steps { get; }
            public ProjectionRead Read { get; }
            public string ValueType { get; }
            public bool IsStruct { get; }
            public string? Getter { get; }
            public bool IsList { get; }

            public string StorageType => IsList
                ? "global::System.Collections.Generic.List<" + ValueType + ">?"
                : ValueType + "?";
        }

        /// <summary>A node of the path trie: the slots that end here, then named children or one array element.</summary>
        private sealed class Node
        {
            public List<Slot> Leaves { get; } = new();
            public List<KeyValuePair<string, Node>> Named { get; } = new();
            public Node? Each { get; set; }
            public int Id { get; set; }

            public Node Child(string name)
            {
                foreach (var pair in Named)
                {
                    if (pair.Key == name)
                    {
                        return pair.Value;
                    }
                }

                var node = new Node();
                Named.Add(new KeyValuePair<string, Node>(name, node));
                return node;
            }
        }

        public static void Emit(SourceWriter w, ResourceOutput output)
        {
            var p = output.Resource.Projection!;
            var self = output.Qualify(p.TypeName);
            var meta = "global::k8s.Models.V1ObjectMeta";
            var slots = Slots(p);
            var root = BuildTrie(slots);

            w.Summary($"A projection of <see cref=\"{p.SourceType}\"/> (<c>{Emitter.Escape(p.SourceApiVersion)}</c> <c>{p.SourceKind}</c>): only the declared members and the identity metadata are read from the JSON; everything else is skipped.");
            w.Doc("<remarks>The generator adds <c>IKubernetesObject&lt;V1ObjectMeta&gt;</c> and a JSON converter that reads the source object's JSON (list items and watch events alike). Projections cannot be serialized back. Cached projections are shared with every reader: treat them as read-only.</remarks>");
            w.Line($"[global::System.Text.Json.Serialization.JsonConverter(typeof({self}.ProjectionJsonConverter))]");
            w.Open($"{p.Declaration} {p.TypeName} : global::k8s.IKubernetesObject<{meta}>");
            w.Line($"private {meta}? _metadata;");
            w.Line();
            w.Summary($"The source's API version, <c>{Emitter.Escape(p.SourceApiVersion)}</c>.");
            w.Line("[global::System.Text.Json.Serialization.JsonPropertyName(\"apiVersion\")]");
            w.Line($"public string ApiVersion {{ get; set; }} = {Emitter.Literal(p.SourceApiVersion)};");
            w.Line();
            w.Summary($"The source's kind, <c>{p.SourceKind}</c>.");
            w.Line("[global::System.Text.Json.Serialization.JsonPropertyName(\"kind\")]");
            w.Line($"public string Kind {{ get; set; }} = {Emitter.Literal(p.SourceKind)};");
            w.Line();
            w.Summary("The identity metadata (name, namespace, uid, resourceVersion) plus any metadata a member projects (labels, annotations, ownerReferences, …).");
            w.Line("[global::System.Text.Json.Serialization.JsonPropertyName(\"metadata\")]");
            w.Line($"public {meta} Metadata");
            w.Open();
            w.Line($"get => _metadata ??= new {meta}();");
            w.Line("set => _metadata = value;");
            w.Close();
            w.Line();

            // The converter.
            w.Summary($"Reads a <see cref=\"{self}\"/> from the JSON of a <see cref=\"{p.SourceType}\"/>, skipping every property no member needs.");
            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.Open($"internal sealed class ProjectionJsonConverter : global::System.Text.Json.Serialization.JsonConverter<{self}>, global::KubeInformers.IProjectionJsonConverter<{self}>");
            w.Line("private StringReader? _strings;");
            w.Line();
            EmitValues(w, slots);
            w.Line();
            w.Summary("Reads one object; the reader is at its start and is left at its end.");
            w.Doc("<param name=\"reader\">The reader.</param>");
            w.Doc("<param name=\"typeToConvert\">The projection type.</param>");
            w.Doc("<param name=\"options\">The serializer options (their string converter and converters for dates and sub-objects are used).</param>");
            w.Doc("<returns>The projection.</returns>");
            w.Open($"public override {self}? Read(ref {Reader} reader, global::System.Type typeToConvert, {Options} options)");
            w.Line("if (!TryRead(ref reader, options, out var value))");
            w.Open();
            w.Line($"throw new global::System.Text.Json.JsonException(\"A {p.SourceKind} ended before its closing brace.\");");
            w.Close();
            w.Line();
            w.Line("return value;");
            w.Close();
            w.Line();
            w.Summary("Reads one object from a reader that may hold only part of it; false (the reader then in no useful state) when the data ends first.");
            w.Doc("<param name=\"reader\">The reader, at the object's start; on success, left at its end.</param>");
            w.Doc("<param name=\"options\">The serializer options.</param>");
            w.Doc("<param name=\"value\">The projection, when the whole object was there.</param>");
            w.Doc("<returns>Whether the whole object was read.</returns>");
            w.Open($"public bool TryRead(ref {Reader} reader, {Options} options, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out {self}? value)");
            w.Line("value = null;");
            w.Line($"if (reader.TokenType != {TokenType}.StartObject)");
            w.Open();
            w.Line($"throw new global::System.Text.Json.JsonException(\"A {p.SourceKind} must be a JSON object.\");");
            w.Close();
            w.Line();
            w.Line("var strings = _strings;");
            w.Line("if (strings is null || !ReferenceEquals(strings.Options, options))");
            w.Open();
            w.Line("_strings = strings = new StringReader(options);");
            w.Close();
            w.Line();
            w.Line("var values = default(Values);");
            w.Line("if (!ReadNode0(ref reader, options, strings, ref values))");
            w.Open();
            w.Line("return false;");
            w.Close();
            w.Line();
            w.Line($"var metadata = new {meta}");
            w.Line("{");
            w.Line("    Name = values.Name,");
            w.Line("    NamespaceProperty = values.Namespace,");
            w.Line("    Uid = values.Uid,");
            w.Line("    ResourceVersion = values.ResourceVersion,");
            w.Line("};");
            var hasAnnotations = p.Members.Any(m => m.MetadataProperty == "Annotations");
            if (!hasAnnotations)
            {
                w.Line("if (values.InitialEventsEnd is { } initialEventsEnd)");
                w.Open();
                w.Line($"metadata.Annotations = new global::System.Collections.Generic.Dictionary<string, string> {{ [{Emitter.Literal(InitialEventsEnd)}] = initialEventsEnd }};");
                w.Close();
            }

            for (var i = 0; i < p.Members.Count; i++)
            {
                var m = p.Members[i];
                var field = "M" + i.ToString(CultureInfo.InvariantCulture);
                var local = "m" + i.ToString(CultureInfo.InvariantCulture);
                if (m.IsList)
                {
                    w.Line($"var {local} = values.{field}?.ToArray() ?? global::System.Array.Empty<{m.ValueType}>();");
                }
                else
                {
                    w.Line($"var {local} = values.{field};");
                }

                if (m.MetadataProperty is { } property)
                {
                    // Metadata mirrors the model: a list found nowhere (or empty) stays null there.
                    w.Line(m.IsList
                        ? $"metadata.{property} = {local}.Length == 0 ? null : {local};"
                        : $"metadata.{property} = {local};");
                }
            }

            w.Line();
            w.Line($"value = new {self}");
            w.Line("{");
            w.Line("    Metadata = metadata,");
            for (var i = 0; i < p.Members.Count; i++)
            {
                var m = p.Members[i];
                var local = "m" + i.ToString(CultureInfo.InvariantCulture);
                var value = m.IsList ? local
                    : m.ValueIsStruct ? (m.MemberNullable ? local : local + ".GetValueOrDefault()")
                    : (m.MemberNullable ? local : local + "!");
                w.Line($"    {m.Name} = {value},");
            }

            w.Line("};");
            w.Line("return true;");
            w.Close();
            w.Line();
            w.Summary("Not supported: a projection is not the whole object, so it cannot be written back as one.");
            w.Doc("<param name=\"writer\">The writer.</param>");
            w.Doc("<param name=\"value\">The projection.</param>");
            w.Doc("<param name=\"options\">The serializer options.</param>");
            w.Doc("<exception cref=\"global::System.NotSupportedException\">Always.</exception>");
            w.Line($"public override void Write(global::System.Text.Json.Utf8JsonWriter writer, {self} value, {Options} options)");
            w.Line($"    => throw new global::System.NotSupportedException(\"{p.TypeName} is a read-only projection of {p.SourceKind}; serialize the full object instead.\");");
            EmitNodes(w, root, p);
            w.Line();
            EmitStringReader(w);
            w.Close();
            w.Close();
            w.Line();
        }

        private static List<Slot> Slots(ProjectionSpec p)
        {
            var slots = new List<Slot>();
            EquatableArray<ProjectionStep> Meta(params string[] names) => names.Select(n => new ProjectionStep(false, n)).ToEquatableArray();
            slots.Add(new Slot("Name", Meta("metadata", "name"), ProjectionRead.String, "string", false, null, false));
            slots.Add(new Slot("Namespace", Meta("metadata", "namespace"), ProjectionRead.String, "string", false, null, false));
            slots.Add(new Slot("Uid", Meta("metadata", "uid"), ProjectionRead.String, "string", false, null, false));
            slots.Add(new Slot("ResourceVersion", Meta("metadata", "resourceVersion"), ProjectionRead.String, "string", false, null, false));
            if (!p.Members.Any(m => m.MetadataProperty == "Annotations"))
            {
                slots.Add(new Slot("InitialEventsEnd", Meta("metadata", "annotations", InitialEventsEnd), ProjectionRead.String, "string", false, null, false));
            }

            for (var i = 0; i < p.Members.Count; i++)
            {
                var m = p.Members[i];
                slots.Add(new Slot("M" + i.ToString(CultureInfo.InvariantCulture), m.Steps, m.Read, m.ValueType, m.ValueIsStruct, m.NumberGetter, m.IsList));
            }

            return slots;
        }

        private static Node BuildTrie(List<Slot> slots)
        {
            var root = new Node();
            foreach (var slot in slots)
            {
                var node = root;
                foreach (var step in slot.Steps)
                {
                    node = step.Each ? (node.Each ??= new Node()) : node.Child(step.Name);
                }

                node.Leaves.Add(slot);
            }

            var id = 0;
            Number(root, ref id);
            return root;
        }

        private static void Number(Node node, ref int id)
        {
            node.Id = id++;
            foreach (var pair in node.Named)
            {
                Number(pair.Value, ref id);
            }

            if (node.Each is { } each)
            {
                Number(each, ref id);
            }
        }

        private static void EmitValues(SourceWriter w, List<Slot> slots)
        {
            w.Line("// What the walk found; one field per member (lists collect, nulls are left out).");
            w.Open("private struct Values");
            foreach (var slot in slots)
            {
                w.Line($"public {slot.StorageType} {slot.Field};");
            }

            w.Close();
        }

        // One method per node that has named children (an object or a map) or an element (an array).
        private static void EmitNodes(SourceWriter w, Node node, ProjectionSpec p)
        {
            if (node.Named.Count > 0 || node.Each is not null)
            {
                var id = node.Id.ToString(CultureInfo.InvariantCulture);
                w.Line();
                w.Line("// False when the data ends first (the reader may hold only part of the object).");
                w.Open($"private static bool ReadNode{id}(ref {Reader} reader, {Options} options, StringReader strings, ref Values values)");
                w.Line($"if (reader.TokenType == {TokenType}.Null)");
                w.Open();
                w.Line("return true;");
                w.Close();
                w.Line();
                if (node.Each is { } each)
                {
                    w.Line($"if (reader.TokenType != {TokenType}.StartArray)");
                    w.Open();
                    w.Line($"throw new global::System.Text.Json.JsonException(\"Expected a JSON array in a {p.SourceKind}.\");");
                    w.Close();
                    w.Line();
                    w.Open("while (true)");
                    w.Line("if (!reader.Read()) return false;");
                    w.Line($"if (reader.TokenType == {TokenType}.EndArray) return true;");
                    EmitValue(w, each);
                    w.Close();
                }
                else
                {
                    w.Line($"if (reader.TokenType != {TokenType}.StartObject)");
                    w.Open();
                    w.Line($"throw new global::System.Text.Json.JsonException(\"Expected a JSON object in a {p.SourceKind}.\");");
                    w.Close();
                    w.Line();
                    w.Open("while (true)");
                    w.Line("if (!reader.Read()) return false;");
                    w.Line($"if (reader.TokenType != {TokenType}.PropertyName) return true;");
                    var first = true;
                    foreach (var pair in node.Named)
                    {
                        w.Open($"{(first ? string.Empty : "else ")}if (reader.ValueTextEquals({Emitter.Literal(pair.Key)}u8))");
                        w.Line("if (!reader.Read()) return false;");
                        EmitValue(w, pair.Value);
                        w.Close();
                        first = false;
                    }

                    w.Line(first ? "if (!global::KubeInformers.ProjectionSkipping.SkipValue(ref reader)) return false;" : "else if (!global::KubeInformers.ProjectionSkipping.SkipValue(ref reader)) return false;");
                    w.Close();
                }

                w.Close();
            }

            foreach (var pair in node.Named)
            {
                EmitNodes(w, pair.Value, p);
            }

            if (node.Each is { } element)
            {
                EmitNodes(w, element, p);
            }
        }

        // The reader is at the first token of a value: read every leaf ending here (each from its own copy of the reader
        // but the last, since a struct copy rewinds for free), then descend.
        private static void EmitValue(SourceWriter w, Node node)
        {
            var descends = node.Named.Count > 0 || node.Each is not null;
            for (var i = 0; i < node.Leaves.Count; i++)
            {
                var last = !descends && i == node.Leaves.Count - 1;
                if (last)
                {
                    EmitLeaf(w, node.Leaves[i], "reader");
                }
                else
                {
                    w.Open();
                    w.Line("var copy = reader;");
                    EmitLeaf(w, node.Leaves[i], "copy");
                    w.Close();
                }
            }

            if (descends)
            {
                w.Line($"if (!ReadNode{node.Id.ToString(CultureInfo.InvariantCulture)}(ref reader, options, strings, ref values)) return false;");
            }
        }

        private static void EmitLeaf(SourceWriter w, Slot slot, string reader)
        {
            // Strings, bools and numbers are single tokens, complete once read; a map or a sub-object must be checked
            // complete (on a copy) before it is read.
            if (slot.Read is ProjectionRead.StringMap or ProjectionRead.Serializer)
            {
                w.Line($"if ({reader}.TokenType is {TokenType}.StartObject or {TokenType}.StartArray)");
                w.Open();
                w.Line($"var probe = {reader};");
                w.Line("if (!probe.TrySkip()) return false;");
                w.Close();
            }

            string read = slot.Read switch
            {
                ProjectionRead.String => $"strings.Read(ref {reader})",
                ProjectionRead.StringMap => $"strings.ReadMap(ref {reader})",
                ProjectionRead.Boolean => $"{reader}.TokenType == {TokenType}.Null ? (bool?)null : {reader}.GetBoolean()",
                ProjectionRead.Number => $"{reader}.TokenType == {TokenType}.Null ? ({slot.ValueType}?)null : {reader}.Get{slot.Getter}()",
                _ => slot.IsStruct
                    ? $"{reader}.TokenType == {TokenType}.Null ? ({slot.ValueType}?)null : global::System.Text.Json.JsonSerializer.Deserialize<{slot.ValueType}>(ref {reader}, options)"
                    : $"{reader}.TokenType == {TokenType}.Null ? null : global::System.Text.Json.JsonSerializer.Deserialize<{slot.ValueType}>(ref {reader}, options)",
            };
            if (slot.IsList)
            {
                w.Line($"if (({read}) is {{ }} value{slot.Field})");
                w.Open();
                w.Line($"(values.{slot.Field} ??= new global::System.Collections.Generic.List<{slot.ValueType}>()).Add(value{slot.Field});");
                w.Close();
            }
            else
            {
                w.Line($"values.{slot.Field} = {read};");
            }
        }

        private static void EmitStringReader(SourceWriter w)
        {
            w.Line("// Reads strings through the options' string converter, so a deduplicating one (KubeInformers' decoder) shares repeated strings.");
            w.Open("private sealed class StringReader");
            w.Line("private readonly global::System.Text.Json.Serialization.JsonConverter<string>? _converter;");
            w.Line();
            w.Open($"public StringReader({Options} options)");
            w.Line("Options = options;");
            w.Line("// Options without a resolver (made by hand, not yet used by JsonSerializer) have no converters to ask: read strings directly.");
            w.Line("_converter = options.TypeInfoResolver is null ? null : options.GetTypeInfo(typeof(string)).Converter as global::System.Text.Json.Serialization.JsonConverter<string>;");
            w.Close();
            w.Line();
            w.Line($"public {Options} Options {{ get; }}");
            w.Line();
            w.Open($"public string? Read(ref {Reader} reader)");
            w.Line($"if (reader.TokenType == {TokenType}.Null)");
            w.Open();
            w.Line("return null;");
            w.Close();
            w.Line();
            w.Line($"if (reader.TokenType != {TokenType}.String)");
            w.Open();
            w.Line("throw new global::System.InvalidOperationException(\"Expected a JSON string.\");");
            w.Close();
            w.Line();
            w.Line("return _converter is null ? reader.GetString() : _converter.Read(ref reader, typeof(string), Options);");
            w.Close();
            w.Line();
            w.Open($"public global::System.Collections.Generic.Dictionary<string, string>? ReadMap(ref {Reader} reader)");
            w.Line($"if (reader.TokenType == {TokenType}.Null)");
            w.Open();
            w.Line("return null;");
            w.Close();
            w.Line();
            w.Line($"if (reader.TokenType != {TokenType}.StartObject)");
            w.Open();
            w.Line("throw new global::System.Text.Json.JsonException(\"Expected a JSON object of strings.\");");
            w.Close();
            w.Line();
            w.Line("var map = new global::System.Collections.Generic.Dictionary<string, string>();");
            w.Open($"while (reader.Read() && reader.TokenType == {TokenType}.PropertyName)");
            w.Line("var key = _converter is null ? reader.GetString()! : _converter.ReadAsPropertyName(ref reader, typeof(string), Options);");
            w.Line("reader.Read();");
            w.Line("map[key] = Read(ref reader)!; // a null value stays null, as in the full model");
            w.Close();
            w.Line();
            w.Line("return map;");
            w.Close();
            w.Close();
        }
    }
}
