using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Tests.TestSupport;

/// <summary>
/// An <see cref="IListWatch{T}"/> driven by a script: each list or watch call takes the next scripted answer (which may
/// throw, or hang until cancelled). With the script exhausted, a list waits until cancelled and a watch stays open and
/// silent. Records every request and the (fake) time it came.
/// </summary>
internal sealed class FlowScriptedListWatch<T> : IListWatch<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly List<ListRequest> _lists = [];
    private readonly List<WatchRequest> _watches = [];
    private readonly List<(string Kind, DateTimeOffset At)> _calls = [];

    public FlowScriptedListWatch(TimeProvider time) => _time = time;

    public ConcurrentQueue<Func<ListRequest, ListPage<T>>> ListScript { get; } = new();
    public ConcurrentQueue<Func<WatchRequest, FlowFakeWatch<T>>> WatchScript { get; } = new();
    public ConcurrentQueue<FlowFakeWatch<T>> OpenedWatches { get; } = new();

    public IReadOnlyList<ListRequest> ListRequests { get { lock (_gate) return [.. _lists]; } }
    public IReadOnlyList<WatchRequest> WatchRequests { get { lock (_gate) return [.. _watches]; } }
    public IReadOnlyList<(string Kind, DateTimeOffset At)> Calls { get { lock (_gate) return [.. _calls]; } }

    public FlowScriptedListWatch<T> List(Func<ListRequest, ListPage<T>> answer) { ListScript.Enqueue(answer); return this; }
    public FlowScriptedListWatch<T> List(string rv, params T[] items) => List(_ => new ListPage<T>(items, rv));
    public FlowScriptedListWatch<T> ListFails(Exception error) => List(_ => throw error);
    public FlowScriptedListWatch<T> Watch(Func<WatchRequest, FlowFakeWatch<T>> answer) { WatchScript.Enqueue(answer); return this; }
    public FlowScriptedListWatch<T> Watch(FlowFakeWatch<T> watch) => Watch(_ => watch);
    public FlowScriptedListWatch<T> WatchFails(Exception error) => Watch(_ => throw error);

    public async Task<ListPage<T>> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _lists.Add(request);
            _calls.Add(("list", _time.GetUtcNow()));
        }

        if (ListScript.TryDequeue(out var answer) && answer(request) is { } page)
        {
            return page;
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _cancelledLists);
            throw;
        }

        throw new UnreachableException();
    }

    /// <summary>The next list request gets no answer until it is cancelled (a hung server or proxy).</summary>
    public FlowScriptedListWatch<T> ListHangs() => List(_ => null!);

    /// <summary>List requests that hung (scripted or beyond the script) and were then cancelled.</summary>
    public int CancelledLists => Volatile.Read(ref _cancelledLists);

    private int _cancelledLists;

    /// <summary>The next watch request gets no answer until it is cancelled (a hung server or proxy).</summary>
    public FlowScriptedListWatch<T> WatchHangs() => Watch(_ => null!);

    public async Task<IWatchStream<T>> WatchAsync(WatchRequest request, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _watches.Add(request);
            _calls.Add(("watch", _time.GetUtcNow()));
        }

        var watch = WatchScript.TryDequeue(out var answer) ? answer(request) : new FlowFakeWatch<T>();
        if (watch is null)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        OpenedWatches.Enqueue(watch!);
        return watch!;
    }
}

/// <summary>A watch whose events the test sends (before or while it is read). Open until <see cref="Close"/> or <see cref="Fail"/>.</summary>
internal sealed class FlowFakeWatch<T> : IWatchStream<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Channel<object> _items = Channel.CreateUnbounded<object>();

    public bool Disposed { get; private set; }

    /// <summary>Items sent but not yet read.</summary>
    public int Pending => _items.Reader.Count;

    public static FlowFakeWatch<T> Closed(params WatchEvent<T>[] events)
    {
        var watch = new FlowFakeWatch<T>();
        foreach (var e in events) watch.Send(e);
        watch.Close();
        return watch;
    }

    public static FlowFakeWatch<T> Failing(Exception error, params WatchEvent<T>[] events)
    {
        var watch = new FlowFakeWatch<T>();
        foreach (var e in events) watch.Send(e);
        watch.Fail(error);
        return watch;
    }

    public static FlowFakeWatch<T> Open(params WatchEvent<T>[] events)
    {
        var watch = new FlowFakeWatch<T>();
        foreach (var e in events) watch.Send(e);
        return watch;
    }

    public FlowFakeWatch<T> Send(WatchEvent<T> e) { _items.Writer.TryWrite(e); return this; }
    public void Fail(Exception error) { _items.Writer.TryWrite(error); _items.Writer.TryComplete(); }
    public void Close() => _items.Writer.TryComplete();

    /// <summary>
    /// True while the reader has consumed everything sent and waits for more: whoever reads this watch (a reflector)
    /// has finished with every event so far and is parked on it.
    /// </summary>
    public bool IsWaitingForEvents => Volatile.Read(ref _waiting) && _items.Reader.Count == 0;

    private bool _waiting;

    public async IAsyncEnumerable<WatchEvent<T>> ReadEventsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (!_items.Reader.TryRead(out var item))
            {
                Volatile.Write(ref _waiting, true);
                bool more;
                try
                {
                    more = await _items.Reader.WaitToReadAsync(cancellationToken);
                }
                finally
                {
                    Volatile.Write(ref _waiting, false);
                }

                if (!more)
                {
                    yield break;
                }

                continue;
            }

            if (item is Exception error)
            {
                throw error;
            }

            yield return (WatchEvent<T>)item;
        }
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Records what a reflector writes.</summary>
internal sealed class FlowRecordingStore<T> : IReflectorStore<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    public sealed record Call(string Op, IReadOnlyList<T> Items, string? ResourceVersion)
    {
        public override string ToString() => $"{Op}({string.Join(",", Items.Select(i => i.Metadata.Name + "@" + i.Metadata.ResourceVersion))}{(ResourceVersion is null ? "" : " rv=" + ResourceVersion)})";
    }

    private readonly ConcurrentQueue<Call> _calls = new();

    public IReadOnlyList<Call> Calls => [.. _calls];
    public IReadOnlyList<string> Log => [.. _calls.Select(c => c.ToString())];

    public void Add(T obj) => _calls.Enqueue(new Call("Add", [obj], null));
    public void Update(T obj) => _calls.Enqueue(new Call("Update", [obj], null));
    public void Delete(T obj) => _calls.Enqueue(new Call("Delete", [obj], null));
    public void Replace(IReadOnlyList<T> items, string resourceVersion) => _calls.Enqueue(new Call("Replace", [.. items], resourceVersion));
    public void Resync() => _calls.Enqueue(new Call("Resync", [], null));
}

/// <summary>Builders for test objects and errors.</summary>
internal static class FlowObjects
{
    public static V1ConfigMap Cm(string name, string rv, string ns = "ns", string? data = null) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = rv, Uid = "uid-" + name },
        Data = data is null ? null : new Dictionary<string, string> { ["value"] = data },
    };

    public static WatchEvent<V1ConfigMap> Added(string name, string rv) => new(WatchEventType.Added, Cm(name, rv));
    public static WatchEvent<V1ConfigMap> Modified(string name, string rv, string? data = null) => new(WatchEventType.Modified, Cm(name, rv, data: data));
    public static WatchEvent<V1ConfigMap> Deleted(string name, string rv) => new(WatchEventType.Deleted, Cm(name, rv));

    public static WatchEvent<V1ConfigMap> Bookmark(string rv, bool initialEventsEnd = false) => new(WatchEventType.Bookmark, new V1ConfigMap
    {
        Metadata = new V1ObjectMeta
        {
            ResourceVersion = rv,
            Annotations = initialEventsEnd ? new Dictionary<string, string> { ["k8s.io/initial-events-end"] = "true" } : null,
        },
    });

    public static KubernetesApiException Api(int code, string reason, string message = "", TimeSpan? retryAfter = null, string? causeReason = null) =>
        new(new V1Status
        {
            Kind = "Status",
            Code = code,
            Reason = reason,
            Message = message,
            Details = causeReason is null ? null : new V1StatusDetails { Causes = [new V1StatusCause { Reason = causeReason }] },
        }, retryAfter);

    public static KubernetesApiException Expired() => Api(410, "Expired", "too old resource version");

    public static HttpRequestException ConnectionRefused() =>
        new("Connection refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
}
