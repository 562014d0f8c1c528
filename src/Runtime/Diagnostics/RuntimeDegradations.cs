using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace KubeInformers;

/// <summary>
/// The record of optimisations the runtime had to switch off because something it depends on was not as expected (a
/// KubernetesClient private member renamed, a compiled reader failing on the running model). Each one is still correct,
/// only slower; none may pass unnoticed. A degradation is logged once per process, as a warning, through the logger of the
/// first informer that starts with logging (or at once, if one already has), and observed on the
/// <see cref="ReflectorInstruments.Degraded"/> counter from the moment it happens, so a listener attached later still sees
/// it. Thread-safe; reporting the same feature twice keeps the first report.
/// </summary>
internal static partial class RuntimeDegradations
{
    private static readonly object s_lock = new();
    private static readonly List<Degradation> s_reported = [];
    private static ILogger? s_logger;

    /// <summary>The metric's name (listed with the others in <see cref="ReflectorInstruments.Degraded"/>).</summary>
    public const string MetricName = "kubeinformers.runtime.degraded";

    /// <summary>Observable counter: 1 per degradation, tag <c>feature</c>. Exists from the runtime's first measurement on.</summary>
    internal static readonly ObservableCounter<long> Counter = RuntimeMeter.Meter.CreateObservableCounter(MetricName, Observe, "{feature}",
        "Runtime optimisations switched off because a dependency was not as expected (each also logged once as a warning).");

    /// <summary>A feature switched off: its name (the metric's <c>feature</c> tag), what it costs, and why.</summary>
    internal sealed record Degradation(string Feature, string Consequence, string Cause);

    /// <summary>What has been reported so far, in order.</summary>
    public static IReadOnlyList<Degradation> Reported
    {
        get
        {
            lock (s_lock)
            {
                return s_reported.ToArray();
            }
        }
    }

    /// <summary>Records that <paramref name="feature"/> is switched off; only the first report of a feature counts.</summary>
    /// <param name="feature">A stable, lower-case name, for example <c>decode_options</c>.</param>
    /// <param name="consequence">What the user loses, in words (for the log).</param>
    /// <param name="cause">What was found, for example the exception's message.</param>
    public static void Report(string feature, string consequence, string cause)
    {
        ILogger? logger;
        Degradation degradation;
        lock (s_lock)
        {
            foreach (var existing in s_reported)
            {
                if (existing.Feature == feature)
                {
                    return;
                }
            }

            degradation = new Degradation(feature, consequence, cause);
            s_reported.Add(degradation);
            logger = s_logger;
        }

        if (logger is not null)
        {
            Switched(logger, degradation.Feature, degradation.Consequence, degradation.Cause);
        }
    }

    /// <summary>
    /// Gives the registry a logger if it has none yet, and logs through it everything reported before. Later calls are
    /// ignored, so each degradation is logged once per process.
    /// </summary>
    public static void AttachLogger(ILogger logger)
    {
        Degradation[] pending;
        lock (s_lock)
        {
            if (s_logger is not null)
            {
                return;
            }

            s_logger = logger;
            pending = s_reported.ToArray();
        }

        foreach (var degradation in pending)
        {
            Switched(logger, degradation.Feature, degradation.Consequence, degradation.Cause);
        }
    }

    /// <summary>Forgets every report and the logger. Tests only.</summary>
    internal static void ResetForTests()
    {
        lock (s_lock)
        {
            s_reported.Clear();
            s_logger = null;
        }
    }

    /// <summary>One measurement of 1 per degradation, tagged with its feature (the observable counter's callback).</summary>
    internal static IEnumerable<Measurement<long>> Observe()
    {
        foreach (var degradation in Reported)
        {
            yield return new Measurement<long>(1, new KeyValuePair<string, object?>("feature", degradation.Feature));
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "KubeInformers switched off {Feature}: {Consequence}. Cause: {Cause}. Everything still works; report this with your KubernetesClient version if it persists")]
    private static partial void Switched(ILogger logger, string feature, string consequence, string cause);
}
