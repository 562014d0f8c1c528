using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace KubeInformers.Generator.Tests.Infrastructure;

/// <summary>
/// Runs <see cref="InformerAnalyzer"/> through Microsoft.CodeAnalysis.Testing on a source with markup
/// (<c>{|KI0004:"spec.x"|}</c>), offline: the SDK's reference pack plus KubernetesClient and KubeInformers.
/// </summary>
public static class AnalyzerVerifier
{
    /// <summary>The usings every test source starts with.</summary>
    public const string Usings = """
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using k8s;
        using k8s.Models;
        using KubeInformers;

        """;

    /// <summary>Verifies that <paramref name="source"/> produces exactly the marked and <paramref name="expected"/> diagnostics.</summary>
    public static Task VerifyAsync(string source, params DiagnosticResult[] expected)
        => VerifyAsync(source, CompilerDiagnostics.Errors, expected);

    /// <summary>Verifies, choosing which compiler diagnostics must also be listed.</summary>
    public static async Task VerifyAsync(string source, CompilerDiagnostics compilerDiagnostics, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<InformerAnalyzer, DefaultVerifier>
        {
            TestCode = Usings + source,
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            CompilerDiagnostics = compilerDiagnostics,
        };
        test.TestState.AdditionalReferences.AddRange(TestCompilation.References);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    /// <summary>A diagnostic expectation for <paramref name="id"/>.</summary>
    public static DiagnosticResult Diagnostic(string id)
        => new(DiagnosticDescriptors.All.Single(d => d.Id == id));

    /// <summary>A well-formed custom resource class body (apiVersion, kind, metadata, spec).</summary>
    public const string ObjectBody = """
        {
            public string ApiVersion { get; set; } = "";
            public string Kind { get; set; } = "";
            public V1ObjectMeta Metadata { get; set; } = new();
            public Spec? Spec { get; set; }
        }

        public sealed class Spec
        {
            public string? CronSpec { get; set; }
            public List<string>? Images { get; set; }
            public Dictionary<string, Schedule>? Schedules { get; set; }
        }

        public sealed class Schedule
        {
            public string? At { get; set; }
        }
        """;
}
