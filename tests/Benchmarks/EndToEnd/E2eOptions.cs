namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>Command-line options of the end-to-end harness.</summary>
public sealed record E2eOptions
{
    /// <summary>Object counts to sync.</summary>
    public IReadOnlyList<int> Objects { get; init; } = [1_000, 10_000, 50_000];
    /// <summary>Watch events for the throughput measurement.</summary>
    public int Events { get; init; } = 20_000;
    /// <summary>Also measure in fresh processes (cold start).</summary>
    public bool Cold { get; init; }
    /// <summary>Fresh processes per cold figure (the median is reported).</summary>
    public int Runs { get; init; } = 5;
    /// <summary>Smoke mode for CI: tiny sizes, one run, no files written unless asked.</summary>
    public bool Quick { get; init; }
    /// <summary>The Pod mixes the cold runs measure (the warm runs use the first).</summary>
    public IReadOnlyList<PodMix> Mixes { get; init; } = [PodMix.ReplicaSets, PodMix.AllUnique];
    /// <summary>The paths measured in fresh processes, interleaved per repetition.</summary>
    public IReadOnlyList<string> ColdPaths { get; init; } = ["floor", "naive", "ours", "ours-lean", "projection", "metadata-only", "client-node"];
    /// <summary>The cold paths for the all-unique mix (null: the same as <see cref="ColdPaths"/>).</summary>
    public IReadOnlyList<string>? AllUniquePaths { get; init; }
    /// <summary>Also measure in the harness's own process after a warm-up (on by default; <c>--no-warm</c>).</summary>
    public bool Warm { get; init; } = true;
    /// <summary>A Native AOT build of samples/AotWatcher to run as the cold path <c>aot</c> (null: none).</summary>
    public string? AotBinary { get; init; }
    /// <summary>
    /// Other programs run as cold paths, by path name (<c>--exe NAME=BINARY</c>): each is started as
    /// <c>BINARY --kubeconfig F --objects N --events M</c> and prints the same RESULT line as the cold child; for example
    /// tests/RevisionProbe built against two revisions of the library (tests/Benchmarks/revision-ab.sh).
    /// </summary>
    public IReadOnlyDictionary<string, string> ExternalPaths { get; init; } = new Dictionary<string, string>();
    /// <summary>
    /// A measured cold path every other path is also compared with, repetition by repetition (<c>--ratio-to PATH</c>),
    /// beside the floor and client-node: for example the first revision of a tests/Benchmarks/revision-ab.sh run.
    /// </summary>
    public string? RatioTo { get; init; }
    /// <summary>
    /// Serve the cold and warm runs over HTTPS (<c>--tls</c>) with a self-signed certificate made at start, which the
    /// kubeconfig carries as <c>certificate-authority-data</c>: every client verifies the server as a user's program does.
    /// </summary>
    public bool Tls { get; init; }
    /// <summary>A sentence for the report about the run's conditions (for example, a loaded machine).</summary>
    public string? Note { get; init; }
    /// <summary>Where to write the JSON results (null: nowhere).</summary>
    public string? JsonPath { get; init; }
    /// <summary>Where to write the markdown report and chart (null: nowhere).</summary>
    public string? DocsDirectory { get; init; }

    /// <summary>Parses <c>--objects 1000,10000 --events N --cold --runs 5 --quick --json F --docs DIR</c>.</summary>
    public static E2eOptions Parse(IReadOnlyList<string> args)
    {
        var o = new E2eOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--objects": o = o with { Objects = Next().Split(',').Select(int.Parse).ToArray() }; break;
                case "--events": o = o with { Events = int.Parse(Next()) }; break;
                case "--cold": o = o with { Cold = true }; break;
                case "--runs": o = o with { Runs = int.Parse(Next()) }; break;
                case "--quick": o = o with { Quick = true, Objects = [200], Events = 1_000, Runs = 1, Mixes = [PodMix.ReplicaSets] }; break;
                case "--json": o = o with { JsonPath = Next() }; break;
                case "--mix": o = o with { Mixes = Next().Split(',').Select(ParseMix).ToArray() }; break;
                case "--cold-paths": o = o with { ColdPaths = Next().Split(',') }; break;
                case "--all-unique-paths": o = o with { AllUniquePaths = Next().Split(',') }; break;
                case "--note": o = o with { Note = Next() }; break;
                case "--no-warm": o = o with { Warm = false }; break;
                case "--no-peer": o = o with { ColdPaths = o.ColdPaths.Where(p => p != "client-node").ToArray() }; break;
                case "--aot": o = o with { AotBinary = Path.GetFullPath(Next()), ColdPaths = o.ColdPaths.Where(p => p != "aot").Append("aot").ToArray() }; break;
                case "--exe": o = o.WithExternal(Next()); break;
                case "--docs": o = o with { DocsDirectory = Next() }; break;
                case "--ratio-to": o = o with { RatioTo = Next() }; break;
                case "--tls": o = o with { Tls = true }; break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'. Options: --objects N[,N...] --events M --cold --runs R --mix replica-sets,all-unique --cold-paths P[,P...] --all-unique-paths P[,P...] --no-peer --no-warm --aot BINARY --exe NAME=BINARY --ratio-to PATH --tls --note TEXT --quick --json FILE --docs DIR");
            }
        }
        foreach (var path in o.ColdPaths.Concat(o.AllUniquePaths ?? []))
        {
            if (!o.IsKnownPath(path))
                throw new ArgumentException($"Unknown cold path '{path}'. Known: {string.Join(", ", SyncPaths.All.Concat(PeerPaths).Concat(o.ExternalPaths.Keys))} (aot paths need --aot BINARY, others --exe NAME=BINARY)");
        }
        if (o.RatioTo is { } reference && !o.ColdPaths.Contains(reference) && o.AllUniquePaths?.Contains(reference) != true)
            throw new ArgumentException($"--ratio-to {reference}: not one of the cold paths ({string.Join(", ", o.ColdPaths)})");
        return o;
    }

    /// <summary>The cold paths that are not the harness's own children: the Node.js peer and the Native AOT sample.</summary>
    private static readonly string[] PeerPaths = ["client-node", "aot", "aot-projection"];

    private bool IsKnownPath(string path) =>
        SyncPaths.All.Contains(path) || path == "client-node" || ExternalPaths.ContainsKey(path) || (path is "aot" or "aot-projection" && AotBinary is not null);

    private E2eOptions WithExternal(string spec)
    {
        var eq = spec.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == spec.Length - 1) throw new ArgumentException($"--exe takes NAME=BINARY, got '{spec}'");
        var name = spec[..eq];
        if (SyncPaths.All.Contains(name) || PeerPaths.Contains(name))
            throw new ArgumentException($"--exe {name}: the name is one of the harness's own paths; choose another");
        var paths = new Dictionary<string, string>(ExternalPaths) { [name] = Path.GetFullPath(spec[(eq + 1)..]) };
        return this with { ExternalPaths = paths, ColdPaths = ColdPaths.Where(p => p != name).Append(name).ToArray() };
    }

    /// <summary>The cold paths measured for <paramref name="mix"/>.</summary>
    public IReadOnlyList<string> ColdPathsFor(PodMix mix) =>
        mix == PodMix.AllUnique && AllUniquePaths is { } unique ? unique.Where(ColdPaths.Contains).ToArray() : ColdPaths;

    /// <summary>The name of a mix on the command line and in the report.</summary>
    public static string MixName(PodMix mix) => mix == PodMix.AllUnique ? "all-unique" : "replica-sets";

    private static PodMix ParseMix(string name) => name switch
    {
        "replica-sets" => PodMix.ReplicaSets,
        "all-unique" => PodMix.AllUnique,
        _ => throw new ArgumentException($"Unknown mix '{name}'. Mixes: replica-sets, all-unique"),
    };
}
