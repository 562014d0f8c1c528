using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace KubeInformers.Reliability.Harness;

/// <summary>
/// The sum of the <see cref="RunStats"/> of a batch of convergence runs and the batch's summary line (the figures
/// docs/reliability.md quotes: operations, faults by kind, events, finalStateUnknown deletes, relists, slowest
/// convergence, lost, seconds per sequence and where they went). Thread-safe (<see cref="Add"/> locks).
/// </summary>
public sealed class ConvergenceTotals
{
    private readonly object _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public int Runs { get; private set; }
    public int Operations { get; private set; }
    public int Faults { get; private set; }
    public int Objects { get; private set; }
    public int Events { get; private set; }
    public int Tombstones { get; private set; }
    public int Requests { get; private set; }
    public TimeSpan SlowestConvergence { get; private set; }
    public Dictionary<string, int> Paths { get; } = [];
    public SortedDictionary<string, int> FaultsByKind { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, TimeSpan> Phases { get; } = new(StringComparer.Ordinal);

    /// <summary>Sequences that failed (their seeds), and how many of them did not converge (something lost).</summary>
    public List<string> FailedSeeds { get; } = [];

    /// <inheritdoc cref="FailedSeeds"/>
    public int Lost { get; private set; }

    /// <summary>Records a failed sequence; <paramref name="notConverged"/>: a cache or handler never equalled the server.</summary>
    public void Failed(string seed, bool notConverged)
    {
        lock (_lock)
        {
            FailedSeeds.Add(seed);
            Lost += notConverged ? 1 : 0;
        }
    }

    public void Add(RunStats s)
    {
        lock (_lock)
        {
            Runs++;
            Operations += s.Operations;
            Faults += s.Faults;
            Objects += s.FinalObjects;
            Events += s.Events;
            Tombstones += s.Tombstones;
            Requests += s.Requests;
            SlowestConvergence = s.Convergence > SlowestConvergence ? s.Convergence : SlowestConvergence;
            foreach (var (path, count) in s.Paths)
            {
                Paths[path] = Paths.GetValueOrDefault(path) + count;
            }

            foreach (var (kind, count) in s.FaultsByKind)
            {
                FaultsByKind[kind.ToString()] = FaultsByKind.GetValueOrDefault(kind.ToString()) + count;
            }

            foreach (var (phase, time) in s.Phases)
            {
                Phases[phase] = Phases.GetValueOrDefault(phase) + time;
            }
        }
    }

    /// <summary>The fault kinds in the order of the CSV columns.</summary>
    private static readonly string[] s_kinds = Enum.GetNames<FaultKind>();

    /// <summary>The header of <see cref="CsvRow"/>.</summary>
    public static string CsvHeader =>
        "start,runs,finished_utc,load_avg,seconds,seconds_per_sequence,operations,faults," + string.Join(",", s_kinds.Select(k => "fault_" + k))
        + ",final_objects,handler_events,final_state_unknown_deletes,informer_requests,relists,slowest_convergence_ms,failed,lost,failed_seeds";

    /// <summary>One CSV row: the batch (first sequence index, count, when, load), its figures, faults by kind, failures.</summary>
    public string CsvRow(long start, DateTime finishedUtc, string loadAverage)
    {
        lock (_lock)
        {
            var inv = CultureInfo.InvariantCulture;
            var seconds = _clock.Elapsed.TotalSeconds;
            return string.Join(",", new[]
            {
                start.ToString(inv), Runs.ToString(inv), finishedUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", inv), loadAverage,
                seconds.ToString("0.0", inv), (Runs > 0 ? seconds / Runs : 0).ToString("0.000", inv),
                Operations.ToString(inv), Faults.ToString(inv),
            }.Concat(s_kinds.Select(k => FaultsByKind.GetValueOrDefault(k).ToString(inv))).Concat(new[]
            {
                Objects.ToString(inv), Events.ToString(inv), Tombstones.ToString(inv), Requests.ToString(inv),
                Paths.GetValueOrDefault("relist").ToString(inv), SlowestConvergence.TotalMilliseconds.ToString("0", inv),
                FailedSeeds.Count.ToString(inv), Lost.ToString(inv), string.Join(" ", FailedSeeds),
            }));
        }
    }

    /// <summary>The summary: totals, faults by kind, recovery paths, and the mean wall-clock time per sequence by phase.</summary>
    public override string ToString()
    {
        lock (_lock)
        {
            var inv = CultureInfo.InvariantCulture;
            var sb = new StringBuilder();
            sb.Append(inv, $"runs={Runs} operations={Operations} faults={Faults} final objects={Objects} handler events={Events} finalStateUnknown deletes={Tombstones} informer requests={Requests} relists={Paths.GetValueOrDefault("relist")} slowest convergence={SlowestConvergence.TotalMilliseconds:0} ms failed={FailedSeeds.Count} lost={Lost}");
            if (FailedSeeds.Count > 0)
            {
                sb.Append(inv, $"\nfailed seeds: {string.Join(", ", FailedSeeds)}");
            }

            sb.Append(inv, $"\nfaults by kind: {string.Join(", ", FaultsByKind.Select(kv => kv.Key + "=" + kv.Value))}");
            sb.Append(inv, $"\nrecovery paths taken: {string.Join(", ", Paths.Select(kv => kv.Key + "=" + kv.Value))}");
            if (Runs > 0)
            {
                var perRun = _clock.Elapsed.TotalSeconds / Runs;
                sb.Append(inv, $"\ntime: {_clock.Elapsed.TotalSeconds:0.0} s, {perRun:0.000} s per sequence; mean ms per sequence by phase: ");
                sb.Append(string.Join(" ", Phases.OrderByDescending(kv => kv.Value).Select(kv => string.Create(inv, $"{kv.Key}={kv.Value.TotalMilliseconds / Runs:0.0}"))));
            }

            return sb.ToString();
        }
    }
}
