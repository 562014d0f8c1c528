using KubeInformers.CodeFixes;
using KubeInformers.Hosting.Controllers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace KubeInformers.Generator.Tests.Infrastructure;

/// <summary>
/// Runs <see cref="CachedObjectMutationAnalyzer"/> (and <see cref="CachedObjectCopyCodeFix"/>) with the real
/// <see cref="InformerGenerator"/> in the test compilation, so the generated listers, informers and <c>DeepCopy()</c>
/// methods the tests use exist exactly as in an application. References: the SDK's reference pack, KubernetesClient,
/// the KubeInformers runtime and hosting.
/// </summary>
public static class CachedObjectVerifier
{
    /// <summary>What every test source starts with: usings and informers for Pods and Deployments.</summary>
    public const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using k8s;
        using k8s.Models;
        using KubeInformers;
        using KubeInformers.Hosting.Controllers;
        using TestProject.Informers.Apps.V1;
        using TestProject.Informers.Core.V1;

        [assembly: GenerateInformer(typeof(V1Pod))]
        [assembly: GenerateInformer(typeof(V1Deployment))]

        """;

    /// <summary>Verifies that <paramref name="source"/> produces exactly <paramref name="expected"/> (and the <c>{|KI0200:…|}</c> markup).</summary>
    public static async Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest { TestCode = Prelude + source };
        Configure(test.TestState);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    /// <summary>Verifies that the code fix turns <paramref name="source"/> into <paramref name="fixedSource"/>, which compiles without errors and reports nothing.</summary>
    public static async Task VerifyFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new CodeFixTest { TestCode = Prelude + source, FixedCode = Prelude + fixedSource };
        Configure(test.TestState);
        Configure(test.FixedState);
        test.ExpectedDiagnostics.AddRange(expected);
        if (source == fixedSource)
        {
            test.FixedState.ExpectedDiagnostics.AddRange(expected); // no fix offered: the diagnostics stay
        }

        await test.RunAsync();
    }

    /// <summary>A KI0200 (or KI0201) expectation at markup location <paramref name="location"/>, whose copy goes at <paramref name="copyAt"/> (null: no fix).</summary>
    public static DiagnosticResult Expect(string id, int location, int? copyAt, params object[] arguments)
    {
        var result = new DiagnosticResult(DiagnosticDescriptors.All.Single(d => d.Id == id)).WithLocation(location).WithArguments(arguments);
        return copyAt is { } copy ? result.WithLocation(copy) : result;
    }

    /// <summary>Nullable analysis on, as in an application built with the project's settings.</summary>
    private static Solution EnableNullable(Solution solution, ProjectId projectId)
        => solution.WithProjectCompilationOptions(projectId,
            ((CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!).WithNullableContextOptions(NullableContextOptions.Enable));

    private static void Configure(SolutionState state)
    {
        state.AdditionalReferences.AddRange(TestCompilation.References);
        state.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(ReconcileContext<>).Assembly.Location));
    }

    private sealed class AnalyzerTest : CSharpAnalyzerTest<CachedObjectMutationAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest()
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            SolutionTransforms.Add(EnableNullable);
        }

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(InformerGenerator)];
    }

    private sealed class CodeFixTest : CSharpCodeFixTest<CachedObjectMutationAnalyzer, CachedObjectCopyCodeFix, DefaultVerifier>
    {
        public CodeFixTest()
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipFixAllInProjectCheck | CodeFixTestBehaviors.SkipFixAllInSolutionCheck; // one document: the same as fix-all in document
            SolutionTransforms.Add(EnableNullable);
        }

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(InformerGenerator)];
    }
}
