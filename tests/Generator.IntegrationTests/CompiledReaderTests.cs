using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using k8s;
using k8s.Models;
using KubeInformers.Generator.IntegrationTests.Model;

namespace KubeInformers.Generator.IntegrationTests;

/// <summary>
/// The compiled readers the generator emits for the full model graph of every informer root: for any object (Pods,
/// Deployments, a custom resource with nested lists and maps), with unknown fields, nulls, empty lists and maps, escaped
/// strings and duplicate properties, they decode exactly what JsonSerializer with KubernetesClient's options decodes; on a
/// buffer that ends inside the object they ask for more data; and through the real list and watch decoders, whatever
/// they leave to JsonSerializer (escaped property names, wrong token types) decodes, or fails, exactly as without them.
/// </summary>
public class CompiledReaderTests
{
    private static readonly Gen<string> Word = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0-9-"], 1, 12];

    // Strings the writer must escape (quotes, backslashes, control and non-ASCII characters, HTML-sensitive ones).
    private static readonly Gen<string> Odd = Gen.String[Gen.Char["ab\"\\\n\t<>&'é中 /+"], 0, 10];
    private static readonly Gen<string> Text = Gen.Frequency((4, Word), (1, Odd), (1, Gen.Const("")));
    private static readonly Gen<string?> MaybeText = Gen.Frequency((3, Text.Select(t => (string?)t)), (1, Gen.Const((string?)null)));

    private static readonly Gen<Dictionary<string, string>?> Map =
        Gen.Frequency((1, Gen.Const((Dictionary<string, string>?)null)), (4, Gen.Dictionary(Text, Text)[0, 4].Select(d => (Dictionary<string, string>?)d)));

    private static readonly Gen<DateTime?> Time = Gen.Frequency(
        (1, Gen.Const((DateTime?)null)),
        (3, Gen.Int[0, 1_000_000_000].Select(s => (DateTime?)new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(s))));

    private static readonly Gen<IntOrString?> IntOrStr = Gen.Frequency(
        (1, Gen.Const((IntOrString?)null)), (2, Gen.Int[1, 65535].Select(p => (IntOrString?)p)), (2, Word.Select(w => (IntOrString?)w)));

    private static readonly Gen<Dictionary<string, ResourceQuantity>?> Quantities = Gen.Frequency(
        (1, Gen.Const((Dictionary<string, ResourceQuantity>?)null)),
        (2, Gen.Select(Gen.Int[1, 4000], Gen.Int[1, 512], (cpu, mem) => (Dictionary<string, ResourceQuantity>?)new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new($"{cpu}m"),
            ["memory"] = new($"{mem}Mi"),
        })));

    private static readonly Gen<V1Container> Container = Gen.Select(
        Gen.Select(Word, MaybeText, Gen.Int[1, 65535].Select(p => new V1ContainerPort { ContainerPort = p, Name = "p" + p, Protocol = "TCP" }).List[0, 3].Null()),
        Gen.Select(Quantities, Quantities, IntOrStr, Gen.Int[0, 60].Nullable()),
        Gen.Select(Gen.Select(Word, Text, (n, v) => new V1EnvVar { Name = n, Value = v }).List[0, 3].Null(), Text.List[0, 3].Null(), Gen.Bool.Nullable()),
        (a, b, c) => new V1Container
        {
            Name = a.Item1,
            Image = a.Item2,
            Ports = a.Item3,
            Resources = b.Item1 is null && b.Item2 is null ? null : new V1ResourceRequirements { Limits = b.Item1, Requests = b.Item2 },
            LivenessProbe = b.Item3 is null ? null : new V1Probe
            {
                HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = b.Item3 },
                InitialDelaySeconds = b.Item4,
            },
            Env = c.Item1,
            Args = c.Item2,
            SecurityContext = c.Item3 is null ? null : new V1SecurityContext { Privileged = c.Item3, Capabilities = new V1Capabilities { Drop = ["ALL"] } },
        });

    private static readonly Gen<V1ObjectMeta> Meta = Gen.Select(
        Gen.Select(Word, Word, Gen.Guid, Gen.Long[1, long.MaxValue], Map, Map),
        Gen.Select(Time, Gen.Long[0, 600].Nullable(), Gen.Bool, Gen.Int[0, 3]),
        (a, b) => new V1ObjectMeta
        {
            Name = a.Item1,
            NamespaceProperty = a.Item2,
            Uid = a.Item3.ToString(),
            ResourceVersion = a.Item4.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Labels = a.Item5,
            Annotations = a.Item6,
            CreationTimestamp = b.Item1,
            DeletionGracePeriodSeconds = b.Item2,
            OwnerReferences = b.Item3 ? [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs-" + a.Item1, Uid = a.Item3.ToString(), Controller = true }] : null,
            Finalizers = b.Item4 == 0 ? [] : null,
            ManagedFields = b.Item4 switch
            {
                0 => null,
                1 => [],
                _ => [new V1ManagedFieldsEntry
                {
                    Manager = "kubectl",
                    Operation = "Update",
                    FieldsType = "FieldsV1",
                    Time = b.Item1,
                    FieldsV1 = JsonDocument.Parse("{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},\"n\":" + b.Item4 + ",\"s\":\"x\\\"y\"}").RootElement,
                }],
            },
        });

    private static readonly Gen<V1PodSpec> PodSpec = Gen.Select(
        Gen.Select(MaybeText, Container.List[0, 4].Null(), Gen.Int.Nullable(), Gen.Bool.Nullable(), Map),
        Gen.Select(Gen.Bool, Gen.Long[0, 100].Nullable(), Word.Null()),
        (a, b) => new V1PodSpec
        {
            NodeName = a.Item1,
            Containers = a.Item2,
            Priority = a.Item3,
            HostNetwork = a.Item4,
            NodeSelector = a.Item5,
            SecurityContext = b.Item1 ? new V1PodSecurityContext { RunAsUser = 1000, RunAsNonRoot = true, Sysctls = [] } : null,
            TerminationGracePeriodSeconds = b.Item2,
            Volumes = b.Item3 is null ? null : [new V1Volume { Name = b.Item3, EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory", SizeLimit = new ResourceQuantity("1Gi") } }],
            Tolerations = b.Item1 ? [new V1Toleration { Key = "k", OperatorProperty = "Exists", TolerationSeconds = b.Item2 }] : null,
            Affinity = b.Item2 is > 50 ? new V1Affinity
            {
                NodeAffinity = new V1NodeAffinity
                {
                    RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                    {
                        NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "zone", OperatorProperty = "In", Values = ["a", "b"] }] }],
                    },
                },
            } : null,
        });

    private static readonly Gen<V1PodStatus> PodStatus = Gen.Select(MaybeText, Time, Gen.Select(Word, Gen.Bool, Time, (type, ok, t) => new V1PodCondition
    {
        Type = type,
        Status = ok ? "True" : "False",
        LastTransitionTime = t,
    }).List[0, 3].Null(), Word.Null(), Gen.Bool, (phase, start, conditions, ip, running) => new V1PodStatus
    {
        Phase = phase,
        StartTime = start,
        Conditions = conditions,
        PodIP = ip,
        PodIPs = ip is null ? null : [new V1PodIP { Ip = ip }],
        ContainerStatuses = [new V1ContainerStatus
        {
            Name = "c",
            Ready = running,
            RestartCount = 2,
            Image = "img",
            ImageID = "sha",
            State = running ? new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = start } } : new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "Pending" } },
        }],
    });

    internal static readonly Gen<V1Pod> Pods = Gen.Select(Meta, PodSpec.Null(), PodStatus.Null(), (meta, spec, status) => new V1Pod
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = meta,
        Spec = spec,
        Status = status,
    });

    internal static readonly Gen<V1Deployment> Deployments = Gen.Select(Meta, PodSpec, Gen.Int[0, 10].Nullable(), IntOrStr, Map, (meta, spec, replicas, surge, labels) => new V1Deployment
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = meta,
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = labels },
            Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = surge, MaxUnavailable = surge } },
            Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = labels }, Spec = spec },
        },
        Status = replicas is null ? null : new V1DeploymentStatus
        {
            Replicas = replicas,
            ObservedGeneration = 3,
            Conditions = [new V1DeploymentCondition { Type = "Available", Status = "True", LastUpdateTime = new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc) }],
        },
    });

    private static readonly Gen<WidgetPart> Leaf = Gen.Select(Text.Null(), Gen.Int.List[0, 4].Null(), Map, (n, s, l) => new WidgetPart { Name = n, Sizes = s, Labels = l });

    private static readonly Gen<WidgetPart> Part = Gen.Select(Leaf, Leaf.List[0, 3].Null(), (p, children) =>
    {
        p.Children = children;
        return p;
    });

    internal static readonly Gen<Widget> Widgets = Gen.Select(
        Gen.Select(Meta, Text.Null(), Part.List[0, 3].Null(), Gen.Dictionary(Word, Text.List[0, 3])[0, 3].Null(), Gen.Dictionary(Word, Part)[0, 2].Null()),
        Gen.Select(Gen.Enum<WidgetColour>().Nullable(), Gen.Enum<WidgetColour>(), Gen.Long, Gen.Double.Nullable(), Gen.Bool),
        Gen.Select(Gen.Byte.Array[0, 8].Null(), IntOrStr, Gen.Int[0, 2], Text.Null(), Gen.Bool),
        (a, b, c) => new Widget
        {
            Metadata = a.Item1,
            Spec = new WidgetSpec
            {
                DisplayName = a.Item2,
                URLPath = a.Item2 is null ? null : "/" + a.Item2,
                Parts = a.Item3,
                Groups = a.Item4?.ToDictionary(kv => kv.Key, kv => (IList<string>)kv.Value),
                PartsByName = a.Item5,
                Colour = b.Item1,
                Finish = b.Item2,
                Since = c.Item5 ? new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)) : null,
                Count = b.Item3,
                Ratio = b.Item4 is { } r && double.IsFinite(r) ? r : null,
                Enabled = b.Item5,
                Payload = c.Item1,
                Port = c.Item2,
                Extra = c.Item3 switch { 0 => null, 1 => JsonDocument.Parse("""[1,"two",{"three":3.5}]""").RootElement, _ => JsonDocument.Parse("\"s\"").RootElement },
                Shout = c.Item4,
                Origin = c.Item5 ? new WidgetOrigin("east", 2020) : null,
            },
        });

    [Fact]
    public void CompiledReadersAreRegisteredForEveryInformerRoot()
    {
        Assert.True(CompiledReaderRegistry.IsRegistered<V1Pod>());
        Assert.True(CompiledReaderRegistry.IsRegistered<V1Deployment>());
        Assert.True(CompiledReaderRegistry.IsRegistered<CronTab>());
        Assert.True(CompiledReaderRegistry.IsRegistered<Widget>());
        Assert.NotNull(CompiledReaderRegistry.GetReader<V1Pod>());

        // Projections have their own readers, and types without an informer get none.
        Assert.False(CompiledReaderRegistry.IsRegistered<PodSummary>());
        Assert.False(CompiledReaderRegistry.IsRegistered<V1Service>());
    }

    [Fact]
    public void AnyPodDecodesAsJsonSerializerDecodesIt() => AssertDecodesAlike(Pods, iter: 300);

    [Fact]
    public void AnyDeploymentDecodesAsJsonSerializerDecodesIt() => AssertDecodesAlike(Deployments, iter: 200);

    [Fact]
    public void AnyCustomResourceWithNestedListsAndMapsDecodesAsJsonSerializerDecodesIt() => AssertDecodesAlike(Widgets, iter: 300);

    [Fact]
    public void ACustomResourceReadsConvertersIgnoredMembersAndConstructorBoundTypesAsJsonSerializerDoes()
    {
        const string json = """
            {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
             "spec":{"displayName":"d","urlPath":"/p","URLPath":"/wrong-case","colour":"Blue","finish":"Green","since":"2024-01-02T03:04:05+02:00",
                     "count":9007199254740993,"ratio":0.25,"enabled":true,"payload":"AQID","port":"http","extra":{"a":[1]},
                     "shout":"quiet","secret":"never","computed":"ignored","origin":{"factory":"east","year":2020},
                     "parts":[],"groups":{},"partsByName":{"x":{"name":"x","sizes":[1,2],"children":[{"name":"y"}]}}}}
            """;
        var expected = KubernetesJson.Deserialize<Widget>(json);
        var (result, actual) = ReadCompiled<Widget>(Encoding.UTF8.GetBytes(json));

        Assert.Equal(CompiledReadResult.Done, result);
        Assert.Equal(KubernetesJson.Serialize(expected), KubernetesJson.Serialize(actual));
        Assert.Equal("QUIET", actual!.Spec!.Shout);
        Assert.Null(actual.Spec.Secret);
        Assert.Equal("/p", actual.Spec.URLPath); // names match case-sensitively
        Assert.Equal(new WidgetOrigin("east", 2020), actual.Spec.Origin);
        Assert.Equal(WidgetColour.Blue, actual.Spec.Colour);
        Assert.Empty(actual.Spec.Parts!);
        Assert.Empty(actual.Spec.Groups!);
    }

    [Fact]
    public void ABufferEndingAnywhereInsideAnObjectAsksForMoreData()
    {
        Gen.Select(Pods, Gen.Int).Sample((pod, seed) =>
        {
            var bytes = Mutate(KubernetesJson.Serialize(pod), seed);
            var (whole, _) = ReadCompiled<V1Pod>(bytes);
            for (var cut = 1; cut < bytes.Length; cut++)
            {
                var (partial, value) = ReadCompiled<V1Pod>(bytes.AsSpan(0, cut));
                Assert.True(partial != CompiledReadResult.Done, $"cut at {cut} of {bytes.Length}");
                Assert.Null(value);
                if (whole == CompiledReadResult.Done)
                {
                    // Only whole objects are ever unsupported: a reader that can read the object never gives up on a prefix.
                    Assert.True(partial == CompiledReadResult.NeedMoreData, $"cut at {cut} of {bytes.Length}: {partial}");
                }
            }

            var withMore = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes) + ",{\"kind\":");
            var (more, _, consumed) = ReadCompiledWithPosition<V1Pod>(withMore);
            Assert.Equal(whole, more);
            if (more == CompiledReadResult.Done)
            {
                Assert.Equal(bytes.Length, consumed);
            }
        }, iter: 15);
    }

    [Fact]
    public async Task ListBodiesSplitAcrossReadsDecodeAsWithoutCompiledReaders()
    {
        var before = CompiledReaderRegistry.GetStatistics<V1Pod>();
        var decodedLists = 0;
        string? lastError = null;
        await Gen.Select(Pods.List[40, 80], Gen.Int, Gen.Int[1, 5000]).SampleAsync(async (pods, seed, chunk) =>
        {
            var items = pods.Select((p, i) => Encoding.UTF8.GetString(Mutate(KubernetesJson.Serialize(p), seed + i, harsh: false)));
            var body = Encoding.UTF8.GetBytes("""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[""" + string.Join(",", items) + "]}");

            var compiled = await ListAsync<V1Pod>(body, compiledReaders: true, chunk);
            var plain = await ListAsync<V1Pod>(body, compiledReaders: false, chunk);

            AssertSameOutcome(plain, compiled);
            lastError = plain.Error?.ToString();
            if (plain.Error is null)
            {
                Interlocked.Increment(ref decodedLists);
                Assert.Equal(pods.Count, compiled.Items!.Count);
            }
        }, iter: 12);

        Assert.True(decodedLists > 0, "no sample decoded without error: " + lastError);
        Assert.True(CompiledReaderRegistry.GetStatistics<V1Pod>().Decoded > before.Decoded);
    }

    [Theory]
    [InlineData("""{"metadata":{"name":123}}""")]
    [InlineData("""{"metadata":{"labels":{"a":[1]}}}""")]
    [InlineData("""{"spec":{"priority":"high"}}""")]
    [InlineData("""{"spec":{"priority":1.5}}""")]
    [InlineData("""{"status":{"startTime":"not a date"}}""")]
    [InlineData("""{"spec":{"containers":{"name":"x"}}}""")]
    [InlineData("""{"spec":{"hostNetwork":null,"securityContext":{"runAsUser":null}},"metadata":{"finalizers":[null]}}""")]
    public async Task OddOrWrongItemsDecodeOrFailExactlyAsWithoutCompiledReaders(string item)
    {
        var body = Encoding.UTF8.GetBytes("""{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"ok"}},""" + item + "]}");
        var compiled = await ListAsync<V1Pod>(body, compiledReaders: true, chunk: null);
        var plain = await ListAsync<V1Pod>(body, compiledReaders: false, chunk: null);

        AssertSameOutcome(plain, compiled);
    }

    [Fact]
    public async Task EscapedPropertyNamesFallBackToJsonSerializer()
    {
        var body = Encoding.UTF8.GetBytes("""{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[{"metadata":{"n\u0061me":"escaped","namespace":"a"}}]}""");
        var before = CompiledReaderRegistry.GetStatistics<V1Pod>();
        var compiled = await ListAsync<V1Pod>(body, compiledReaders: true, chunk: null);

        Assert.Null(compiled.Error);
        Assert.Equal("escaped", compiled.Items![0].Metadata.Name);
        Assert.True(CompiledReaderRegistry.GetStatistics<V1Pod>().FallenBack > before.FallenBack);
    }

    [Fact]
    public async Task WatchLinesDecodeOrFailExactlyAsWithoutCompiledReaders()
    {
        await Gen.Select(Pods.List[1, 10], Gen.Int, Gen.Int[0, 3]).SampleAsync(async (pods, seed, badKind) =>
        {
            var lines = pods.Select((p, i) => "{\"type\":\"MODIFIED\",\"object\":" + Encoding.UTF8.GetString(Mutate(KubernetesJson.Serialize(p), seed + i)) + "}").ToList();
            lines.Insert(lines.Count / 2, badKind switch
            {
                0 => """{"object":{"metadata":{"name":"object-first"}},"type":"ADDED"}""",
                1 => """{"type":"ADDED","object":{"metadata":{"n\u0061me":"escaped"}}}""",
                2 => """{"type":"ADDED","object":{"metadata":{"name":["wrong"]}}}""",
                _ => """{"type":"DELETED","object":{"metadata":{"name":"gone","labels":null}}}""",
            });
            var body = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");

            var compiled = await WatchAsync<V1Pod>(body, compiledReaders: true);
            var plain = await WatchAsync<V1Pod>(body, compiledReaders: false);
            AssertSameOutcome(plain, compiled);
        }, iter: 20);
    }

    [Fact]
    public void TheCompiledReaderKeepsFieldsV1AsRawJsonSharedFromItsSecondSight()
    {
        static string Pod(string name, string fields) =>
            $$$"""{"metadata":{"name":"{{{name}}}","managedFields":[{"manager":"kube-controller-manager","fieldsType":"FieldsV1","fieldsV1":{{{fields}}},"operation":"Update"}]},"spec":{"nodeName":"n1"}}""";
        const string owner = """{"f:metadata":{"f:ownerReferences":{"k:{\"uid\":\"0a3f-compiled\"}":{}}}}""";

        var pods = new[] { Pod("a", owner), Pod("b", owner), Pod("c", owner), Pod("d", """{"f:spec":{"f:nodeName":{}}}"""), Pod("e", """[1, "x" ,{}]""") }
            .Select(json => ReadCompiled<V1Pod>(Encoding.UTF8.GetBytes(json)))
            .Select(r => { Assert.Equal(CompiledReadResult.Done, r.Result); return r.Value!; })
            .ToArray();

        var fields = pods.Select(p => Assert.IsType<RawJson>(p.Metadata.ManagedFields[0].FieldsV1)).ToArray();
        Assert.Equal(owner, fields[0].ToString());
        Assert.NotSame(fields[0], fields[1]); // first sight: only remembered
        Assert.Same(fields[1], fields[2]);
        Assert.Equal("""{"f:spec":{"f:nodeName":{}}}""", fields[3].ToString());
        Assert.Equal("Update", pods[3].Metadata.ManagedFields[0].Operation); // reading went on after the document
        Assert.Equal("n1", pods[3].Spec.NodeName);
        Assert.Equal("""[1,"x",{}]""", fields[4].ToString()); // not an object: kept as written, minified
        Assert.Equal("Update", pods[4].Metadata.ManagedFields[0].Operation);
    }

    [Fact]
    public void AFieldsV1DocumentCutOffByTheEndOfTheBufferAsksForMoreDataAndLeavesTheReaderWhereItWas()
    {
        var context = CompiledReaderContext.Create(KubernetesJsonCodec.Options);
        Assert.NotNull(context);
        var reader = new Utf8JsonReader("""{"f:spec":{"f:nodeName":{},"f:con"""u8, isFinalBlock: false, state: default);
        Assert.True(reader.Read());
        var consumed = reader.BytesConsumed;

        Assert.Equal(CompiledReadResult.NeedMoreData, context.ReadManagedFieldsDocument(ref reader, out var value));
        Assert.Null(value);
        Assert.Equal(JsonTokenType.StartObject, reader.TokenType);
        Assert.Equal(consumed, reader.BytesConsumed);
    }

    private static void AssertDecodesAlike<T>(Gen<T> gen, long iter) where T : class
    {
        Gen.Select(gen, Gen.Int, Gen.Bool).Sample((obj, seed, mutate) =>
        {
            var json = KubernetesJson.Serialize(obj);
            var bytes = mutate ? Mutate(json, seed) : Encoding.UTF8.GetBytes(json);
            var text = Encoding.UTF8.GetString(bytes);

            T? expected = null;
            Exception? error = null;
            try
            {
                expected = KubernetesJson.Deserialize<T>(text);
            }
            catch (Exception ex)
            {
                error = ex;
            }

            var (result, actual) = ReadCompiled<T>(bytes);
            if (error is not null)
            {
                // JsonSerializer rejects it: the compiled reader must not accept it (the decoder then lets JsonSerializer throw).
                Assert.True(result != CompiledReadResult.Done, $"JsonSerializer threw {error.GetType().Name}, the compiled reader decoded: {text}");
                return;
            }

            if (!mutate)
            {
                Assert.Equal(CompiledReadResult.Done, result); // plain objects never need the fallback
            }

            if (result == CompiledReadResult.Done)
            {
                Assert.Equal(Canonical(KubernetesJson.Serialize(expected)), Canonical(KubernetesJson.Serialize(actual)));
            }
        }, iter: iter);
    }

    /// <summary>
    /// The JSON rewritten by one writer, so that texts holding the same tokens compare equal: a fieldsV1 document is kept
    /// as the text the server sent (docs/performance.md, "Memory per object"), escapes included, where KubernetesClient's
    /// JsonElement is re-escaped when written.
    /// </summary>
    private static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement);
    }

    private static (CompiledReadResult Result, T? Value) ReadCompiled<T>(ReadOnlySpan<byte> json) where T : class
    {
        var (result, value, _) = ReadCompiledWithPosition<T>(json);
        return (result, value);
    }

    private static (CompiledReadResult Result, T? Value, int Consumed) ReadCompiledWithPosition<T>(ReadOnlySpan<byte> json) where T : class
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, state: default);
        Assert.True(reader.Read());
        var compiled = CompiledReaderRegistry.GetReader<T>();
        Assert.NotNull(compiled);
        try
        {
            var result = compiled(ref reader, out var value);
            return (result, result == CompiledReadResult.Done ? value : null, (int)reader.BytesConsumed);
        }
        catch (Exception)
        {
            // A converter threw: the decoder treats it as unsupported and lets JsonSerializer throw the same error.
            return (CompiledReadResult.Unsupported, null, 0);
        }
    }

    /// <summary>
    /// Rewrites JSON with what servers and proxies may send but the serializer never writes: unknown properties (objects,
    /// arrays, nulls), duplicate properties (an earlier decoy or null that the later value must win over).
    /// </summary>
    private static byte[] Mutate(string json, int seed, bool harsh = true)
    {
        var random = new Random(seed);
        using var document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            Write(writer, document.RootElement, random, harsh);
        }

        return buffer.WrittenSpan.ToArray();

        static void Write(Utf8JsonWriter writer, JsonElement element, Random random, bool harsh)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    // Unknown properties (a complex one only now and then: in a map it is a bad value, which both decoders reject).
                    switch (random.Next(16))
                    {
                        case 0 when harsh:
                            writer.WritePropertyName("zzFuture");
                            writer.WriteRawValue("""{"a":[1,null,{"b":"c\u0041\"","e":[]}],"d":true,"f":-1.5e3}""");
                            break;
                        case < 5:
                            writer.WritePropertyName("zzFuture");
                            writer.WriteStringValue("1");
                            break;
                    }

                    foreach (var property in element.EnumerateObject())
                    {
                        switch (random.Next(10))
                        {
                            case 0:
                                writer.WritePropertyName(property.Name);
                                WriteDecoy(writer, property.Value, random, harsh);
                                break;
                            case 1 when property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.String:
                                writer.WritePropertyName(property.Name);
                                writer.WriteNullValue();
                                break;
                        }

                        writer.WritePropertyName(property.Name);
                        Write(writer, property.Value, random, harsh);
                        if (random.Next(12) == 0)
                        {
                            writer.WritePropertyName("unknown" + random.Next(3));
                            writer.WriteStringValue("2");
                        }
                    }

                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray())
                    {
                        Write(writer, item, random, harsh);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }

        static void WriteDecoy(Utf8JsonWriter writer, JsonElement value, Random random, bool harsh)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteRawValue(harsh && random.Next(3) == 0 ? """{"name":"decoy","zz":[1]}""" : "{}");
                    break;
                case JsonValueKind.Array:
                    writer.WriteRawValue("[]");
                    break;
                default:
                    value.WriteTo(writer);
                    break;
            }
        }
    }

    private static void AssertSameOutcome<T>((List<T>? Items, Exception? Error) expected, (List<T>? Items, Exception? Error) actual) where T : class
    {
        Assert.Equal(expected.Error?.GetType(), actual.Error?.GetType());
        Assert.Equal(expected.Error?.Message, actual.Error?.Message);
        Assert.Equal(expected.Error?.InnerException?.GetType(), actual.Error?.InnerException?.GetType());
        Assert.Equal(expected.Error?.InnerException?.Message, actual.Error?.InnerException?.Message);
        Assert.Equal(expected.Items?.Select(i => KubernetesJson.Serialize(i)), actual.Items?.Select(i => KubernetesJson.Serialize(i)));
    }

    private static readonly ResourceDescriptor PodsResource = new("", "v1", "pods", "Pod", Namespaced: true);

    private static async Task<(List<T>? Items, Exception? Error)> ListAsync<T>(byte[] body, bool compiledReaders, int? chunk)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        using var client = CannedClient(body, chunk);
        var source = new HttpListWatch<T>(client, PodsResource) { CompiledReaders = compiledReaders };
        try
        {
            var page = await source.ListAsync(new ListRequest(), Wait.Timeout());
            return ([.. page.Items], null);
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }

    private static async Task<(List<T>? Items, Exception? Error)> WatchAsync<T>(byte[] body, bool compiledReaders)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        using var client = CannedClient(body, chunk: 777);
        var source = new HttpListWatch<T>(client, PodsResource) { CompiledReaders = compiledReaders };
        var items = new List<T>();
        try
        {
            await using var stream = await source.WatchAsync(new WatchRequest(), Wait.Timeout());
            await foreach (var e in stream.ReadEventsAsync(Wait.Timeout()))
            {
                items.Add(e.Object);
            }

            return (items, null);
        }
        catch (Exception ex)
        {
            return (items, ex);
        }
    }

    private static Kubernetes CannedClient(byte[] body, int? chunk) =>
        new(new KubernetesClientConfiguration { Host = "http://127.0.0.1:9" }, new CannedHandler(body, chunk));

    /// <summary>Answers every request with <c>200</c> and the body, delivered in reads of at most <c>chunk</c> bytes.</summary>
    private sealed class CannedHandler(byte[] body, int? chunk) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StreamContent(new ChunkedStream(body, chunk ?? Math.Max(body.Length, 1))),
                RequestMessage = request,
            });
    }
}
