namespace KubeInformers.Hosting.Health;

/// <summary>
/// Tracks, per informer, since when its list/watch has been failing: <see cref="ISharedInformer.LastError"/> only says
/// what the last error was, so the monitor samples it (on every liveness probe and every
/// <see cref="InformerLivenessOptions.SampleInterval"/> from the hosted service) and remembers when it first saw the
/// informer failing. A success (<c>LastError</c> back to null) resets it. Thread-safe.
/// </summary>
public sealed class InformerHealthMonitor
{
    private readonly IInformerSource _source;
    private readonly TimeProvider _timeProvider;
    private readonly object _gate = new();
    private readonly Dictionary<ISharedInformer, Tracked> _tracked = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates a monitor.</summary>
    public InformerHealthMonitor(IInformerSource source, InformerLivenessOptions options, TimeProvider? timeProvider = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The thresholds.</summary>
    public InformerLivenessOptions Options { get; }

    /// <summary>Samples every informer now and returns its state.</summary>
    public IReadOnlyList<InformerHealth> Sample()
    {
        var now = _timeProvider.GetUtcNow();
        var informers = _source.Informers;
        var result = new List<InformerHealth>(informers.Count);
        lock (_gate)
        {
            foreach (var informer in informers)
            {
                if (!_tracked.TryGetValue(informer, out var tracked))
                {
                    tracked = new Tracked();
                    _tracked[informer] = tracked;
                }

                var error = informer.LastError;
                if (error is null)
                {
                    tracked.FailingSince = null;
                }
                else
                {
                    tracked.FailingSince ??= now;
                }

                var failingFor = tracked.FailingSince is { } since ? now - since : (TimeSpan?)null;
                var silentFor = informer.LastActivity is { } last ? now - last : (TimeSpan?)null;
                result.Add(new InformerHealth(informer, InformerNames.Of(informer), informer.HasSynced, informer.IsStopped,
                    error, failingFor, silentFor, Verdict(informer, failingFor, silentFor)));
            }
        }

        return result;
    }

    private string? Verdict(ISharedInformer informer, TimeSpan? failingFor, TimeSpan? silentFor)
    {
        if (informer.IsStopped)
        {
            return "stopped";
        }
        if (failingFor is { } f && f >= Options.FailureThreshold)
        {
            return $"list/watch failing for {f:g} (threshold {Options.FailureThreshold:g})";
        }
        if (Options.SilenceThreshold is { } silence && informer.IsStarted && silentFor is { } s && s >= silence)
        {
            return $"nothing received for {s:g} (threshold {silence:g})";
        }
        return null;
    }

    private sealed class Tracked
    {
        public DateTimeOffset? FailingSince;
    }
}

/// <summary>One informer's health at a sample.</summary>
/// <param name="Informer">The informer.</param>
/// <param name="Name">Its name.</param>
/// <param name="HasSynced">Whether it has synced.</param>
/// <param name="IsStopped">Whether it has stopped.</param>
/// <param name="LastError">Its last error, or null.</param>
/// <param name="FailingFor">How long it has been failing (since the monitor first saw an error not cleared since), or null.</param>
/// <param name="SilentFor">How long since it last received anything, or null if it never did.</param>
/// <param name="Problem">Why it is not live, or null when it is.</param>
public sealed record InformerHealth(ISharedInformer Informer, string Name, bool HasSynced, bool IsStopped, Exception? LastError,
    TimeSpan? FailingFor, TimeSpan? SilentFor, string? Problem)
{
    /// <summary>Whether the informer is live (no <see cref="Problem"/>).</summary>
    public bool IsLive => Problem is null;
}
