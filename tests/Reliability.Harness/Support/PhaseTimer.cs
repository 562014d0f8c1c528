using System.Diagnostics;

namespace KubeInformers.Reliability.Harness;

/// <summary>
/// Wall-clock time spent per named phase of a run (setup, writes, faults, settle, quiesce, converge, stop): each
/// <see cref="Lap"/> adds the time since the previous lap to its phase. For the report only; nothing asserts on it.
/// Not thread-safe: one caller.
/// </summary>
public sealed class PhaseTimer
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, TimeSpan> _totals = [];
    private TimeSpan _last;

    /// <summary>Time per phase so far.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Totals => _totals;

    /// <summary>Adds the time since the previous lap (or the start) to <paramref name="phase"/>.</summary>
    public void Lap(string phase)
    {
        var now = _clock.Elapsed;
        _totals[phase] = _totals.GetValueOrDefault(phase) + (now - _last);
        _last = now;
    }
}
