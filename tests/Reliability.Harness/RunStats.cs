namespace KubeInformers.Reliability.Harness;

/// <summary>Counters of one run, summed over a sample for the report.</summary>
public sealed record RunStats(int Operations, int Faults, int FinalObjects, int Events, int Tombstones, int Requests, TimeSpan Convergence, IReadOnlyDictionary<string, int> Paths)
{
    /// <summary>Wall-clock time per phase of the run (see <see cref="PhaseTimer"/>).</summary>
    public IReadOnlyDictionary<string, TimeSpan> Phases { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>Faults injected, by kind.</summary>
    public IReadOnlyDictionary<FaultKind, int> FaultsByKind { get; init; } = new Dictionary<FaultKind, int>();

    public override string ToString() =>
        $"ops={Operations} faults={Faults} objects={FinalObjects} events={Events} tombstones={Tombstones} requests={Requests} converged in {Convergence.TotalMilliseconds:0} ms; " +
        string.Join(" ", Paths.Where(kv => kv.Value > 0).Select(kv => kv.Key + "=" + kv.Value)) + "; ms " +
        string.Join(" ", Phases.Select(kv => $"{kv.Key}={kv.Value.TotalMilliseconds:0}"));
}
