namespace KubeInformers.Reliability.Tests.Support;

/// <summary>
/// A client-side HTTP handler that counts the API requests an informer or reflector sends (by kind) and can run a hook
/// before a request is sent (e.g. compact the server's history when a list asks for its next page). Thread-safe.
/// </summary>
public sealed class RequestCounter : DelegatingHandler
{
    private readonly TimeProvider _clock;
    private readonly object _lock = new();
    private readonly List<(DateTimeOffset At, string Kind)> _log = [];
    private int _inFlight;
    private Func<HttpRequestMessage, Task>? _beforeContinue;

    public RequestCounter(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <summary>Requests sent but not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _log.Count;
            }
        }
    }

    public IReadOnlyList<(DateTimeOffset At, string Kind)> Log
    {
        get
        {
            lock (_lock)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>Runs <paramref name="hook"/> once, before the next list request that carries a continue token.</summary>
    public void BeforeNextContinue(Func<HttpRequestMessage, Task> hook) => Volatile.Write(ref _beforeContinue, hook);

    /// <summary>Removes a hook not yet run.</summary>
    public void ClearHook() => Volatile.Write(ref _beforeContinue, null);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var query = request.RequestUri?.Query ?? "";
        var kind = query.Contains("watch=true", StringComparison.Ordinal) || query.Contains("watch=1", StringComparison.Ordinal)
            ? "watch"
            : query.Contains("continue=", StringComparison.Ordinal) ? "continue" : "list";
        lock (_lock)
        {
            _log.Add((_clock.GetUtcNow(), kind));
        }

        if (kind == "continue" && Interlocked.Exchange(ref _beforeContinue, null) is { } hook)
        {
            await hook(request).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
