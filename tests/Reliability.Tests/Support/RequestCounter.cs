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
    private int _truncated;

    /// <summary>Responses cut so far.</summary>
    public int Truncated => Volatile.Read(ref _truncated);
    private readonly List<(Func<HttpRequestMessage, bool> Match, Action Action)> _hooks = [];
    private readonly List<(Func<HttpRequestMessage, bool> Match, Func<long, long> Limit, bool Throw)> _truncations = [];
    private readonly List<(Func<HttpRequestMessage, bool> Match, int Code, string Reason, string Message)> _answers = [];

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

    /// <summary>Removes the hooks and truncations not yet used.</summary>
    public void ClearHooks()
    {
        lock (_lock)
        {
            _hooks.Clear();
            _truncations.Clear();
            _answers.Clear();
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

    /// <summary>
    /// Answers the next request <paramref name="match"/> accepts with a Kubernetes Status of <paramref name="code"/> and
    /// <paramref name="reason"/> without sending it (what a server in another configuration would answer).
    /// </summary>
    public void AnswerNext(Func<HttpRequestMessage, bool> match, int code, string reason, string message)
    {
        lock (_lock)
        {
            _answers.Add((match, code, reason, message));
        }
    }

    /// <summary>A watch request.</summary>
    public static bool IsWatch(HttpRequestMessage request) => Query(request).Contains("watch=true", StringComparison.Ordinal);

    /// <summary>A list request (any page).</summary>
    public static bool IsList(HttpRequestMessage request) => !IsWatch(request);

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
        (Func<HttpRequestMessage, bool> Match, int Code, string Reason, string Message)? answer = null;
        lock (_lock)
        {
            var i = _answers.FindIndex(a => a.Match(request));
            if (i >= 0)
            {
                answer = _answers[i];
                _answers.RemoveAt(i);
            }
        }

        if (answer is { } a)
        {
            var status = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new Dictionary<string, object>(),
                ["status"] = "Failure",
                ["message"] = a.Message,
                ["reason"] = a.Reason,
                ["code"] = a.Code,
            });
            return new HttpResponseMessage((System.Net.HttpStatusCode)a.Code)
            {
                RequestMessage = request,
                Content = new StringContent(status, System.Text.Encoding.UTF8, "application/json"),
            };
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
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
