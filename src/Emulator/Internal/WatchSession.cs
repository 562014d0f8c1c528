using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KubeInformers.Emulator.Internal;

/// <summary>Parameters of one watch request.</summary>
internal sealed record WatchRequest(
    ResourceStore Store,
    ObjectFilter Filter,
    string? ResourceVersion,
    bool AllowBookmarks,
    bool? SendInitialEvents,
    TimeSpan? Timeout)
{
    /// <summary>When set, each event's object is sent as a one-row Table (kubectl get -w).</summary>
    public TableRequest? Table { get; init; }
}

/// <summary>
/// One open watch stream: one JSON event per line, flushed per event, read from the resource's shared history
/// through this session's own cursor (a sequence number). The session reads events under the state lock only to
/// copy references, and writes outside it, so a slow client never blocks writers; one that falls more than
/// <see cref="EmulatorOptions.MaxWatcherLag"/> events behind (or out of the window) gets a 410 ERROR event and is
/// closed. Fault hooks (<see cref="Close"/>, <see cref="Abort"/>, <see cref="Poke"/>) may be called from any thread.
/// </summary>
internal sealed class WatchSession
{
    private const int ReadBatch = 1000;
    private static readonly byte[] s_malformed = "{\"type\":\"MODIFIED\",\"object\":{this is not json, injected by the emulator\n"u8.ToArray();
    private readonly HttpContext _context;
    private readonly ApiState _state;
    private readonly FaultState _faults;
    private readonly CancellationTokenSource _close = new();
    private TaskCompletionSource _poked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pendingMalformed;

    public WatchSession(HttpContext context, ApiState state, FaultState faults)
    {
        _context = context;
        _state = state;
        _faults = faults;
    }

    public void Close()
    {
        try
        {
            _close.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Abort()
    {
        try
        {
            _context.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request already ended (its context is disposed before the session leaves FaultState.Watches, and a
            // fault may have listed it just before): there is no connection left to reset.
        }
    }

    public void InjectMalformedLine()
    {
        Interlocked.Increment(ref _pendingMalformed);
        Poke();
    }

    public void Poke()
    {
        var old = Interlocked.Exchange(ref _poked, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        old.TrySetResult();
    }

    public async Task RunAsync(WatchRequest request, CancellationToken aborted)
    {
        _faults.Watches.TryAdd(this, 0);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _close.Token);
        try
        {
            await RunCoreAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // closed by the client, a fault, or shutdown: end the response cleanly when still possible
        }
        catch (IOException)
        {
        }
        finally
        {
            _faults.Watches.TryRemove(this, out _);
            _close.Dispose();
        }
    }

    private async Task RunCoreAsync(WatchRequest request, CancellationToken ct)
    {
        var store = request.Store;
        var rt = store.Type;
        var time = _state.Options.TimeProvider;
        var response = _context.Response;
        var output = response.BodyWriter;

        long requestedRv = 0;
        var fromNow = string.IsNullOrEmpty(request.ResourceVersion) || request.ResourceVersion == "0";
        if (!fromNow)
        {
            if (!long.TryParse(request.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out requestedRv))
            {
                throw ApiException.BadRequest($"invalid resource version: {request.ResourceVersion}");
            }

            await _state.WaitForResourceVersionAsync(requestedRv, ct).ConfigureAwait(false);
        }

        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-cache, private";

        IReadOnlyCollection<StoredObject>? initial = null;
        long sequence;
        long lastRv;
        long? expiredAt = null;
        lock (_state.Gate)
        {
            if (fromNow || request.SendInitialEvents == true)
            {
                // Legacy semantics: no RV or "0" starts with ADDED for the current state, unless sendInitialEvents=false.
                initial = request.SendInitialEvents ?? fromNow ? store.Items : null;
                sequence = store.NextSequence;
                lastRv = _state.CurrentResourceVersion;
            }
            else
            {
                var seq = store.SequenceAfter(requestedRv);
                if (seq is null)
                {
                    expiredAt = store.CompactedRv;
                }

                sequence = seq ?? 0;
                lastRv = requestedRv;
            }
        }

        if (expiredAt is long compacted)
        {
            await WriteAsync(ErrorLine(410, "Expired", $"too old resource version: {requestedRv} ({compacted})"), ct).ConfigureAwait(false);
            return;
        }

        await response.StartAsync(ct).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false); // send the headers now: clients wait for them
        var startRv = lastRv;
        if (initial is not null)
        {
            if (_faults.Stalled)
            {
                await _faults.Unstalled.WaitAsync(ct).ConfigureAwait(false);
            }

            var unflushed = 0;
            foreach (var o in initial)
            {
                if (!request.Filter.Matches(o))
                {
                    continue;
                }

                var line = AsTable(request, o.AddedLine);
                output.Write(line);
                unflushed += line.Length;
                if (unflushed >= 32 * 1024)
                {
                    await output.FlushAsync(ct).ConfigureAwait(false);
                    unflushed = 0;
                }
            }

            if (request.SendInitialEvents == true)
            {
                output.Write(BookmarkLine(rt, lastRv, initialEventsEnd: true));
            }

            await output.FlushAsync(ct).ConfigureAwait(false);
        }

        var interval = _state.Options.BookmarkInterval;
        var now = time.GetUtcNow();
        var deadline = request.Timeout is TimeSpan t ? now + t : (DateTimeOffset?)null;
        var nextBookmark = now + interval;
        var lastBookmarkRv = startRv;
        var batch = new List<WatchEvent>(64);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_faults.Stalled)
            {
                await _faults.Unstalled.WaitAsync(ct).ConfigureAwait(false);
                continue;
            }

            batch.Clear();
            bool inWindow, lagging, removed;
            Task changed;
            long currentRv;
            lock (_state.Gate)
            {
                removed = store.Removed;
                inWindow = store.TryRead(sequence, ReadBatch, batch);
                lagging = store.NextSequence - sequence > _state.Options.MaxWatcherLag;
                changed = store.Changed;
                currentRv = _state.CurrentResourceVersion;
            }

            if (removed)
            {
                return;
            }

            if (!inWindow || lagging)
            {
                await WriteAsync(ErrorLine(410, "Expired", $"too old resource version: {lastRv} ({store.CompactedRv})"), ct).ConfigureAwait(false);
                return;
            }

            // The batch is already in memory: flush every 32 KB and at its end, as the initial events are, not once per event.
            var pending = 0;
            foreach (var ev in batch)
            {
                sequence = ev.Sequence + 1;
                lastRv = ev.ResourceVersion;
                var line = Select(ev, request.Filter);
                if (line is not null)
                {
                    line = AsTable(request, line);
                    output.Write(line);
                    pending += line.Length;
                    if (pending >= 32 * 1024)
                    {
                        await output.FlushAsync(ct).ConfigureAwait(false);
                        pending = 0;
                    }
                }
            }

            if (pending > 0)
            {
                await output.FlushAsync(ct).ConfigureAwait(false);
            }

            if (batch.Count < ReadBatch)
            {
                // Everything of this resource up to currentRv has been delivered.
                lastRv = Math.Max(lastRv, currentRv);
            }

            if (Interlocked.Exchange(ref _pendingMalformed, 0) > 0)
            {
                await WriteAsync(s_malformed, ct).ConfigureAwait(false);
            }

            now = time.GetUtcNow();
            if (deadline is DateTimeOffset d && now >= d)
            {
                if (request.AllowBookmarks && lastRv > lastBookmarkRv)
                {
                    await WriteAsync(BookmarkLine(rt, lastRv, false), ct).ConfigureAwait(false);
                }

                return;
            }

            if (request.AllowBookmarks && now >= nextBookmark)
            {
                if (lastRv > lastBookmarkRv)
                {
                    await WriteAsync(BookmarkLine(rt, lastRv, false), ct).ConfigureAwait(false);
                    lastBookmarkRv = lastRv;
                }

                nextBookmark = now + interval;
            }

            if (batch.Count == ReadBatch)
            {
                continue;
            }

            var wake = request.AllowBookmarks ? nextBookmark : DateTimeOffset.MaxValue;
            if (deadline is DateTimeOffset dl && dl < wake)
            {
                wake = dl;
            }

            var poked = Volatile.Read(ref _poked).Task;
            if (wake == DateTimeOffset.MaxValue)
            {
                await Task.WhenAny(changed, poked).WaitAsync(ct).ConfigureAwait(false);
            }
            else
            {
                var delay = wake - now;
                using var timerCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var timer = Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, time, timerCts.Token);
                await Task.WhenAny(changed, poked, timer).WaitAsync(ct).ConfigureAwait(false);
                timerCts.Cancel();
            }
        }
    }

    private static byte[]? Select(WatchEvent ev, ObjectFilter filter)
    {
        var now = filter.Matches(ev.Current);
        switch (ev.Type)
        {
            case ChangeType.Added:
                return now ? ev.Line : null;
            case ChangeType.Deleted:
                return now || (ev.Previous is not null && filter.Matches(ev.Previous)) ? ev.Line : null;
            default:
                var before = ev.Previous is not null && filter.Matches(ev.Previous);
                return (before, now) switch
                {
                    (true, true) => ev.Line,
                    (false, true) => ev.TransitionAddedLine,
                    (true, false) => ev.TransitionDeletedLine,
                    _ => null,
                };
        }
    }

    /// <summary>For a Table watch (kubectl get -w), the event's object becomes a one-row Table; other lines pass unchanged.</summary>
    private byte[] AsTable(WatchRequest request, byte[] line)
    {
        if (request.Table is null)
        {
            return line;
        }

        var node = JsonNode.Parse(line)!.AsObject();
        var type = node["type"]?.GetValue<string>();
        if (type is not ("ADDED" or "MODIFIED" or "DELETED") || node["object"] is not JsonObject obj)
        {
            return line;
        }

        var rt = request.Store.Type;
        var table = TableConverter.Build(rt, [StoredObject.From(obj, rt)], request.Table, _state.Options.TimeProvider.GetUtcNow(), null, null, null);
        return WatchLines.Build(type, JsonSerializer.SerializeToUtf8Bytes(table, JsonContext.Options));
    }

    private async Task WriteAsync(byte[] line, CancellationToken ct)
    {
        var output = _context.Response.BodyWriter;
        output.Write(line);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    internal static byte[] BookmarkLine(ResourceType rt, long rv, bool initialEventsEnd)
    {
        var meta = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture), ["creationTimestamp"] = null };
        if (initialEventsEnd)
        {
            meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        var obj = new JsonObject { ["kind"] = rt.Kind, ["apiVersion"] = rt.ApiVersion, ["metadata"] = meta };
        return WatchLines.Build("BOOKMARK", JsonSerializer.SerializeToUtf8Bytes(obj, JsonContext.Options));
    }

    internal static byte[] ErrorLine(int code, string reason, string message)
    {
        var status = new ApiException(code, reason, message).ToStatus();
        return WatchLines.Build("ERROR", JsonSerializer.SerializeToUtf8Bytes(status, JsonContext.Options));
    }
}
