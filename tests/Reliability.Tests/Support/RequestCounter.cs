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
    private readonly List<(Func<HttpRequestMessage, bool> Match, Action Action)> _hooks = [];

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

    /// <summary>Runs <paramref name="action"/> once, just before the next request that <paramref name="match"/> accepts is sent.</summary>
    public void Before(Func<HttpRequestMessage, bool> match, Action action)
    {
        lock (_lock)
        {
            _hooks.Add((match, action));
        }
    }

    /// <summary>Removes the hooks not yet run.</summary>
    public void ClearHooks()
    {
        lock (_lock)
        {
            _hooks.Clear();
        }
    }

    /// <summary>A list request carrying a continue token.</summary>
    public static bool IsContinue(HttpRequestMessage request) => Query(request).Contains("continue=", StringComparison.Ordinal);

    /// <summary>A list (not a watch) at an exact resourceVersion other than "0".</summary>
    public static bool IsListAtVersion(HttpRequestMessage request)
    {
        var q = Query(request);
        if (q.Contains("watch=", StringComparison.Ordinal))
        {
            return false;
        }

        var i = q.IndexOf("resourceVersion=", StringComparison.Ordinal);
        return i >= 0 && q.Length > i + 16 && q[i + 16] is >= '1' and <= '9';
    }

    private static string Query(HttpRequestMessage request) => request.RequestUri?.Query ?? "";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var query = request.RequestUri?.Query ?? "";
        var kind = query.Contains("watch=true", StringComparison.Ordinal) || query.Contains("watch=1", StringComparison.Ordinal)
            ? "watch"
            : query.Contains("continue=", StringComparison.Ordinal) ? "continue" : "list";
        Action? hook = null;
        lock (_lock)
        {
            _log.Add((_clock.GetUtcNow(), kind));
            var i = _hooks.FindIndex(h => h.Match(request));
            if (i >= 0)
            {
                hook = _hooks[i].Action;
                _hooks.RemoveAt(i);
            }
        }

        hook?.Invoke();

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
