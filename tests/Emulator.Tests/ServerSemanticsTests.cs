using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

public sealed class ServerSemanticsTests
{
    [Fact]
    public async Task A_watch_from_before_a_custom_resource_was_served_gets_410_like_a_new_watch_cache()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(CronTabCrd(), cancellationToken: Timeout());
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(new JsonObject { ["apiVersion"] = "stable.example.com/v1", ["kind"] = "CronTab", ["metadata"] = new JsonObject { ["name"] = "a" } }, "stable.example.com", "v1", "default", "crontabs", cancellationToken: Timeout());

        await using var raw = await RawWatch.OpenAsync(http, "apis/stable.example.com/v1/namespaces/default/crontabs?watch=true&resourceVersion=1");
        var error = await raw.NextAsync();
        var ended = await raw.EndAsync();

        Assert.Equal(200, (int)raw.Response.StatusCode);
        Assert.Equal("ERROR", Type(error!));
        Assert.Equal(410, error!["object"]!["code"]!.GetValue<int>());
        Assert.StartsWith("too old resource version: 1 (", error["object"]!["message"]!.GetValue<string>());
        Assert.Null(ended);
    }

    [Fact]
    public async Task A_restart_loses_the_watch_window_so_a_watch_from_before_it_gets_410()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var before = emu.ResourceVersion;
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("written"), "default", cancellationToken: Timeout());

        await emu.Faults.RestartAsync();
        await using var stale = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={before}");
        var error = await stale.NextAsync();
        await using var current = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={emu.ResourceVersion}");
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("after"), "default", cancellationToken: Timeout());
        var added = await current.NextAsync();

        Assert.Equal("ERROR", Type(error!));
        Assert.Equal(410, error!["object"]!["code"]!.GetValue<int>());
        Assert.Equal("ADDED", Type(added!));
        Assert.Equal("after", Name(added!));
    }

    private static async Task<List<string>> WatchTypesUntilTimeoutAsync(bool watchCache)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { ServeListsFromWatchCache = watchCache, TimeProvider = time, BookmarkInterval = TimeSpan.FromSeconds(1) });
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;
        await using var raw = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=5&resourceVersion={start}");
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        var types = new List<string> { Type((await raw.NextAsync())!) };
        var reading = Task.Run(async () =>
        {
            while (await raw.NextAsync() is { } ev)
            {
                types.Add(Type(ev));
            }
        });

        // Fake time moves in small steps until the stream has ended (timeoutSeconds=5 of fake time).
        await Wait.DriveUntilAsync(time, () => reading.IsCompleted, "the watch to end after timeoutSeconds=5 of fake time",
            step: TimeSpan.FromMilliseconds(250));
        await reading;
        return types;
    }

    [Fact]
    public async Task Without_the_watch_cache_no_bookmarks_are_sent()
    {
        var withCache = await WatchTypesUntilTimeoutAsync(watchCache: true);
        var withoutCache = await WatchTypesUntilTimeoutAsync(watchCache: false);

        Assert.Contains("BOOKMARK", withCache);
        Assert.Equal(["ADDED"], withoutCache);
    }

    [Fact]
    public async Task Secret_stringData_is_merged_into_data_and_never_stored()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();

        var created = await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "s" },
            Data = new Dictionary<string, byte[]> { ["kept"] = "old"u8.ToArray(), ["over"] = "old"u8.ToArray() },
            StringData = new Dictionary<string, string> { ["over"] = "new", ["plain"] = "text" },
        }, "default", cancellationToken: Timeout());
        var read = await client.CoreV1.ReadNamespacedSecretAsync("s", "default", cancellationToken: Timeout());
        var updated = await client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"stringData":{"later":"x"}}""", V1Patch.PatchType.MergePatch), "s", "default", cancellationToken: Timeout());

        Assert.Null(created.StringData);
        Assert.Null(read.StringData);
        Assert.Equal("old", Encoding.UTF8.GetString(read.Data["kept"]));
        Assert.Equal("new", Encoding.UTF8.GetString(read.Data["over"]));
        Assert.Equal("text", Encoding.UTF8.GetString(read.Data["plain"]));
        Assert.Equal("Opaque", read.Type);
        Assert.Equal("x", Encoding.UTF8.GetString(updated.Data["later"]));
        Assert.Null(updated.StringData);
    }

    [Fact]
    public async Task A_namespace_stays_Terminating_while_a_finalizer_holds_its_content_and_refuses_new_content()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "t" } }, cancellationToken: Timeout());
        var held = ConfigMap("held");
        held.Metadata.Finalizers = ["example.com/hold"];
        await client.CoreV1.CreateNamespacedConfigMapAsync(held, "t", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("free"), "t", cancellationToken: Timeout());

        await client.CoreV1.DeleteNamespaceAsync("t", cancellationToken: Timeout());
        var terminating = await client.CoreV1.ReadNamespaceAsync("t", cancellationToken: Timeout());
        var refused = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("new"), "t", cancellationToken: Timeout()));
        var left = (await client.CoreV1.ListNamespacedConfigMapAsync("t", cancellationToken: Timeout())).Items;
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "held", "t", cancellationToken: Timeout());
        var gone = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.CoreV1.ReadNamespaceAsync("t", cancellationToken: Timeout()));

        Assert.Equal("Terminating", terminating.Status.Phase);
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Equal(["held"], left.Select(c => c.Metadata.Name));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.Response.StatusCode);
    }

    [Fact]
    public async Task A_dependent_with_another_live_owner_survives_its_owners_deletion_and_loses_only_that_reference()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var a = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner-a"), "default", cancellationToken: Timeout());
        var b = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner-b"), "default", cancellationToken: Timeout());
        V1OwnerReference Ref(V1ConfigMap o) => new() { ApiVersion = "v1", Kind = "ConfigMap", Name = o.Metadata.Name, Uid = o.Metadata.Uid };
        var shared = ConfigMap("shared");
        shared.Metadata.OwnerReferences = [Ref(a), Ref(b)];
        var only = ConfigMap("only-a");
        only.Metadata.OwnerReferences = [Ref(a)];
        await client.CoreV1.CreateNamespacedConfigMapAsync(shared, "default", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(only, "default", cancellationToken: Timeout());

        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner-a", "default", propagationPolicy: "Background", cancellationToken: Timeout());
        var names = (await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout())).Items.Select(c => c.Metadata.Name).Order().ToList();
        var survivor = await client.CoreV1.ReadNamespacedConfigMapAsync("shared", "default", cancellationToken: Timeout());

        Assert.Equal(["owner-b", "shared"], names);
        Assert.Equal([b.Metadata.Uid], survivor.Metadata.OwnerReferences.Select(r => r.Uid));
    }

    [Fact]
    public async Task Foreground_deletion_keeps_the_owner_until_a_finalizer_held_dependent_is_gone()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), "default", cancellationToken: Timeout());
        var dependent = ConfigMap("dependent");
        dependent.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "owner", Uid = owner.Metadata.Uid, BlockOwnerDeletion = true }];
        dependent.Metadata.Finalizers = ["example.com/hold"];
        await client.CoreV1.CreateNamespacedConfigMapAsync(dependent, "default", cancellationToken: Timeout());

        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", propagationPolicy: "Foreground", cancellationToken: Timeout());
        var waiting = await client.CoreV1.ReadNamespacedConfigMapAsync("owner", "default", cancellationToken: Timeout());
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "dependent", "default", cancellationToken: Timeout());
        var left = (await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout())).Items;

        Assert.NotNull(waiting.Metadata.DeletionTimestamp);
        Assert.Contains("foregroundDeletion", waiting.Metadata.Finalizers);
        Assert.Empty(left);
    }
}
