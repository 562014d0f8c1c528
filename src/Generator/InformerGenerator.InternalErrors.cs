using System;
using System.Threading;

namespace KubeInformers.Generator;

/// <summary>
/// Internal errors: an exception inside the generator is a bug, but it must never fail the user's build, so
/// <c>Safely</c> swallows it and skips the target. These two hooks make that path observable to tests; both are null
/// outside tests, so the generator's behaviour does not change. They are <see cref="AsyncLocal{T}"/>: a test sees
/// only the runs it starts, even with other tests running in parallel.
/// </summary>
public sealed partial class InformerGenerator
{
    /// <summary>Test hook: receives every exception the generator swallowed (an internal error).</summary>
    internal static readonly AsyncLocal<Action<Exception>?> InternalErrorObserver = new();

    /// <summary>Test hook: runs at the start of every guarded step; a test makes it throw to stand for a generator bug.</summary>
    internal static readonly AsyncLocal<Action?> FaultInjection = new();

    private static void BeforeGuardedStep() => FaultInjection.Value?.Invoke();

    private static void ReportInternalError(Exception error) => InternalErrorObserver.Value?.Invoke(error);
}
