using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Generator.Tests.Infrastructure;

namespace KubeInformers.Generator.Tests;

/// <summary>
/// Property: for random C# model shapes (strings with and without length limits, ints with and without ranges, longs,
/// doubles, bools, enums, lists, maps, nested classes; required or optional), the generator's CRD schema accepts every
/// object generated from that schema, and rejects a mutated one (wrong type, missing required field, out of range, too
/// long) with the field path and reason of the mutation. Checked through the emulator's API (its structural-schema
/// validator answers 422 with causes). CsCheck picks the shapes and values; set CSCHECK_SEED to replay a failure.
/// </summary>
public sealed class CrdSchemaPropertyTests : IAsyncLifetime
{
    private const string Group = "prop.example.com";
    private const int ShapesPerRun = 4;
    private KubernetesEmulator _emulator = null!;
    private HttpClient _http = null!;
    private int _names;

    public async Task InitializeAsync()
    {
        _emulator = await KubernetesEmulator.StartAsync();
        _http = new HttpClient { BaseAddress = _emulator.BaseUri };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task GeneratedSchemasAcceptGeneratedObjectsAndRejectMutationsAtTheirPath()
    {
        var run = 0;
        await Shapes.SampleAsync(async shapes =>
        {
            run++;
            var crds = await InstallAsync(shapes, run);
            for (var i = 0; i < shapes.Length; i++)
            {
                var (kind, plural, schema) = crds[i];
                for (var value = 0; value < 3; value++)
                {
                    var random = new Random(HashCode.Combine(shapes[i].Seed, value));
                    var spec = Generate(schema.Properties["spec"], random);
                    var name = "o" + Interlocked.Increment(ref _names);
                    var accepted = await PostAsync(plural, Object(kind, name, spec));
                    Assert.True(accepted.Status == HttpStatusCode.Created, $"{kind}: a generated object was refused:\n{spec.ToJsonString()}\n{accepted.Body}");

                    if (Mutate(spec, schema.Properties["spec"], "spec", random) is { } mutation)
                    {
                        var rejected = await PostAsync(plural, Object(kind, name + "-bad", spec));
                        Assert.True(rejected.Status == (HttpStatusCode)422, $"{kind}: {mutation} was accepted:\n{spec.ToJsonString()}");
                        var causes = JsonNode.Parse(rejected.Body)!["details"]!["causes"]!.AsArray();
                        Assert.True(causes.Any(c => (string?)c!["field"] == mutation.Field && (string?)c["reason"] == mutation.Reason),
                            $"{kind}: {mutation} not reported as such: {rejected.Body}");
                    }
                }
            }
        }, seed: Environment.GetEnvironmentVariable("CSCHECK_SEED"), iter: 4, threads: 1);
    }

    // ---- model shapes -------------------------------------------------------------------------------------------

    private abstract record Field(bool Required);
    private sealed record StringField(bool Required, int? MaxLength) : Field(Required);
    private sealed record IntField(bool Required, int? Min, int? Max) : Field(Required);
    private sealed record LongField(bool Required) : Field(Required);
    private sealed record DoubleField(bool Required, int? Max) : Field(Required);
    private sealed record BoolField(bool Required) : Field(Required);
    private sealed record EnumField(bool Required, int Members) : Field(Required);
    private sealed record ListField(bool Required, int? MaxItems) : Field(Required);
    private sealed record MapField(bool Required) : Field(Required);
    private sealed record ObjectField(bool Required, Field[] Fields) : Field(Required);

    private sealed record Shape(Field[] Fields, int Seed);

    private static readonly Gen<bool> Required = Gen.Bool;

    private static readonly Gen<Field> Leaf = Gen.OneOf<Field>(
        Gen.Select(Required, Gen.Int[1, 12].Nullable(), (r, m) => (Field)new StringField(r, m)),
        Gen.Select(Required, Gen.Int[-50, 50], Gen.Int[0, 100].Nullable(), (r, lo, span) => (Field)new IntField(r, span is null ? null : lo, span is null ? null : lo + span)),
        Required.Select(r => (Field)new LongField(r)),
        Gen.Select(Required, Gen.Int[1, 1000].Nullable(), (r, m) => (Field)new DoubleField(r, m)),
        Required.Select(r => (Field)new BoolField(r)),
        Gen.Select(Required, Gen.Int[1, 4], (r, n) => (Field)new EnumField(r, n)),
        Gen.Select(Required, Gen.Int[1, 5].Nullable(), (r, m) => (Field)new ListField(r, m)),
        Required.Select(r => (Field)new MapField(r)));

    private static readonly Gen<Field> Member = Gen.Frequency(
        (5, Leaf),
        (1, Gen.Select(Required, Leaf.Array[1, 4], (r, f) => (Field)new ObjectField(r, f))));

    private static readonly Gen<Shape[]> Shapes = Gen.Select(Member.Array[1, 6], Gen.Int, (f, s) => new Shape(f, s)).Array[ShapesPerRun];

    /// <summary>The C# source of shape <paramref name="index"/> of run <paramref name="run"/>: a resource class and its spec.</summary>
    private static string Source(Shape shape, string kind)
    {
        var b = new StringBuilder();
        var nested = new StringBuilder();
        b.AppendLine($$"""
            [KubernetesEntity(Group = "{{Group}}", ApiVersion = "v1", Kind = "{{kind}}", PluralName = "{{kind.ToLowerInvariant()}}s")]
            [GenerateInformer]
            public sealed class {{kind}} : IKubernetesObject<V1ObjectMeta>
            {
                public string ApiVersion { get; set; } = "{{Group}}/v1";
                public string Kind { get; set; } = "{{kind}}";
                public V1ObjectMeta Metadata { get; set; } = new();
                public {{kind}}Spec? Spec { get; set; }
            }
            """);
        Class(b, nested, kind + "Spec", shape.Fields);
        return b.Append(nested).ToString();
    }

    private static void Class(StringBuilder b, StringBuilder nested, string name, Field[] fields)
    {
        b.AppendLine($"public sealed class {name}").AppendLine("{");
        for (var i = 0; i < fields.Length; i++)
        {
            var property = "F" + i;
            var q = fields[i].Required ? "" : "?";
            var init = fields[i].Required ? " = new();" : "";
            switch (fields[i])
            {
                case StringField s:
                    if (s.MaxLength is { } max) b.AppendLine($"    [MaxLength({max})]");
                    b.AppendLine($"    public string{q} {property} {{ get; set; }}{(s.Required ? " = \"\";" : "")}");
                    break;
                case IntField n:
                    if (n.Min is { } lo) b.AppendLine($"    [Range({lo}, {n.Max})]");
                    b.AppendLine($"    public int{q} {property} {{ get; set; }}");
                    break;
                case LongField:
                    b.AppendLine($"    public long{q} {property} {{ get; set; }}");
                    break;
                case DoubleField d:
                    if (d.Max is { } dmax) b.AppendLine($"    [Range(0.0, {dmax}.0)]");
                    b.AppendLine($"    public double{q} {property} {{ get; set; }}");
                    break;
                case BoolField:
                    b.AppendLine($"    public bool{q} {property} {{ get; set; }}");
                    break;
                case EnumField e:
                    nested.AppendLine($"public enum {name}E{i} {{ {string.Join(", ", Enumerable.Range(0, e.Members).Select(m => "M" + m))} }}");
                    b.AppendLine($"    public {name}E{i}{q} {property} {{ get; set; }}");
                    break;
                case ListField l:
                    if (l.MaxItems is { } items) b.AppendLine($"    [MaxLength({items})]");
                    b.AppendLine($"    public List<int>{q} {property} {{ get; set; }}{init}");
                    break;
                case MapField:
                    b.AppendLine($"    public Dictionary<string, string>{q} {property} {{ get; set; }}{init}");
                    break;
                case ObjectField o:
                    b.AppendLine($"    public {name}N{i}{q} {property} {{ get; set; }}{init}");
                    Class(nested, nested, name + "N" + i, o.Fields);
                    break;
            }
        }

        b.AppendLine("}");
    }

    /// <summary>Generates the shapes' sources, runs the generator, creates the CRDs; returns kind, plural and root schema of each.</summary>
    private async Task<List<(string Kind, string Plural, V1JSONSchemaProps Schema)>> InstallAsync(Shape[] shapes, int run)
    {
        var kinds = shapes.Select((_, i) => $"Shape{run}x{i}").ToArray();
        var source = """
            using System.Collections.Generic;
            using System.ComponentModel.DataAnnotations;
            using k8s;
            using k8s.Models;
            using KubeInformers;

            namespace Props;

            """ + string.Concat(shapes.Select((s, i) => Source(s, kinds[i])));
        // The generator's own result only (compiling the whole output, as AssertClean does, would cost seconds per run).
        var generation = TestCompilation.Run(source);
        Assert.Empty(generation.GeneratorDiagnostics);
        Assert.All(generation.Result.Results, r => Assert.Null(r.Exception));
        var generated = generation.Sources;
        using var client = _emulator.CreateClient();
        var result = new List<(string, string, V1JSONSchemaProps)>();
        foreach (var kind in kinds)
        {
            var json = CrdGenerationTests.ConstString(generated[$"Props.{kind}CustomResourceDefinition.g.cs"], "Json");
            var crd = KubernetesJson.Deserialize<V1CustomResourceDefinition>(json);
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
            result.Add((kind, crd.Spec.Names.Plural, crd.Spec.Versions[0].Schema.OpenAPIV3Schema));
        }

        return result;
    }

    // ---- objects from the schema --------------------------------------------------------------------------------

    private static JsonObject Object(string kind, string name, JsonNode spec) => new()
    {
        ["apiVersion"] = Group + "/v1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = spec.DeepClone(),
    };

    /// <summary>A value the schema accepts: required properties always, optional ones half the time, within every bound.</summary>
    private static JsonNode Generate(V1JSONSchemaProps schema, Random random)
    {
        if (schema.EnumProperty is { Count: > 0 } values)
        {
            return JsonValue.Create(values.ElementAt(random.Next(values.Count))!.ToString())!;
        }

        switch (schema.Type)
        {
            case "object" when schema.Properties is { } properties:
                var obj = new JsonObject();
                foreach (var (key, child) in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (schema.Required?.Contains(key) == true || random.Next(2) == 0)
                    {
                        obj[key] = Generate(child, random);
                    }
                }

                return obj;
            case "object":
                var map = new JsonObject();
                var valueSchema = Nested(schema.AdditionalProperties)!;
                for (var i = random.Next(3); i > 0; i--)
                {
                    map["k" + random.Next(100)] = Generate(valueSchema, random);
                }

                return map;
            case "array":
                var array = new JsonArray();
                for (var i = random.Next((int)Math.Min(schema.MaxItems ?? 3, 3) + 1); i > 0; i--)
                {
                    array.Add(Generate(Nested(schema.Items)!, random));
                }

                return array;
            case "string":
                var length = random.Next((int)(schema.MinLength ?? 0), (int)Math.Min(schema.MaxLength ?? 8, 8) + 1);
                return JsonValue.Create(new string(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26))).ToArray()))!;
            case "integer":
                var lo = (long)(schema.Minimum ?? -1000);
                var hi = (long)(schema.Maximum ?? 1000);
                return JsonValue.Create(random.NextInt64(lo, hi + 1))!;
            case "number":
                var min = schema.Minimum ?? -1000;
                var max = schema.Maximum ?? 1000;
                return JsonValue.Create(Math.Round(min + (random.NextDouble() * (max - min)), 3))!;
            case "boolean":
                return JsonValue.Create(random.Next(2) == 0)!;
            default:
                throw new InvalidOperationException($"the generator emitted a schema node this test does not expect: type {schema.Type}");
        }
    }

    /// <summary>A mutation and the cause the server must report for it.</summary>
    private sealed record Mutation(string What, string Field, string Reason)
    {
        public override string ToString() => $"{What} at {Field} (expected {Reason})";
    }

    /// <summary>Applies one random mutation to <paramref name="value"/> in place; null when none applies.</summary>
    private static Mutation? Mutate(JsonNode value, V1JSONSchemaProps schema, string path, Random random)
    {
        var candidates = new List<(Action Apply, Mutation Mutation)>();
        Collect(value, schema, path, parent: null, key: null, candidates);
        if (candidates.Count == 0)
        {
            return null;
        }

        var (apply, mutation) = candidates[random.Next(candidates.Count)];
        apply();
        return mutation;
    }

    private static void Collect(JsonNode node, V1JSONSchemaProps schema, string path, JsonNode? parent, string? key, List<(Action, Mutation)> into)
    {
        void Replace(JsonNode replacement)
        {
            switch (parent)
            {
                case JsonObject o: o[key!] = replacement; break;
                case JsonArray a: a[int.Parse(key!, System.Globalization.CultureInfo.InvariantCulture)] = replacement; break;
            }
        }

        switch (node)
        {
            case JsonObject obj when schema.Properties is { } properties:
                foreach (var required in schema.Required ?? [])
                {
                    if (obj.ContainsKey(required))
                    {
                        into.Add((() => obj.Remove(required), new Mutation("missing required", path + "." + required, "FieldValueRequired")));
                    }
                }

                foreach (var (k, child) in obj.ToList())
                {
                    Collect(child!, properties[k], path + "." + k, obj, k, into);
                }

                break;
            case JsonObject map:
                foreach (var (k, child) in map.ToList())
                {
                    Collect(child!, Nested(schema.AdditionalProperties)!, $"{path}[{k}]", map, k, into);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Collect(array[i]!, Nested(schema.Items)!, $"{path}[{i}]", array, i.ToString(System.Globalization.CultureInfo.InvariantCulture), into);
                }

                break;
            default:
                if (parent is null)
                {
                    return;
                }

                var wrong = schema.Type == "string" ? JsonValue.Create(7) : JsonValue.Create("seven");
                into.Add((() => Replace(wrong!), new Mutation("wrong type", path, "FieldValueTypeInvalid")));
                if (schema.Type == "integer" && schema.Maximum is { } max)
                {
                    into.Add((() => Replace(JsonValue.Create((long)max + 1)!), new Mutation("above maximum", path, "FieldValueInvalid")));
                }

                if (schema.Type == "integer" && schema.Minimum is { } min)
                {
                    into.Add((() => Replace(JsonValue.Create((long)min - 1)!), new Mutation("below minimum", path, "FieldValueInvalid")));
                }

                if (schema.Type == "string" && schema.MaxLength is { } maxLength && schema.EnumProperty is null)
                {
                    into.Add((() => Replace(JsonValue.Create(new string('x', (int)maxLength + 1))!), new Mutation("too long", path, "FieldValueTooLong")));
                }

                break;
        }
    }

    private static V1JSONSchemaProps? Nested(object? schema) => schema switch
    {
        V1JSONSchemaProps props => props,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object } element => KubernetesJson.Deserialize<V1JSONSchemaProps>(element.GetRawText()),
        _ => null,
    };

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string plural, JsonObject body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync($"/apis/{Group}/v1/namespaces/default/{plural}", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
