namespace KubeInformers.Reliability.Harness;

/// <summary>
/// Runs one convergence scenario end to end on a <see cref="ReliabilityRig"/>: the scenario's operations and faults, a
/// handler added halfway and another removed at three quarters, then (faults off) the server checked against the model,
/// a bounded wait until every lister and every handler equals the server's state for its selection, the delivery checks
/// and a prompt stop. Throws with a full description (differences, journal of the differing keys, log) when anything
/// differs; nothing here waits a fixed time for an outcome.
/// </summary>
public static class ConvergenceRun
{
    /// <summary>How long the informers have to converge once the faults stop.</summary>
    public static readonly TimeSpan ConvergenceDeadline = TimeSpan.FromSeconds(30);

    public static async Task<RunStats> RunAsync(Scenario scenario, Action<string> log, CancellationToken cancellationToken = default)
    {
        // A scenario with a ContinueExpiry fault runs against a server without a watch cache (see FaultKind.ContinueExpiry);
        // the others against one with it, as most clusters are.
        var withoutWatchCache = scenario.Steps.Any(static s => s is FaultStep { Kind: FaultKind.ContinueExpiry });
        var phases = new PhaseTimer();
        await using var rig = await ReliabilityRig.StartAsync(RigOptions.Convergence(scenario.InitialObjects, withoutWatchCache), cancellationToken).ConfigureAwait(false);
        phases.Lap("setup");
        RecordingHandler? removed = null;
        IEventHandlerRegistration? removedRegistration = null;
        var all = rig.Informers[0];
        for (var i = 0; i < scenario.Steps.Length; i++)
        {
            if (i == scenario.Steps.Length / 2)
            {
                // A handler added while running (possibly mid-fault) first receives the cache as adds, then every change;
                // a second one is added now and removed at three quarters: after that it must get nothing.
                var late = rig.NewHandler(all.Spec.Name + "+late handler");
                all.Informer.AddEventHandler(late);
                all.Handlers.Add(late);
                removed = rig.NewHandler(all.Spec.Name + "+removed handler");
                removedRegistration = all.Informer.AddEventHandler(removed);
            }

            if (i == scenario.Steps.Length * 3 / 4 && removedRegistration is not null)
            {
                all.Informer.RemoveEventHandler(removedRegistration);
                removed!.MarkRemoved();
                all.Informer.RemoveEventHandler(removedRegistration);
            }

            await rig.ExecuteAsync(scenario.Steps[i], cancellationToken).ConfigureAwait(false);
            phases.Lap(scenario.Steps[i] switch { FaultStep f => "fault:" + f.Kind, SettleStep => "settle", _ => "writes" });
        }

        var truth = await rig.QuiesceAsync(cancellationToken).ConfigureAwait(false);
        phases.Lap("quiesce");
        var convergence = await rig.WaitForConvergenceAsync(truth, ConvergenceDeadline, cancellationToken).ConfigureAwait(false);
        phases.Lap("converge");
        if (Environment.GetEnvironmentVariable("KI_RELIABILITY_VERBOSE") == "1")
        {
            log(rig.RecentLogs());
        }

        var problems = rig.DeliveryProblems(truth, scenario.FaultCount > 0, removed is null ? null : [removed]);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Delivery contract broken:\n  " + string.Join("\n  ", problems) + "\n" + rig.RecentLogs());
        }

        // Stopping is part of the contract: every informer ends promptly once cancelled.
        await rig.StopInformersAsync().ConfigureAwait(false);
        phases.Lap("stop");
        return new RunStats(
            rig.Operations,
            scenario.FaultCount,
            truth.Objects.Count,
            rig.Informers.Sum(r => r.Handlers.Sum(h => h.Adds + h.Updates + h.Deletes)),
            rig.Informers.Sum(r => r.Handlers.Sum(h => h.TombstoneDeletes)),
            rig.Informers.Sum(r => r.Counter.Count),
            convergence,
            rig.RecoveryCounts())
        {
            Phases = phases.Totals,
            FaultsByKind = rig.Faults,
        };
    }
}
