using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator.Helpers;

/// <summary>
/// Collects what the parser finds wrong. The generator passes one without a sink (it only needs to know that a target
/// is invalid, to skip it); the analyzer passes a sink and reports every diagnostic at its real source location.
/// Not thread-safe; one per parse.
/// </summary>
internal sealed class Reporter
{
    private readonly List<Diagnostic>? _sink;

    public Reporter(List<Diagnostic>? sink = null) => _sink = sink;

    /// <summary>Whether an error (not a warning) was reported.</summary>
    public bool HasErrors { get; private set; }

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object?[] args)
        => Report(descriptor, location, null, args);

    /// <summary>Reports with <paramref name="properties"/> for a code fix (see <see cref="CodeFixProperties"/>).</summary>
    public void Report(DiagnosticDescriptor descriptor, Location? location, ImmutableDictionary<string, string?>? properties, params object?[] args)
    {
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
        {
            HasErrors = true;
        }

        _sink?.Add(Diagnostic.Create(descriptor, location ?? Location.None, properties, args));
    }

    /// <summary>Runs <paramref name="parse"/> with a fresh error flag and restores the outer one (errors still reach the sink).</summary>
    public bool Scoped(System.Action parse)
    {
        var outer = HasErrors;
        HasErrors = false;
        parse();
        var failed = HasErrors;
        HasErrors = outer || failed;
        return !failed;
    }
}
