using System.Text;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace KubeInformers.Tests.TestSupport;

/// <summary>
/// A small stateful API server for ConfigMaps over real HTTP (Kestrel on 127.0.0.1): a global resourceVersion, list with
/// <c>limit</c>/<c>continue</c>, watch from a resourceVersion with history replay, bookmarks, and faults: drop every
/// watch connection, compact the history (older watches and continue tokens get 410 Expired; open watches can be sent
/// an ERROR 410 event). Just enough for the end-to-end test; the emulator project is the full one.
/// </summary>
internal sealed class FlowApiServer : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly SortedDictionary<string, V1ConfigMap> _objects = new(StringComparer.Ordinal);
    private readonly List<(long Rv, string Namespace, string Line)> _history = [];
    private readonly List<Watcher> _watchers = [];
    private long _rv = 100;
    private long _compactedThrough;
    private FlowHttpServer _http = null!;

    public static async Task<FlowApiServer> StartAsync()
    {
        var server = new FlowApiServer();
        server._http = await FlowHttpServer.StartAsync(server.HandleAsync);
        return server;
    }

    public IReadOnlyList<FlowRecordedRequest> Requests => [.. _http.Requests];

    public Kubernetes CreateClient() => _http.CreateClient();

    public string CurrentResourceVersion { get { lock (_lock) return _rv.ToString(); } }

    public int OpenWatches { get { lock (_lock) return _watchers.Count; } }

    /// <summary>Key → resourceVersion of every object.</summary>
    public IReadOnlyDictionary<string, string> Snapshot()
    {
        lock (_lock)
        {
            return _objects.ToDictionary(kv => kv.Key, kv => kv.Value.Metadata.ResourceVersion);
        }
    }

    public void Create(string ns, string name, string value) => Write("ADDED", ns, name, value);

    public void Update(string ns, string name, string value) => Write("MODIFIED", ns, name, value);

    public void Delete(string ns, string name) => Write("DELETED", ns, name, null);

    /// <summary>Sends a bookmark at the current resourceVersion to every watch that asked for bookmarks.</summary>
    public void SendBookmark()
    {
        lock (_lock)
        {
            var line = Event("BOOKMARK", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"resourceVersion\":\"" + _rv + "\"}}");
            foreach (var w in _watchers.Where(w => w.Bookmarks))
            {
                w.Lines.Writer.TryWrite(line);
            }
        }
    }

    /// <summary>Drops every watch connection, runs <paramref name="whileDisconnected"/> with no watch open, and returns.</summary>
    public void DropWatches(Action<FlowApiServer>? whileDisconnected = null)
    {
        lock (_lock)
        {
            foreach (var w in _watchers)
            {
                w.Lines.Writer.TryComplete();
                w.Context.Abort();
            }

            _watchers.Clear();
            whileDisconnected?.Invoke(this);
        }
    }

    /// <summary>Forgets the history up to now: older watches and continue tokens get 410. Open watches optionally get an ERROR 410 event.</summary>
    public void Compact(bool expireOpenWatches = false)
    {
        lock (_lock)
        {
            _compactedThrough = _rv;
            _history.Clear();
            if (expireOpenWatches)
            {
                foreach (var w in _watchers)
                {
                    w.Lines.Writer.TryWrite(Event("ERROR", Status(410, "Expired", "too old resource version")));
                    w.Lines.Writer.TryComplete();
                }

                _watchers.Clear();
            }
        }
    }

    private void Write(string type, string ns, string name, string? value)
    {
        lock (_lock)
        {
            var key = ns + "/" + name;
            var rv = (++_rv).ToString();
            V1ConfigMap obj;
            if (type == "DELETED")
            {
                var last = _objects[key];
                _objects.Remove(key);
                obj = Copy(last, rv, last.Data?["value"]);
            }
            else
            {
                obj = new V1ConfigMap
                {
                    ApiVersion = "v1",
                    Kind = "ConfigMap",
                    Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = rv, Uid = "uid-" + key },
                    Data = new Dictionary<string, string> { ["value"] = value! },
                };
                _objects[key] = obj;
            }

            var line = Event(type, KubernetesJson.Serialize(obj));
            _history.Add((_rv, ns, line));
            foreach (var w in _watchers.Where(w => w.Namespace is null || w.Namespace == ns))
            {
                w.Lines.Writer.TryWrite(line);
            }
        }
    }

    private static V1ConfigMap Copy(V1ConfigMap obj, string rv, string? value) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = obj.Metadata.Name, NamespaceProperty = obj.Metadata.NamespaceProperty, ResourceVersion = rv, Uid = obj.Metadata.Uid },
        Data = value is null ? null : new Dictionary<string, string> { ["value"] = value },
    };

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        string? ns = null;
        if (path.StartsWith("/api/v1/namespaces/", StringComparison.Ordinal) && path.EndsWith("/configmaps", StringComparison.Ordinal))
        {
            ns = path["/api/v1/namespaces/".Length..^"/configmaps".Length];
        }
        else if (path != "/api/v1/configmaps")
        {
            await Fail(ctx, 404, "NotFound", "no such resource");
            return;
        }

        if (ctx.Request.Query["watch"] == "true")
        {
            await WatchAsync(ctx, ns);
        }
        else
        {
            await ListAsync(ctx, ns);
        }
    }

    private async Task ListAsync(HttpContext ctx, string? ns)
    {
        var limit = int.TryParse(ctx.Request.Query["limit"], out var l) && l > 0 ? l : int.MaxValue;
        var token = ctx.Request.Query["continue"].ToString();
        string body;
        lock (_lock)
        {
            long listRv = _rv;
            string? after = null;
            if (token.Length > 0)
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|', 2);
                listRv = long.Parse(parts[0]);
                after = parts[1];
                if (listRv < _compactedThrough)
                {
                    body = "";
                    goto Expired;
                }
            }

            var candidates = _objects.Where(kv => (ns is null || kv.Value.Metadata.NamespaceProperty == ns) && (after is null || string.CompareOrdinal(kv.Key, after) > 0)).ToList();
            var page = candidates.Take(limit).ToList();
            var more = candidates.Count > page.Count;
            var next = more ? Convert.ToBase64String(Encoding.UTF8.GetBytes(listRv + "|" + page[^1].Key)) : null;
            body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMapList\",\"metadata\":{\"resourceVersion\":\"" + listRv + "\"" +
                (next is null ? "" : ",\"continue\":\"" + next + "\",\"remainingItemCount\":" + (candidates.Count - page.Count)) +
                "},\"items\":[" + string.Join(",", page.Select(kv => KubernetesJson.Serialize(kv.Value))) + "]}";
        }

        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body);
        return;

    Expired:
        await Fail(ctx, 410, "Expired", "The provided continue parameter is too old to display a consistent list result.");
    }

    private async Task WatchAsync(HttpContext ctx, string? ns)
    {
        var from = ctx.Request.Query["resourceVersion"].ToString();
        var watcher = new Watcher(ctx, ns, ctx.Request.Query["allowWatchBookmarks"] == "true");
        var streamingList = ctx.Request.Query["sendInitialEvents"] == "true";
        lock (_lock)
        {
            if (streamingList)
            {
                // Streaming list: the current state as ADDED events, then the bookmark that ends it, then changes.
                foreach (var obj in _objects.Values.Where(o => ns is null || o.Metadata.NamespaceProperty == ns))
                {
                    watcher.Lines.Writer.TryWrite(Event("ADDED", KubernetesJson.Serialize(obj)));
                }

                watcher.Lines.Writer.TryWrite(Event("BOOKMARK", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"resourceVersion\":\"" + _rv +
                    "\",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}"));
                _watchers.Add(watcher);
            }
            else if (from is "" or "0")
            {
                foreach (var obj in _objects.Values.Where(o => ns is null || o.Metadata.NamespaceProperty == ns))
                {
                    watcher.Lines.Writer.TryWrite(Event("ADDED", KubernetesJson.Serialize(obj)));
                }

                _watchers.Add(watcher);
            }
            else if (long.Parse(from) < _compactedThrough)
            {
                watcher.Lines.Writer.TryWrite(Event("ERROR", Status(410, "Expired", $"too old resource version: {from} ({_compactedThrough})")));
                watcher.Lines.Writer.TryComplete();
            }
            else
            {
                foreach (var (rv, eventNs, line) in _history.Where(h => h.Rv > long.Parse(from) && (ns is null || h.Namespace == ns)))
                {
                    watcher.Lines.Writer.TryWrite(line);
                }

                _watchers.Add(watcher);
            }
        }

        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.FlushAsync();
        try
        {
            await foreach (var line in watcher.Lines.Reader.ReadAllAsync(ctx.RequestAborted))
            {
                await ctx.Response.WriteAsync(line + "\n", ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    private static async Task Fail(HttpContext ctx, int code, string reason, string message)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(Status(code, reason, message));
    }

    private static string Event(string type, string obj) => "{\"type\":\"" + type + "\",\"object\":" + obj + "}";

    private static string Status(int code, string reason, string message) =>
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";

    public async ValueTask DisposeAsync()
    {
        DropWatches();
        await _http.DisposeAsync();
    }

    private sealed class Watcher(HttpContext context, string? ns, bool bookmarks)
    {
        public HttpContext Context { get; } = context;
        public string? Namespace { get; } = ns;
        public bool Bookmarks { get; } = bookmarks;
        public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>();
    }
}
