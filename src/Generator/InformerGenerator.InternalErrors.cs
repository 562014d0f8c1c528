using System;
using System.Collections.Generic;
using System.Threading;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator;

/// <summary>
/// Internal errors: an exception inside the generator is a bug. It must not fail the compiler (Roslyn would drop every
/// generated file and report CS8785) and must not vanish: each pipeline step runs guarded, an exception skips only what
/// that step produces, and the exception becomes diagnostic KI0022 (<see cref="DiagnosticDescriptors.GeneratorInternalError"/>)
/// naming the step, the exception type and its message, reported by the generator itself. User errors never take this
/// path: the parser skips invalid input and the analyzer explains it. Cancellation is not an error and propagates.
/// </summary>
public sealed partial class InformerGenerator
{
    /// <summary>
    /// Test hook: runs at the start of every guarded step with the step's description; a test makes it throw to stand
    /// for a generator bug. Null outside tests, so the generator's behaviour does not change. An
    /// <see cref="AsyncLocal{T}"/>: a test sees only the runs it starts, even with other tests running in parallel.
    /// </summary>
    internal static readonly AsyncLocal<Action<string>?> FaultInjection = new();

    /// <summary>Runs one pipeline step, turning an exception into an <see cref="InternalError"/> and <paramref name="fallback"/>.</summary>
    private static Guarded<T> Guard<T>(string step, Func<T> action, T fallback)
        where T : IEquatable<T>
    {
        var sink = new ErrorSink();
        var value = sink.Run(step, action, fallback);
        return new Guarded<T>(value, sink.Errors);
    }

    /// <summary>
    /// Reports the internal errors of a guarded per-target step as diagnostics and passes its values on. Its own
    /// <c>RegisterSourceOutput</c> runs only for errors, so a clean run adds no output.
    /// </summary>
    private static IncrementalValuesProvider<T> ReportInternalErrors<T>(
        IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<Guarded<T>> step)
        where T : IEquatable<T>
    {
        context.RegisterSourceOutput(step.SelectMany(static (g, _) => g.Errors), static (spc, error) => spc.ReportDiagnostic(ToDiagnostic(error)));
        return step.Select(static (g, _) => g.Value);
    }

    /// <summary>As <see cref="ReportInternalErrors{T}(IncrementalGeneratorInitializationContext, IncrementalValuesProvider{Guarded{T}})"/>, for a single-value step.</summary>
    private static IncrementalValueProvider<T> ReportInternalErrors<T>(
        IncrementalGeneratorInitializationContext context, IncrementalValueProvider<Guarded<T>> step)
        where T : IEquatable<T>
    {
        context.RegisterSourceOutput(step.SelectMany(static (g, _) => g.Errors), static (spc, error) => spc.ReportDiagnostic(ToDiagnostic(error)));
        return step.Select(static (g, _) => g.Value);
    }

    /// <summary>Emits one file (none when <paramref name="emit"/> returns null); an exception there is reported at once and the file left out.</summary>
    private static void AddSourceGuarded(SourceProductionContext context, string hintName, Func<string?> emit)
    {
        var sink = new ErrorSink();
        var text = sink.Run("emitting " + hintName, emit, null);
        if (text is not null)
        {
            context.AddSource(hintName, Microsoft.CodeAnalysis.Text.SourceText.From(text, System.Text.Encoding.UTF8));
        }

        foreach (var error in sink.Errors)
        {
            context.ReportDiagnostic(ToDiagnostic(error));
        }
    }

    private static Diagnostic ToDiagnostic(InternalError error)
        => Diagnostic.Create(DiagnosticDescriptors.GeneratorInternalError, Location.None, error.Step, error.ExceptionType, error.Message);

    /// <summary>Collects the internal errors of one step. Not thread-safe; one per step invocation.</summary>
    private sealed class ErrorSink
    {
        private List<InternalError>? _errors;

        public EquatableArray<InternalError> Errors => _errors is null ? EquatableArray<InternalError>.Empty : _errors.ToEquatableArray();

        /// <summary>Runs <paramref name="action"/>; on an exception (not cancellation) records it and returns <paramref name="fallback"/>.</summary>
        public T Run<T>(string step, Func<T> action, T fallback)
        {
            try
            {
                FaultInjection.Value?.Invoke(step);
                return action();
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex)
            {
                (_errors ??= new List<InternalError>()).Add(new InternalError(step, ex.GetType().FullName ?? ex.GetType().Name, ex.Message));
                return fallback;
            }
        }
    }
}
