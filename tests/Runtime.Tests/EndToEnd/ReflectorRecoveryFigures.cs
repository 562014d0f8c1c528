using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Tests.TestSupport;
using Xunit.Abstractions;

namespace KubeInformers.Tests.EndToEnd;

/// <summary>
/// Recovery figures of a reflector with default options (800 ms initial backoff) against the emulator, on the real
/// clock: how long from a fault until a change made behind the reflector's back is in its store, for a fault that hits a
/// freshly started reflector and for faults back to back (less than 2 min apart). The test checks that
/// the reflector converges after each fault; it logs the times and never asserts them (timing is measured, not tested).
/// Run: <c>dotnet test tests/Runtime.Tests -c Release --filter "FullyQualifiedName~ReflectorRecoveryFigures" --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class ReflectorRecoveryFigures(ITestOutputHelper output)
{
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);

    /// <summary>A store that keeps the last resourceVersion per key (what the reflector believes is on the server).</summary>
    private sealed class VersionStore : IReflectorStore<V1ConfigMap>
    {
        public ConcurrentDictionary<string, string> Versions { get; } = new();
        public int Replaces;

        public void Add(V1ConfigMap obj) => Versions[Key(obj)] = obj.Metadata.ResourceVersion;
        public void Update(V1ConfigMap obj) => Versions[Key(obj)] = obj.Metadata.ResourceVersion;
        public void Delete(V1ConfigMap obj) => Versions.TryRemove(Key(obj), out _);

        public void Replace(IReadOnlyList<V1ConfigMap> items, string resourceVersion)
        {
            Versions.Clear();
            foreach (var item in items)
            {
                Versions[Key(item)] = item.Metadata.ResourceVersion;
            }

            Interlocked.Increment(ref Replaces);
        }

        public void Resync()
        {
        }

        private static string Key(V1ConfigMap cm) => cm.Metadata.NamespaceProperty + "/" + cm.Metadata.Name;
    }

    private static V1ConfigMap ConfigMap(string name, string value) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Data = new Dictionary<string, string> { ["value"] = value },
    };

    [Fact]
    public async Task Recovery_times_after_a_restart_a_410_and_three_429s_are_logged()
    {
        await using var emulator = await KubernetesEmulator.StartAsync();
        for (var i = 0; i < 50; i++)
        {
            emulator.Seed(ConfigMap("cm-" + i, "v0"));
        }

        using var client = emulator.CreateClient();
        var store = new VersionStore();
        var stop = new CancellationTokenSource();
        var run = Task.CompletedTask;
        var watchOpenSince = Stopwatch.StartNew();

        async Task StartReflectorAsync()
        {
            // A fresh reflector (fresh backoff) on the same emulator.
            await stop.CancelAsync();
            await run;
            stop.Dispose();
            stop = new CancellationTokenSource();
            store = new VersionStore();
            var reflector = new Reflector<V1ConfigMap>(new HttpListWatch<V1ConfigMap>(client, ConfigMaps), store);
            run = reflector.RunAsync(stop.Token);
            await Wait.UntilAsync(() => store.Versions.Count == 50 && emulator.Faults.OpenWatchCount == 1, "the initial sync and watch");
            watchOpenSince.Restart();
        }

        var figures = new List<string>();
        var round = 0;

        async Task MeasureAsync(string scenario, Func<Task> fault)
        {
            // The fault happens while the reflector watches; a change is made during the outage (watches stalled, so
            // the old watch cannot deliver it); it counts as recovered when that change is in the store.
            // A watch that ends within 1 s of opening without an event is a "very short watch" and backs off on purpose;
            // let the reopened watch age past that so each scenario measures its own fault only.
            await Wait.UntilAsync(() => watchOpenSince.Elapsed > TimeSpan.FromSeconds(1.5), "the watch to be open for 1.5 s");
            round++;
            var name = "cm-" + (round % 50);
            emulator.Faults.StallWatches();
            var changed = await client.CoreV1.ReadNamespacedConfigMapAsync(name, "default");
            changed.Data["value"] = "round-" + round;
            var written = await client.CoreV1.ReplaceNamespacedConfigMapAsync(changed, name, "default");
            var clock = Stopwatch.StartNew();
            await fault();
            emulator.Faults.ResumeWatches();
            await Wait.UntilAsync(() => store.Versions.TryGetValue("default/" + name, out var rv) && rv == written.Metadata.ResourceVersion,
                $"{scenario}: the change made during the outage reaches the store", TimeSpan.FromSeconds(120));
            figures.Add($"{scenario}: {clock.Elapsed.TotalSeconds:0.000} s (relists so far {store.Replaces - 1})");
            await Wait.UntilAsync(() => emulator.Faults.OpenWatchCount == 1, $"{scenario}: one watch open again", TimeSpan.FromSeconds(120));
            watchOpenSince.Restart();
        }

        var scenarios = new (string Name, Func<Task> Fault)[]
        {
            ("(a) server restart", () => emulator.Faults.RestartAsync()),
            ("(a') server restart that loses the watch history (410 on the re-watch)", async () =>
            {
                emulator.Faults.CompactHistory();
                await emulator.Faults.RestartAsync();
            }),
            ("(b) compaction + watch reset (410)", () =>
            {
                emulator.Faults.CompactHistory();
                emulator.Faults.ResetWatches();
                return Task.CompletedTask;
            }),
            ("(c) watch closed, then three 429s with Retry-After: 1", () =>
            {
                emulator.Faults.FailNextRequests(3, 429, 1);
                emulator.Faults.CloseWatches();
                return Task.CompletedTask;
            }),
        };

        // Isolated: each fault hits a freshly started reflector, three times.
        foreach (var (name, fault) in scenarios)
        {
            for (var repeat = 0; repeat < 3; repeat++)
            {
                await StartReflectorAsync();
                await MeasureAsync("isolated " + name, fault);
            }
        }

        // Back to back: one reflector, the four faults three times in a row (each less than 2 min after the last).
        await StartReflectorAsync();
        for (var repeat = 0; repeat < 3; repeat++)
        {
            foreach (var (name, fault) in scenarios)
            {
                await MeasureAsync("back-to-back " + name, fault);
            }
        }

        await stop.CancelAsync();
        await run;
        stop.Dispose();
        foreach (var line in figures)
        {
            output.WriteLine(line);
            Console.WriteLine("RECOVERY " + line);
        }

        Assert.Equal(24, figures.Count);
    }
}
