using System.Text.Json.Nodes;
using KubeInformers.Emulator.Internal;

namespace KubeInformers.Emulator.Tests;

/// <summary>The bounded history behind watch resume and consistent lists, exercised on the state directly.</summary>
public sealed class HistoryTests
{
    private static JsonObject ConfigMap(string name, string value) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["data"] = new JsonObject { ["v"] = value },
    };

    [Fact]
    public void History_stays_within_its_bound_and_only_recent_resourceVersions_stay_resumable()
    {
        var state = new ApiState(new EmulatorOptions { HistoryMaxEvents = 50, HistoryMinEvents = 0, CreateDefaultNamespaces = false });
        var store = state.Find("", "v1", "configmaps")!;
        state.Create(store, "default", ConfigMap("a", "0"));
        var early = state.CurrentResourceVersion;

        for (var i = 1; i <= 1000; i++)
        {
            state.Update(store, "default", "a", ConfigMap("a", i.ToString()), statusOnly: false);
        }

        lock (state.Gate)
        {
            Assert.Equal(50, store.HistoryCount);
            Assert.Null(store.SequenceAfter(early));
            Assert.NotNull(store.SequenceAfter(state.CurrentResourceVersion - 10));
            Assert.Equal(state.CurrentResourceVersion - 50, store.CompactedRv);
            var then = store.StateAt(state.CurrentResourceVersion - 10)!;
            Assert.Contains("\"v\":\"990\"", System.Text.Encoding.UTF8.GetString(then.Single().Json));
        }
    }

    [Fact]
    public void Every_watcher_reads_the_same_pre_serialized_event_line()
    {
        var state = new ApiState(new EmulatorOptions { CreateDefaultNamespaces = false });
        var store = state.Find("", "v1", "configmaps")!;
        long start;
        lock (state.Gate)
        {
            start = store.NextSequence;
        }

        state.Create(store, "default", ConfigMap("a", "1"));
        var first = new List<WatchEvent>();
        var second = new List<WatchEvent>();
        lock (state.Gate)
        {
            Assert.True(store.TryRead(start, 10, first));
            Assert.True(store.TryRead(start, 10, second));
        }

        Assert.Same(first.Single().Line, second.Single().Line);
        Assert.StartsWith("{\"type\":\"ADDED\",\"object\":{\"kind\":\"ConfigMap\"", System.Text.Encoding.UTF8.GetString(first.Single().Line));
        Assert.EndsWith("}\n", System.Text.Encoding.UTF8.GetString(first.Single().Line));
    }
}
