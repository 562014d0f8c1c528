using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

/// <summary>
/// <see cref="EmulatorOptions.ServeListsFromWatchCache"/>: with the watch cache (default) a list at resourceVersion "0"
/// is whole; without it, like a server started with <c>--watch-cache=false</c>, "0" honours <c>limit</c>, so a
/// client's relists at an exact version are paginated and get 410 Gone from the server once that version is compacted.
/// </summary>
public sealed class WatchCacheTests
{
    private static async Task<KubernetesEmulator> StartAsync(bool watchCache, int objects)
    {
        var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { ServeListsFromWatchCache = watchCache });
        for (var i = 0; i < objects; i++)
        {
            emu.Seed(ConfigMap($"cm{i}"));
        }

        return emu;
    }

    [Theory]
    [InlineData(true, new[] { 5 })]
    [InlineData(false, new[] { 2, 2, 1 })]
    public async Task A_list_at_RV_0_is_whole_from_the_watch_cache_and_paginated_without_it(bool watchCache, int[] pages)
    {
        await using var emu = await StartAsync(watchCache, objects: 5);
        using var client = emu.CreateClient();

        var first = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, resourceVersion: "0", cancellationToken: Timeout());
        var sizes = new List<int> { first.Items.Count };
        var names = first.Items.Select(i => i.Metadata.Name).ToList();
        for (var token = first.Metadata.ContinueProperty; token is not null;)
        {
            var page = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: token, cancellationToken: Timeout());
            Assert.Equal(first.Metadata.ResourceVersion, page.Metadata.ResourceVersion); // one consistent snapshot
            sizes.Add(page.Items.Count);
            names.AddRange(page.Items.Select(i => i.Metadata.Name));
            token = page.Metadata.ContinueProperty;
        }

        Assert.Equal(pages, sizes);
        Assert.Equal(["cm0", "cm1", "cm2", "cm3", "cm4"], names);
        Assert.Equal(emu.ResourceVersion, first.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Without_a_watch_cache_a_paginated_relist_at_a_compacted_RV_is_410_Gone_and_a_consistent_list_works()
    {
        await using var emu = await StartAsync(watchCache: false, objects: 3);
        using var client = emu.CreateClient();
        var first = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, resourceVersion: "0", cancellationToken: Timeout());
        Assert.NotNull(first.Metadata.ContinueProperty); // paginated: a reflector now paginates its relists
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("later"), "default", cancellationToken: Timeout());
        emu.Faults.CompactHistory();

        // What a client-go reflector sends after its watch expired: its last version, paginated, no resourceVersionMatch.
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, resourceVersion: first.Metadata.ResourceVersion, cancellationToken: Timeout()));
        var consistent = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 10, cancellationToken: Timeout());

        Assert.Equal(HttpStatusCode.Gone, ex.Response.StatusCode);
        var status = JsonNode.Parse(ex.Response.Content)!.AsObject();
        AssertStatus(status, 410, "Expired");
        Assert.Equal("The resourceVersion for the provided list is too old.", status["message"]!.GetValue<string>());
        Assert.Equal(["cm0", "cm1", "cm2", "later"], consistent.Items.Select(i => i.Metadata.Name));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_unpaginated_list_at_a_compacted_RV_returns_the_newest_state_either_way(bool watchCache)
    {
        await using var emu = await StartAsync(watchCache, objects: 2);
        using var client = emu.CreateClient();
        var then = emu.ResourceVersion;
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("later"), "default", cancellationToken: Timeout());
        emu.Faults.CompactHistory();

        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: then, cancellationToken: Timeout());

        Assert.Equal(emu.ResourceVersion, list.Metadata.ResourceVersion);
        Assert.Equal(["cm0", "cm1", "later"], list.Items.Select(i => i.Metadata.Name));
    }

    [Fact]
    public async Task With_the_watch_cache_the_same_relist_never_pages_so_compaction_cannot_expire_it()
    {
        await using var emu = await StartAsync(watchCache: true, objects: 3);
        using var client = emu.CreateClient();
        var first = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, resourceVersion: "0", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("later"), "default", cancellationToken: Timeout());
        emu.Faults.CompactHistory();

        // The first list was whole, so a client-go reflector relists at its last version without limit: served, newest.
        Assert.Null(first.Metadata.ContinueProperty);
        var relist = await client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: first.Metadata.ResourceVersion, cancellationToken: Timeout());
        Assert.Equal(4, relist.Items.Count);
    }
}
