using CsCheck;

namespace KubeInformers.Reliability.Harness;

/// <summary>The faults the convergence scenarios inject, each through the emulator's fault API.</summary>
public enum FaultKind
{
    /// <summary>Every open watch ends cleanly (server timeout).</summary>
    CloseWatches,
    /// <summary>Every open watch's connection is reset.</summary>
    ResetWatches,
    /// <summary>Open watches stop sending until a later <see cref="ResumeWatches"/> (or the end of the faults).</summary>
    StallWatches,
    /// <summary>Stalled watches continue.</summary>
    ResumeWatches,
    /// <summary>History compacted, then watches reset: resuming watches get 410 Expired and relist.</summary>
    CompactAndReset,
    /// <summary>
    /// The scenario's server has no watch cache (paged informers page their relists at an exact version); history is
    /// compacted so that relist gets 410 from the server, and compacted again while the consistent relist pages: the
    /// continue token expires mid-list.
    /// </summary>
    ContinueExpiry,
    /// <summary>The next N requests fail with 429 and Retry-After, watches reset so informers hit them.</summary>
    TooManyRequests,
    /// <summary>The next N requests fail with 500 and Retry-After, watches reset so informers hit them.</summary>
    InternalError,
    /// <summary>A line that is not JSON is written into every open watch.</summary>
    MalformedLine,
    /// <summary>The emulator drops every connection and keeps its state.</summary>
    Restart,
    /// <summary>Transport fault: each informer's next list body is cut in the middle (clean EOF or reset; Count picks), after a forced relist.</summary>
    TruncateList,
    /// <summary>Transport fault: each informer's next watch stream is cut in the middle of a line (clean EOF or reset), after a reset.</summary>
    TruncateWatch,
    /// <summary>The server becomes unreachable (every connection reset) until each informer has failed against it, then serves again.</summary>
    Unreachable,
    /// <summary>Watches stall until an informer's watchdog declares its watch dead (idle timeout), then resume.</summary>
    StallUntilIdle,
}

/// <summary>One step of a scenario. Targets pick among the objects alive when the step runs (index modulo their count).</summary>
public abstract record Step;

/// <summary>Create a ConfigMap in namespace <see cref="Namespace"/> (0..2), labelled gold or silver.</summary>
public sealed record CreateStep(int Namespace, bool Gold, int Data) : Step;

/// <summary>Change the data of a live object (a spec change).</summary>
public sealed record UpdateStep(int Target, int Data) : Step;

/// <summary>Flip a live object's tier label, so label-selected informers see it enter or leave.</summary>
public sealed record RelabelStep(int Target) : Step;

/// <summary>Delete a live object.</summary>
public sealed record DeleteStep(int Target) : Step;

/// <summary>Inject a fault; <see cref="Count"/> is the number of failed requests where that applies.</summary>
public sealed record FaultStep(FaultKind Kind, int Count) : Step;

/// <summary>Let the informers catch up for up to <see cref="Milliseconds"/> (pacing; nothing is asserted).</summary>
public sealed record SettleStep(int Milliseconds) : Step;

/// <summary>A generated scenario: objects present before the informers start, then the steps.</summary>
public sealed record Scenario(int InitialObjects, Step[] Steps)
{
    public int FaultCount => Steps.Count(s => s is FaultStep);

    public override string ToString() =>
        $"initial={InitialObjects} steps=[{string.Join(", ", Steps.Select(Describe))}]";

    private static string Describe(Step s) => s switch
    {
        CreateStep c => $"create(ns{c.Namespace},{(c.Gold ? "gold" : "silver")})",
        UpdateStep u => $"update(#{u.Target})",
        RelabelStep r => $"relabel(#{r.Target})",
        DeleteStep d => $"delete(#{d.Target})",
        FaultStep f => $"FAULT:{f.Kind}({f.Count})",
        SettleStep p => $"settle({p.Milliseconds}ms)",
        _ => s.ToString(),
    };
}

/// <summary>CsCheck generators of scenarios.</summary>
public static class ScenarioGen
{
    public static readonly Gen<Step> Step = Gen.Frequency(
        (5, Gen.Select(Gen.Int[0, 2], Gen.Bool, Gen.Int[0, 999], (ns, gold, data) => (Step)new CreateStep(ns, gold, data))),
        (5, Gen.Select(Gen.Int[0, 999], Gen.Int[0, 999], (t, data) => (Step)new UpdateStep(t, data))),
        (3, Gen.Int[0, 999].Select(t => (Step)new RelabelStep(t))),
        (3, Gen.Int[0, 999].Select(t => (Step)new DeleteStep(t))),
        (3, Gen.Select(Gen.Enum<FaultKind>(), Gen.Int[1, 4], (k, n) => (Step)new FaultStep(k, n))),
        (2, Gen.Int[5, 250].Select(ms => (Step)new SettleStep(ms))));

    public static readonly Gen<Scenario> Scenario =
        Gen.Select(Gen.Int[0, 12], Step.Array[15, 45], (initial, steps) => new Scenario(initial, steps));
}
