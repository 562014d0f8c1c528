using System.Globalization;

namespace KubeInformers.Benchmarks.Soak;

/// <summary>
/// Command-line options of <c>soak</c>. Parsing is strict: an unknown option or a bad value is an error that names it.
/// </summary>
public sealed record SoakOptions
{
    /// <summary>How long the churn and faults run (<c>--minutes</c>, or <c>--seconds</c> for smoke runs). Default 5 minutes.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Objects seeded before the informers start (<c>--objects</c>). Default 10,000.</summary>
    public int Objects { get; init; } = 10_000;

    /// <summary>Writes per second (updates, label flips, creates, deletes) (<c>--churn</c>). Default 100.</summary>
    public int ChurnPerSecond { get; init; } = 100;

    /// <summary>Seconds between injected faults (<c>--fault-seconds</c>). Default 15.</summary>
    public double FaultSeconds { get; init; } = 15;

    /// <summary>Seconds between samples (<c>--sample-seconds</c>). Default 10.</summary>
    public double SampleSeconds { get; init; } = 10;

    /// <summary>Seed of the random choices (<c>--seed</c>). Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>File the samples are written to as CSV, one line per sample (<c>--csv</c>). Default none.</summary>
    public string? CsvPath { get; init; }

    /// <summary>PNG the samples are plotted to at the end (<c>--plot</c>). Default none.</summary>
    public string? PlotPath { get; init; }

    /// <summary>The usage text.</summary>
    public const string Usage =
        "soak [--minutes M | --seconds S] [--objects N] [--churn WRITES_PER_S] [--fault-seconds F] [--sample-seconds P] [--seed K] [--csv FILE] [--plot FILE.png]";

    /// <summary>Parses the arguments after <c>soak</c>.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing value, or a value out of range.</exception>
    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var o = new SoakOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "soak")
            {
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Option {name} needs a value. Usage: {Usage}");
            }

            var value = args[++i];
            o = name switch
            {
                "--minutes" => o with { Duration = TimeSpan.FromMinutes(Positive(name, value)) },
                "--seconds" => o with { Duration = TimeSpan.FromSeconds(Positive(name, value)) },
                "--objects" => o with { Objects = (int)Positive(name, value) },
                "--churn" => o with { ChurnPerSecond = (int)Positive(name, value) },
                "--fault-seconds" => o with { FaultSeconds = Positive(name, value) },
                "--sample-seconds" => o with { SampleSeconds = Positive(name, value) },
                "--seed" => o with { Seed = (int)Positive(name, value) },
                "--csv" => o with { CsvPath = value },
                "--plot" => o with { PlotPath = value },
                _ => throw new ArgumentException($"Unknown option {name}. Usage: {Usage}"),
            };
        }

        return o;
    }

    private static double Positive(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && double.IsFinite(d)
            ? d
            : throw new ArgumentException($"Option {name} needs a positive number, not '{value}'. Usage: {Usage}");
}
