namespace KubeInformers.Reliability.Harness;

/// <summary>
/// A client-side HTTP handler that counts the API requests an informer or reflector sends (by kind) and can run a hook
/// before a request is sent (e.g. compact the server's history when a list asks for its next page). Thread-safe.
/// A hook runs on the thread sending the request; <see cref="ClearHooksAsync"/> completes only once no hook is running,
/// so a caller that clears the hooks and then reads the server sees every write a hook made.
/// </summary>
public sealed class RequestCounter : DelegatingHandler
{
    private readonly TimeProvider _clock;
    private readonly object _lock = new();
    private readonly List<(DateTimeOffset At, string Kind)> _log = [];
    private int _inFlight;
    private int _truncated;
    private int _count;
    private int _hooksRunning;
    private TaskCompletionSource? _hooksIdle;

    /// <summary>Responses cut so far.</summary>
    public int Truncated => Volatile.Read(ref _truncated);
    private readonly List<(Func<HttpRequestMessage, bool> Match, Action Action)> _hooks = [];
    private readonly List<(Func<HttpRequestMessage, bool> Match, Func<long, long> Limit, bool Throw)> _truncations = [];

    public RequestCounter(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <summary>Requests sent but not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Requests sent so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Where each request (its query: the watch cut points) and its answer's status are recorded; null: nowhere.</summary>
    public Journal? Journal { get; init; }

    /// <summary>The name the journal shows for this counter's requests.</summary>
    public string Name { get; init; } = "client";

    /// <summary>Whether each request's time and kind is kept for <see cref="Log"/> (default true; a soak turns it off so nothing grows).</summary>
    public bool KeepLog { get; init; } = true;

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

    /// <summary>
    /// Removes the hooks and truncations not yet used; the task completes once no hook taken before is still running
    /// (a hook is taken when its request is sent and may still be writing to the server when this is called).
    /// </summary>
    public Task ClearHooksAsync()
    {
        lock (_lock)
        {
            _hooks.Clear();
            _truncations.Clear();
            if (_hooksRunning == 0)
            {
                return Task.CompletedTask;
            }

            _hooksIdle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _hooksIdle.Task;
        }
    }

    /// <summary>
    /// Cuts the body of the next successful response to a request <paramref name="match"/> accepts after
    /// <paramref name="limit"/>(content length, or -1 when unknown) bytes: a clean end, or an IOException when <paramref name="throwAtLimit"/>.
    /// </summary>
    public void TruncateNext(Func<HttpRequestMessage, bool> match, Func<long, long> limit, bool throwAtLimit)
    {
        lock (_lock)
        {
            _truncations.Add((match, limit, throwAtLimit));
        }
    }

    /// <summary>A watch request.</summary>
    public static bool IsWatch(HttpRequestMessage request) => Query(request).Contains("watch=true", StringComparison.Ordinal);

    /// <summary>A list request (any page).</summary>
    public static bool IsList(HttpRequestMessage request) => !IsWatch(request);

    /// <summary>A list request carrying a continue token.</summary>
    public static bool IsContinue(HttpRequestMessage request) => Query(request).Contains("continue=", StringComparison.Ordinal);

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
            Interlocked.Increment(ref _count);
            if (KeepLog)
            {
                _log.Add((_clock.GetUtcNow(), kind));
            }

            var i = _hooks.FindIndex(h => h.Match(request));
            if (i >= 0)
            {
                hook = _hooks[i].Action;
                _hooks.RemoveAt(i);
                _hooksRunning++;
            }
        }

        if (hook is not null)
        {
            try
            {
                hook();
            }
            finally
            {
                lock (_lock)
                {
                    if (--_hooksRunning == 0 && _hooksIdle is { } idle)
                    {
                        _hooksIdle = null;
                        idle.TrySetResult();
                    }
                }
            }
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            Journal?.Add(Name, null, "sent " + kind + " " + query);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            Journal?.Add(Name, null, "answered " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + " to " + kind);
            (Func<HttpRequestMessage, bool> Match, Func<long, long> Limit, bool Throw)? cut = null;
            if (response.IsSuccessStatusCode)
            {
                lock (_lock)
                {
                    var i = _truncations.FindIndex(t => t.Match(request));
                    if (i >= 0)
                    {
                        cut = _truncations[i];
                        _truncations.RemoveAt(i);
                    }
                }
            }

            if (cut is { } c)
            {
                var original = response.Content;
                var limit = c.Limit(original.Headers.ContentLength ?? -1);
                var body = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                var content = new StreamContent(new TruncatingStream(body, limit, c.Throw));
                foreach (var header in original.Headers)
                {
                    if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }
                }

                response.Content = content;
                Interlocked.Increment(ref _truncated);
            }

            return response;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
