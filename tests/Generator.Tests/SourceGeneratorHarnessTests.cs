using System.Text;
using KubeInformers.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace KubeInformers.Generator.Tests;

/// <summary>
/// The same baselines through Microsoft.CodeAnalysis.Testing's source-generator harness (offline references): the
/// generated files are exactly the baselines, and user code plus generated code compiles without errors.
/// </summary>
public class SourceGeneratorHarnessTests
{
    [Fact]
    public async Task HarnessProducesExactlyTheBaselineFiles()
    {
        var test = new CSharpSourceGeneratorTest<InformerGenerator, DefaultVerifier>
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(TestCompilation.References);
        test.TestState.Sources.Add(Sources.CronTab);
        test.TestState.Sources.Add("""[assembly: KubeInformers.InformerFactory("InformerFactory", Namespace = "TestApp")]""");
        test.TestState.GeneratedSources.Add((typeof(InformerGenerator), "MyApp.CronTabInformer.g.cs", Read("CronTab.Informer")));
        test.TestState.GeneratedSources.Add((typeof(InformerGenerator), "TestApp.InformerFactory.g.cs", Read("CronTab.Factory")));
        test.TestState.GeneratedSources.Add((typeof(InformerGenerator), "KubeInformers.CompiledReaders.g.cs", Read("CronTab.CompiledReaders")));
        test.TestState.GeneratedSources.Add((typeof(InformerGenerator), "KubeInformers.DeepCopy.g.cs", Read("CronTab.DeepCopy")));
        test.TestState.GeneratedSources.Add((typeof(InformerGenerator), "MyApp.CronTabCustomResourceDefinition.g.cs", Read("CronTab.Crd")));
        test.TestState.GeneratedSources.Add((typeof(InformerGenerator), "TestApp.InformerRbac.g.cs", Read("CronTab.Rbac")));
        await test.RunAsync();
    }

    private static SourceText Read(string baseline)
        => SourceText.From(File.ReadAllText(Path.Combine(Baseline.Directory, baseline + ".cs.txt")), Encoding.UTF8);
}
