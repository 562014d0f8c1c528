using KubeInformers.Emulator.Internal;

namespace KubeInformers.Emulator;

/// <summary>
/// Fault injection for a running <see cref="KubernetesEmulator"/>: the same switches the standalone admin endpoint
/// (<c>POST /emulator/faults/…</c>) exposes. Thread-safe; every method takes effect immediately.
/// </summary>
public sealed class EmulatorFaults
{
    private readonly FaultState _state;
    private readonly ApiState _api;
    private readonly Func<Task> _restart;

    internal EmulatorFaults(FaultState state, ApiState api, Func<Task> restart)
    {
        _state = state;
        _api = api;
        _restart = restart;
    }

    /// <summary>The number of watch streams currently open.</summary>
    public int OpenWatchCount => _state.Watches.Count;

    /// <summary>Ends every open watch cleanly (the chunked response completes), as a server timeout would.</summary>
    public void CloseWatches()
    {
        foreach (var w in _state.Watches.Keys)
        {
            w.Close();
        }
    }

    /// <summary>Aborts every open watch's connection (TCP reset), as a dropped network or load balancer would.</summary>
    public void ResetWatches()
    {
        foreach (var w in _state.Watches.Keys)
        {
            w.Abort();
        }
    }

    /// <summary>
    /// Fails the next <paramref name="count"/> API requests with a Status of <paramref name="statusCode"/>
    /// (429 TooManyRequests, 500 InternalError, 503 ServiceUnavailable, …) and, when given, a
    /// <c>Retry-After</c> header and <c>details.retryAfterSeconds</c>.
    /// </summary>
    public void FailNextRequests(int count, int statusCode = 503, int? retryAfterSeconds = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        _state.FailNext(count, statusCode, retryAfterSeconds);
    }

    /// <summary>Injected failures not yet consumed.</summary>
    public int PendingFailures => _state.PendingFailures;

    /// <summary>Delay added before every API request is handled (zero: none).</summary>
    public TimeSpan Latency
    {
        get => _state.Latency;
        set => _state.Latency = value < TimeSpan.Zero ? TimeSpan.Zero : value;
    }

    /// <summary>
    /// Compacts the history of every resource now: watches and consistent lists (exact RV, continue tokens) at any
    /// older resourceVersion get 410 Expired. Returns the resourceVersion that remains valid.
    /// </summary>
    public string CompactHistory() => _api.CompactNow().ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Open watches stop sending (events are held back) without closing, until <see cref="ResumeWatches"/>.</summary>
    public void StallWatches() => _state.Stall();

    /// <summary>Stalled watches continue (or get 410 if they fell out of the history window meanwhile).</summary>
    public void ResumeWatches()
    {
        _state.Unstall();
        foreach (var w in _state.Watches.Keys)
        {
            w.Poke();
        }
    }

    /// <summary>Writes one line that is not valid JSON into every open watch; the watches stay open.</summary>
    public void InjectMalformedLine()
    {
        foreach (var w in _state.Watches.Keys)
        {
            w.InjectMalformedLine();
        }
    }

    /// <summary>
    /// While true the server is unreachable: every open connection is dropped and every API request has its connection
    /// reset before an answer (the in-process stand-in for a server that is down); state is kept and the admin endpoint
    /// keeps working. Set false (or <see cref="Clear"/>) to serve again.
    /// </summary>
    public bool Unreachable
    {
        get => _state.Unreachable;
        set
        {
            _state.Unreachable = value;
            if (value)
            {
                _ = _restart();
            }
        }
    }

    /// <summary>Drops every connection (open watches and idle keep-alive ones) and keeps all state, as an API-server restart would.</summary>
    public Task RestartAsync() => _restart();

    /// <summary>Clears pending failures, latency and unreachability, and resumes stalled watches.</summary>
    public void Clear()
    {
        _state.Clear();
        foreach (var w in _state.Watches.Keys)
        {
            w.Poke();
        }
    }
}
