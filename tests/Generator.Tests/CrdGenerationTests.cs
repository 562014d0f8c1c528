using System.Text.Json.Nodes;
using KubeInformers.Generator.Crds;
using KubeInformers.Generator.Tests.Infrastructure;

namespace KubeInformers.Generator.Tests;

/// <summary>
/// The CustomResourceDefinitions and RBAC the generator emits, as manifests compared with reviewed baselines under
/// <c>Baselines/Crds</c> (UPDATE_BASELINES=1 rewrites them), and the schema details each C# construct maps to.
/// </summary>
public class CrdGenerationTests
{
    private static readonly string CronTabSample = File.ReadAllText(Path.Combine(TestCompilation.RepositoryRoot, "samples", "CronTabController", "CronTab.cs"));
    private static readonly string DatabaseSource = File.ReadAllText(Path.Combine(TestCompilation.RepositoryRoot, "tests", "Generator.IntegrationTests", "Crds", "Database.cs"));

    [Fact]
    public void CronTabSampleManifestMatchesItsBaseline()
    {
        var run = TestCompilation.Run(CronTabSample).AssertClean();
        VerifyManifest("crontabs.stable.example.com.yaml", Yaml(run, "CronTabController.CronTabCustomResourceDefinition.g.cs"));
    }

    [Fact]
    public void RichResourceWithTwoVersionsMatchesItsBaseline()
    {
        var run = TestCompilation.Run(DatabaseSource).AssertClean();
        VerifyManifest("databases.data.example.com.yaml", Yaml(run, "KubeInformers.Generator.IntegrationTests.Crds.DatabaseCustomResourceDefinition.g.cs"));
    }

    [Fact]
    public void RbacListsAndWatchesEveryInformedResource()
    {
        var run = TestCompilation.Run(CronTabSample).AssertClean();
        var source = run.Sources["TestApp.InformerRbac.g.cs"];
        VerifyManifest("rbac.testapp.yaml", ConstString(source, "Yaml"));
    }

    [Fact]
    public void RenamingAPropertyChangesTheManifest()
    {
        var before = Yaml(TestCompilation.Run(CronTabSample).AssertClean(), "CronTabController.CronTabCustomResourceDefinition.g.cs");
        var renamed = CronTabSample.Replace("[JsonPropertyName(\"cronSpec\")]", "[JsonPropertyName(\"schedule\")]");
        Assert.NotEqual(CronTabSample, renamed);
        var after = Yaml(TestCompilation.Run(renamed).AssertClean(), "CronTabController.CronTabCustomResourceDefinition.g.cs");
        Assert.NotEqual(before, after);
        Assert.Contains("cronSpec:", before);
        Assert.DoesNotContain("cronSpec:", after);
        Assert.Contains("schedule:", after);
    }

    [Fact]
    public void ChangingAPropertyTypeChangesTheManifest()
    {
        var before = Spec(TestCompilation.Run(CronTabSample).AssertClean());
        var retyped = CronTabSample.Replace("public int? Replicas { get; set; }", "public string? Replicas { get; set; }");
        Assert.NotEqual(CronTabSample, retyped);
        var after = Spec(TestCompilation.Run(retyped).AssertClean());
        Assert.Equal("integer", (string?)before["properties"]!["replicas"]!["type"]);
        Assert.Equal("string", (string?)after["properties"]!["replicas"]!["type"]);
    }

    [Fact]
    public void ScalarsEnumsCollectionsAndSpecialTypesMapToTheirSchemas()
    {
        var run = TestCompilation.Run(Resource("""
            public enum Mode { Fast, [JsonStringEnumMemberName("slow-ish")] Slow }
            public sealed class ThingSpec
            {
                public int Count { get; set; }
                public long? Big { get; set; }
                public double? Ratio { get; set; }
                public bool? On { get; set; }
                public System.DateTime? When { get; set; }
                public Mode? Mode { get; set; }
                public List<string>? Tags { get; set; }
                public string[]? More { get; set; }
                public Dictionary<string, int>? Weights { get; set; }
                public IntOrString? Port { get; set; }
                public ResourceQuantity? Memory { get; set; }
                public System.Text.Json.JsonElement? Raw { get; set; }
                public object? Anything { get; set; }
                [JsonPropertyName("x-name")] public string? Renamed { get; set; }
                public string URLPath { get; set; } = "";
            }
            """)).AssertClean();
        var spec = Spec(run)["properties"]!;
        Assert.Equal("""{"format":"int32","type":"integer"}""", spec["count"]!.ToJsonString());
        Assert.Equal("int64", (string?)spec["big"]!["format"]);
        Assert.Equal("number", (string?)spec["ratio"]!["type"]);
        Assert.Equal("boolean", (string?)spec["on"]!["type"]);
        Assert.Equal("date-time", (string?)spec["when"]!["format"]);
        Assert.Equal("""["Fast","slow-ish"]""", spec["mode"]!["enum"]!.ToJsonString());
        Assert.Equal("string", (string?)spec["tags"]!["items"]!["type"]);
        Assert.Equal("array", (string?)spec["more"]!["type"]);
        Assert.Equal("integer", (string?)spec["weights"]!["additionalProperties"]!["type"]);
        Assert.True((bool)spec["port"]!["x-kubernetes-int-or-string"]!);
        Assert.Null(spec["port"]!["type"]);
        Assert.NotNull(spec["memory"]!["pattern"]);
        Assert.True((bool)spec["raw"]!["x-kubernetes-preserve-unknown-fields"]!);
        Assert.True((bool)spec["anything"]!["x-kubernetes-preserve-unknown-fields"]!);
        Assert.NotNull(spec["x-name"]);
        Assert.NotNull(spec["urlPath"]); // System.Text.Json's camelCase: a leading capital run is lowered
        Assert.Equal("""["count","urlPath"]""", Spec(run)["required"]!.ToJsonString());
    }

    [Fact]
    public void DataAnnotationsDocCommentsAndRulesMapToValidations()
    {
        var run = TestCompilation.Run(Resource("""
            [ValidationRule("self.min <= self.max", Message = "min exceeds max")]
            public sealed class ThingSpec
            {
                /// <summary>The lower bound, see <see cref="Max"/>.</summary>
                [Range(1, 10)] public int Min { get; set; }
                [Range(typeof(double), "0", "1.5", MaximumIsExclusive = true)] public double Max { get; set; }
                [StringLength(5, MinimumLength = 2)] public string? Code { get; set; }
                [MinLength(1), MaxLength(3)] public List<string>? Items { get; set; }
                [RegularExpression("^[a-z]+$")] public string? Word { get; set; }
                [DefaultValue("x")] public string Letter { get; set; } = "x";
                [AllowedValues("a", "b")] public string? Choice { get; set; }
                [Required] public string? Needed { get; set; }
            }
            """)).AssertClean();
        var spec = Spec(run);
        var p = spec["properties"]!;
        Assert.Equal("The lower bound, see Max.", (string?)p["min"]!["description"]);
        Assert.Equal("1", p["min"]!["minimum"]!.ToJsonString());
        Assert.Equal("10", p["min"]!["maximum"]!.ToJsonString());
        Assert.Equal("1.5", p["max"]!["maximum"]!.ToJsonString());
        Assert.True((bool)p["max"]!["exclusiveMaximum"]!);
        Assert.Equal(2, (int)p["code"]!["minLength"]!);
        Assert.Equal(5, (int)p["code"]!["maxLength"]!);
        Assert.Equal(1, (int)p["items"]!["minItems"]!);
        Assert.Equal(3, (int)p["items"]!["maxItems"]!);
        Assert.Equal("^[a-z]+$", (string?)p["word"]!["pattern"]);
        Assert.Equal("x", (string?)p["letter"]!["default"]);
        Assert.Equal("""["a","b"]""", p["choice"]!["enum"]!.ToJsonString());
        Assert.Equal("""["max","min","needed"]""", spec["required"]!.ToJsonString()); // letter has a default
        Assert.Equal("self.min <= self.max", (string?)spec["x-kubernetes-validations"]![0]!["rule"]);
    }

    [Fact]
    public void UnsupportedMembersBecomePreservedAndTheCrdIsStillEmitted()
    {
        var run = TestCompilation.Run(Resource("""
            public sealed class ThingSpec
            {
                public System.Action? Callback { get; set; }
                public Node? Tree { get; set; }
            }
            public sealed class Node { public List<Node>? Children { get; set; } }
            """)).AssertClean();
        var p = Spec(run)["properties"]!;
        Assert.True((bool)p["callback"]!["x-kubernetes-preserve-unknown-fields"]!);
        Assert.True((bool)p["tree"]!["properties"]!["children"]!["items"]!["x-kubernetes-preserve-unknown-fields"]!);
    }

    [Fact]
    public void TheTypedDefinitionRoundTripsTheManifest()
    {
        var run = TestCompilation.Run(DatabaseSource).AssertClean();
        var json = ConstString(run.Sources["KubeInformers.Generator.IntegrationTests.Crds.DatabaseCustomResourceDefinition.g.cs"], "Json");
        var typed = k8s.KubernetesJson.Deserialize<k8s.Models.V1CustomResourceDefinition>(json);
        Assert.Equal("databases.data.example.com", typed.Metadata.Name);
        Assert.Equal(["v1", "v1beta1"], typed.Spec.Versions.Select(v => v.Name));
        Assert.Equal([true, false], typed.Spec.Versions.Select(v => v.Storage));
        Assert.Equal(".spec.replicas", typed.Spec.Versions[0].Subresources.Scale.SpecReplicasPath);
        Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), JsonNode.Parse(k8s.KubernetesJson.Serialize(typed))!.ToJsonString());
    }

    /// <summary>A CRD source with <paramref name="specTypes"/> declaring <c>ThingSpec</c>.</summary>
    internal static string Resource(string specTypes) => """
        using System.Collections.Generic;
        using System.ComponentModel;
        using System.ComponentModel.DataAnnotations;
        using System.Text.Json.Serialization;
        using k8s;
        using k8s.Models;
        using KubeInformers;
        namespace MyApp;
        [KubernetesEntity(Group = "example.com", ApiVersion = "v1", Kind = "Thing", PluralName = "things")]
        [GenerateInformer]
        public sealed class Thing : IKubernetesObject<V1ObjectMeta>
        {
            public string ApiVersion { get; set; } = "";
            public string Kind { get; set; } = "";
            public V1ObjectMeta Metadata { get; set; } = new();
            public ThingSpec? Spec { get; set; }
        }
        """ + "\n" + specTypes;

    private static JsonNode Spec(GeneratorRun run)
    {
        var (_, source) = run.Sources.Single(s => s.Key.EndsWith("CustomResourceDefinition.g.cs", StringComparison.Ordinal));
        var crd = JsonNode.Parse(ConstString(source, "Json"))!;
        return crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;
    }

    private static string Yaml(GeneratorRun run, string hintName) => ConstString(run.Sources[hintName], "Yaml");

    /// <summary>The value of <c>public const string {name} = @"...";</c> in generated source.</summary>
    internal static string ConstString(string source, string name)
    {
        var start = source.IndexOf($"public const string {name} = @\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no const {name}");
        start = source.IndexOf("@\"", start, StringComparison.Ordinal) + 2;
        var b = new System.Text.StringBuilder();
        for (var i = start; ; i++)
        {
            if (source[i] == '"')
            {
                if (i + 1 < source.Length && source[i + 1] == '"')
                {
                    b.Append('"');
                    i++;
                    continue;
                }

                return b.ToString();
            }

            b.Append(source[i]);
        }
    }

    /// <summary>Compares a manifest with <c>Baselines/Crds/{name}</c>; UPDATE_BASELINES=1 rewrites it.</summary>
    internal static void VerifyManifest(string name, string actual)
    {
        var directory = Path.Combine(Baseline.Directory, "Crds");
        var path = Path.Combine(directory, name);
        if (Environment.GetEnvironmentVariable("UPDATE_BASELINES") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Baseline {path} is missing; run with UPDATE_BASELINES=1 to create it.");
        Assert.Equal(File.ReadAllText(path).Replace("\r\n", "\n"), actual);
    }
}

/// <summary>The whole generated C# files of the CRD and RBAC outputs, as baselines (the harness test compares them too).</summary>
public class CrdSourceBaselineTests
{
    [Fact]
    public void CronTabCrdAndRbacSourcesMatchTheirBaselines()
    {
        var run = TestCompilation.Run(Sources.CronTab, """[assembly: KubeInformers.InformerFactory("InformerFactory", Namespace = "TestApp")]""").AssertClean();
        Baseline.Verify("CronTab.Crd", run.Sources["MyApp.CronTabCustomResourceDefinition.g.cs"]);
        Baseline.Verify("CronTab.Rbac", run.Sources["TestApp.InformerRbac.g.cs"]);
    }
}
