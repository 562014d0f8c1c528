using k8s;
using Microsoft.Extensions.Time.Testing;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

/// <summary>
/// With the default options the history window behaves like the real watch cache: at least 100 events per resource,
/// more while they are younger than 75 s, so a watch from a resourceVersion older than that gets ERROR 410 Expired
/// without any explicit compaction.
/// </summary>
public sealed class HistoryWindowDefaultsTests
{
    [Fact]
    public async Task By_default_a_watch_from_before_the_last_100_events_older_than_75_seconds_gets_410_without_compaction()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { TimeProvider = time });
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("first"), "default", cancellationToken: Timeout());
        var afterFirst = emu.ResourceVersion;
        for (var i = 0; i < 120; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"cm-{i}"), "default", cancellationToken: Timeout());
        }

        // Young events are all kept, beyond the minimum of 100.
        await using (var young = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}"))
        {
            Assert.Equal("ADDED", Type((await young.NextAsync())!));
        }

        time.Advance(TimeSpan.FromSeconds(76));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("late"), "default", cancellationToken: Timeout());
        await using var old = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={afterFirst}");
        var error = await old.NextAsync();
        var recentRv = long.Parse(emu.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) - 50;
        await using var recent = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={recentRv}");
        var replayed = await recent.NextAsync();

        Assert.Equal("ERROR", Type(error!));
        Assert.Equal(410, error!["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", error["object"]!["reason"]!.GetValue<string>());
        Assert.Equal("ADDED", Type(replayed!));
    }
}
