using k8s;
using k8s.Models;

namespace KubeInformers;

/// <summary>What an informer selects: namespace and selectors, sent with every list and watch.</summary>
public sealed record ListWatchOptions
{
    /// <summary>The namespace to watch, or null for all namespaces (ignored for cluster-scoped resources).</summary>
    public string? Namespace { get; init; }
    /// <summary>A label selector in string form, or null.</summary>
    public string? LabelSelector { get; init; }
    /// <summary>A field selector in string form, or null.</summary>
    public string? FieldSelector { get; init; }
}

/// <summary>One list request.</summary>
public sealed record ListRequest
{
    /// <summary><c>resourceVersion</c>: null or "" for a consistent read, "0" for any (cache), or an exact version.</summary>
    public string? ResourceVersion { get; init; }
    /// <summary><c>resourceVersionMatch</c>: null, <c>NotOlderThan</c> or <c>Exact</c>.</summary>
    public string? ResourceVersionMatch { get; init; }
    /// <summary>Page size, or null for no paging.</summary>
    public int? Limit { get; init; }
    /// <summary>The continue token of the previous page.</summary>
    public string? Continue { get; init; }
}

/// <summary>One page of a list.</summary>
public sealed class ListPage<T> where T : class
{
    /// <summary>Creates a page.</summary>
    public ListPage(IReadOnlyList<T> items, string resourceVersion, string? continueToken = null, long? remainingItemCount = null)
    {
        Items = items;
        ResourceVersion = resourceVersion;
        Continue = continueToken;
        RemainingItemCount = remainingItemCount;
    }

    /// <summary>The objects of this page.</summary>
    public IReadOnlyList<T> Items { get; }
    /// <summary>The list's resourceVersion.</summary>
    public string ResourceVersion { get; }
    /// <summary>The token for the next page, or null on the last page.</summary>
    public string? Continue { get; }
    /// <summary>How many items the server says remain after this page, if it says.</summary>
    public long? RemainingItemCount { get; }
}

/// <summary>One watch request.</summary>
public sealed record WatchRequest
{
    /// <summary>The version to watch from: only changes after it are sent. Null or "0" start with the current state as ADDED events.</summary>
    public string? ResourceVersion { get; init; }
    /// <summary><c>resourceVersionMatch</c> (used with <see cref="SendInitialEvents"/>: <c>NotOlderThan</c>).</summary>
    public string? ResourceVersionMatch { get; init; }
    /// <summary>Ask for BOOKMARK events.</summary>
    public bool AllowWatchBookmarks { get; init; } = true;
    /// <summary>Server-side timeout of the watch, in seconds.</summary>
    public int? TimeoutSeconds { get; init; }
    /// <summary>Streaming list: send the current state first, ending with a bookmark annotated <c>k8s.io/initial-events-end</c>.</summary>
    public bool? SendInitialEvents { get; init; }
}

/// <summary>One event of a watch. ERROR events are not events: the stream throws <see cref="KubernetesApiException"/>.</summary>
/// <param name="Type">ADDED, MODIFIED, DELETED or BOOKMARK.</param>
/// <param name="Object">The object (for a bookmark, an object with only <c>metadata.resourceVersion</c> and annotations).</param>
public readonly record struct WatchEvent<T>(WatchEventType Type, T Object) where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The event's resourceVersion.</summary>
    public string? ResourceVersion => Object.Metadata?.ResourceVersion;

    /// <summary>Whether this is the bookmark that ends the initial events of a streaming list.</summary>
    public bool IsInitialEventsEnd =>
        Type == WatchEventType.Bookmark
        && Object.Metadata?.Annotations is { } a
        && a.TryGetValue("k8s.io/initial-events-end", out var v)
        && v == "true";
}

/// <summary>An open watch: a stream of events that ends when the server closes it.</summary>
public interface IWatchStream<T> : IAsyncDisposable where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>
    /// Reads events until the server ends the stream (a clean end, including a watch that ends with no events, just completes).
    /// Throws <see cref="KubernetesApiException"/> for an ERROR event, <see cref="KubernetesDecodeException"/> for a line that is
    /// not a valid event, and <see cref="IOException"/>/<see cref="HttpRequestException"/> when the connection drops.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> ReadEventsAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// The source a reflector lists and watches: HTTP against an API server (<see cref="HttpListWatch{T}"/>) or anything a test provides.
/// </summary>
public interface IListWatch<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Lists one page.</summary>
    /// <exception cref="KubernetesApiException">The server answered with an error status.</exception>
    Task<ListPage<T>> ListAsync(ListRequest request, CancellationToken cancellationToken = default);

    /// <summary>Opens a watch; completes once the server has answered with its status line and headers.</summary>
    /// <exception cref="KubernetesApiException">The server answered with an error status.</exception>
    Task<IWatchStream<T>> WatchAsync(WatchRequest request, CancellationToken cancellationToken = default);
}
