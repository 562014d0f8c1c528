using KubeInformers.Generator.Tests.Infrastructure;

namespace KubeInformers.Generator.Tests;

/// <summary>The emitted <c>DeepCopy()</c> methods, compared with a checked-in baseline and compiled with user code.</summary>
public class DeepCopyBaselineTests
{
    [Fact]
    public void ACustomResourceGetsDeepCopiesOfItsWholeModelGraph()
    {
        var run = TestCompilation.Run(Sources.CronTab).AssertClean();
        var copies = run.Sources["KubeInformers.DeepCopy.g.cs"];
        Baseline.Verify("CronTab.DeepCopy", copies);

        Assert.Contains("public static global::MyApp.CronTab DeepCopy(this global::MyApp.CronTab source)", copies);
        Assert.Contains("public static global::k8s.Models.V1ObjectMeta DeepCopy(this global::k8s.Models.V1ObjectMeta source)", copies);
        Assert.Contains("Labels = CopyMap_string(s.Labels)!", copies);
        Assert.Contains("OwnerReferences = CopyList_k8s_Models_V1OwnerReference(s.OwnerReferences)!", copies);
        Assert.DoesNotContain("JsonSerializer", copies);
    }

    [Fact]
    public void ShapesCopyMemberByMember_RecordsWithWith_AndImmutableTypesAreShared()
    {
        const string source = """
            using System.Collections.Generic;
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
                public Positional? Positional { get; set; }
                public Frozen? Frozen { get; set; }
                public int[]? Numbers { get; set; }
                public Tree[]? Forest { get; set; }
                public IReadOnlyDictionary<string, IList<Tree>>? Groves { get; set; }
                public Tree? Tree { get; set; }
                public string ReadOnly => "";
                public string @class { get; set; } = "";
            }
            public sealed record Positional(string A, int B) { public List<string>? Tags { get; set; } }
            public sealed class Frozen { public Frozen(string v) { V = v; } public string V { get; } }
            public sealed class Tree { public Tree? Left { get; set; } public List<Tree>? Children { get; set; } public string? Name { get; init; } }
            public static class Use
            {
                public static Thing Copy(Thing t) => t.DeepCopy();
                public static Tree CopyTree(Tree t) => t.DeepCopy();
            }
            """;
        var run = TestCompilation.Run(source).AssertClean();
        var copies = run.Sources["KubeInformers.DeepCopy.g.cs"];

        Assert.Contains("return s with", copies);                                       // the positional record
        Assert.Contains("Tags = CopyList_string(s.Tags)", copies);
        Assert.Contains("Frozen = s.Frozen,", copies);                                  // no setter: immutable, shared
        Assert.Contains("Numbers = CopyArray_int__(s.Numbers)", copies);
        Assert.Contains("Forest = CopyArray_MyApp_Tree__(s.Forest)", copies);
        Assert.Contains("Groves = CopyMap_System_Collections_Generic_IList_MyApp_Tree_(s.Groves)", copies);
        Assert.Contains("Left = Copy_MyApp_Tree(s.Left)", copies);                      // recursive types
        Assert.Contains("Name = s.Name,", copies);                                      // init-only set in the initializer
        Assert.Contains("@class = s.@class,", copies);
        Assert.DoesNotContain("ReadOnly =", copies);
    }
}
