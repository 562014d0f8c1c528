using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace KubeInformers.Reliability.Harness;

/// <summary>
/// A run's timeline, so that a failure explains itself: every write the harness made with the resourceVersion the server
/// answered, every fault with the moment it fired, every list and watch request an informer sent (with its
/// resourceVersion: the watch cut points), and every notification a handler received. Entries carry the milliseconds
/// since the run started and, where there is one, the object key. Thread-safe; a disabled journal records nothing.
/// </summary>
public sealed class Journal(bool enabled)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _lock = new();
    private readonly List<Entry> _entries = [];

    /// <summary>Whether entries are recorded.</summary>
    public bool Enabled => enabled;

    /// <summary>Adds an entry; <paramref name="key"/> is the object it concerns (null for faults and requests).</summary>
    public void Add(string source, string? key, string text)
    {
        if (!enabled)
        {
            return;
        }

        var entry = new Entry(_clock.Elapsed.TotalMilliseconds, source, key, text);
        lock (_lock)
        {
            _entries.Add(entry);
        }
    }

    /// <summary>
    /// The history of <paramref name="keys"/> (writes, deliveries) interleaved with every key-less entry (faults, requests),
    /// in time order.
    /// </summary>
    public string Describe(IReadOnlyCollection<string> keys)
    {
        if (!enabled)
        {
            return "(journal off)";
        }

        List<Entry> entries;
        lock (_lock)
        {
            entries = [.. _entries.Where(e => e.Key is null || keys.Contains(e.Key))];
        }

        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"journal for {string.Join(", ", keys)} (+ faults and requests), ms since start:");
        foreach (var e in entries)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {e.AtMs,9:0.0} {e.Source,-22} {e.Key ?? "",-18} {e.Text}");
        }

        return sb.ToString();
    }

    private sealed record Entry(double AtMs, string Source, string? Key, string Text);
}
