using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KubeInformers;

/// <summary>
/// The metrics every reflector publishes on the <see cref="MeterName"/> meter (System.Diagnostics.Metrics), for any
/// listener: OpenTelemetry, <c>dotnet-counters</c>, or KubeInformers.Hosting. Each measurement carries the tag
/// <c>resource</c> (for example <c>deployments.apps/v1</c>). Recording costs nothing while no listener is attached.
/// </summary>
public static class ReflectorInstruments
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = RuntimeMeter.Name;

    /// <summary>Counter: watch events received from the API server, as received (bookmarks included). Tag <c>type</c>: <c>added</c>, <c>modified</c>, <c>deleted</c>, <c>bookmark</c>.</summary>
    public const string WatchEvents = "kubeinformers.watch.events";

    /// <summary>Counter: watch (re)starts, by why the previous watch ended. Tag <c>reason</c>: <c>initial</c> (the first watch after a list), <c>closed</c> (server timeout), <c>very_short</c>, <c>idle</c> (watchdog), <c>decode_error</c>, <c>expired</c> (410), <c>error</c>, <c>request_failed</c>.</summary>
    public const string WatchRestarts = "kubeinformers.watch.restarts";

    /// <summary>Counter: full lists (initial lists and relists). Tags <c>reason</c>: <c>initial</c>, <c>expired</c> (410 Expired or a too-large resourceVersion), <c>error</c>, <c>retry</c> (after a failed list), <c>streaming_fallback</c>; and <c>outcome</c>: <c>success</c> or <c>failure</c>.</summary>
    public const string Lists = "kubeinformers.reflector.lists";

    /// <summary>Histogram, seconds: how long a full list took (all pages).</summary>
    public const string ListDuration = "kubeinformers.reflector.list.duration";

    /// <summary>Counter: every list and watch error. Tag <c>reason</c>: the HTTP status and Kubernetes reason (<c>410 Expired</c>, <c>403 Forbidden</c>) or the exception type.</summary>
    public const string Errors = "kubeinformers.reflector.errors";

    /// <summary>
    /// Observable counter: runtime optimisations switched off because a dependency was not as expected (KubernetesClient's
    /// private serializer options or HTTP/2 setting not found, a compiled reader failing on the running model). Tag
    /// <c>feature</c>: <c>decode_options</c>, <c>http2_selection</c>, <c>type_info</c>, <c>compiled_reader</c>. Each is also
    /// logged once per process as a warning (event id 1201). Decoding stays correct, only slower.
    /// </summary>
    public const string Degraded = RuntimeDegradations.MetricName;

    private static readonly Meter Meter = RuntimeMeter.Meter;

    internal static readonly ObservableCounter<long> DegradedCounter = RuntimeDegradations.Counter;

    internal static readonly Counter<long> WatchEventCounter = Meter.CreateCounter<long>(WatchEvents, "{event}", "Watch events received from the API server, by type, as received (bookmarks included).");
    internal static readonly Counter<long> WatchRestartCounter = Meter.CreateCounter<long>(WatchRestarts, "{watch}", "Watch (re)starts, by why the previous watch ended.");
    internal static readonly Counter<long> ListCounter = Meter.CreateCounter<long>(Lists, "{list}", "Full lists (initial lists and relists), by reason and outcome.");
    internal static readonly Histogram<double> ListDurationHistogram = Meter.CreateHistogram<double>(ListDuration, "s", "How long a full list took, all pages included.");
    internal static readonly Counter<long> ErrorCounter = Meter.CreateCounter<long>(Errors, "{error}", "List and watch errors, by reason.");

    internal static void Add(Counter<long> counter, string resource, string tag, string value)
    {
        if (counter.Enabled)
        {
            counter.Add(1, new KeyValuePair<string, object?>("resource", resource), new KeyValuePair<string, object?>(tag, value));
        }
    }

    internal static string ErrorReason(Exception error) => error switch
    {
        KubernetesApiException api => (int)api.StatusCode + " " + (api.Reason ?? "Unknown"),
        _ => error.GetType().Name,
    };
}
