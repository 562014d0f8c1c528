using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

public sealed class ListTests
{
    private static async Task SeedConfigMapsAsync(Kubernetes client, int count, string ns = "default")
    {
        for (var i = 0; i < count; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"cm{i}", new Dictionary<string, string> { ["i"] = i.ToString(), ["parity"] = i % 2 == 0 ? "even" : "odd" }), ns, cancellationToken: Timeout());
        }
    }

    [Fact]
    public async Task Limit_and_continue_page_2_2_1_at_one_resourceVersion_with_remainingItemCount()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await SeedConfigMapsAsync(client, 5);

        var p1 = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cm9-late"), "default", cancellationToken: Timeout());
        var p2 = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: p1.Metadata.ContinueProperty, cancellationToken: Timeout());
        var p3 = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: p2.Metadata.ContinueProperty, cancellationToken: Timeout());

        Assert.Equal([2, 2, 1], new[] { p1.Items.Count, p2.Items.Count, p3.Items.Count });
        Assert.Equal(3, p1.Metadata.RemainingItemCount);
        Assert.Equal(1, p2.Metadata.RemainingItemCount);
        Assert.Null(p3.Metadata.RemainingItemCount);
        Assert.Null(p3.Metadata.ContinueProperty);
        Assert.Equal(p1.Metadata.ResourceVersion, p2.Metadata.ResourceVersion);
        Assert.Equal(p1.Metadata.ResourceVersion, p3.Metadata.ResourceVersion);
        var names = p1.Items.Concat(p2.Items).Concat(p3.Items).Select(c => c.Metadata.Name).ToList();
        Assert.Equal(["cm0", "cm1", "cm2", "cm3", "cm4"], names); // the late object is not in the consistent snapshot
    }

    [Fact]
    public async Task ResourceVersion_0_ignores_limit_and_returns_the_whole_list()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await SeedConfigMapsAsync(client, 5);

        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, resourceVersion: "0", cancellationToken: Timeout());

        Assert.Equal(5, list.Items.Count);
        Assert.Null(list.Metadata.ContinueProperty);
        Assert.Equal(emu.ResourceVersion, list.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task List_at_an_exact_older_resourceVersion_shows_the_state_then()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await SeedConfigMapsAsync(client, 2);
        var then = await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout());
        await client.CoreV1.DeleteNamespacedConfigMapAsync("cm0", "default", cancellationToken: Timeout());
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"v":"new"}}""", V1Patch.PatchType.MergePatch), "cm1", "default", cancellationToken: Timeout());

        var exact = await client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: then.Metadata.ResourceVersion, resourceVersionMatch: "Exact", cancellationToken: Timeout());
        var notOlder = await client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: then.Metadata.ResourceVersion, resourceVersionMatch: "NotOlderThan", cancellationToken: Timeout());

        Assert.Equal(then.Metadata.ResourceVersion, exact.Metadata.ResourceVersion);
        Assert.Equal(["cm0", "cm1"], exact.Items.Select(i => i.Metadata.Name));
        Assert.Null(exact.Items[1].Data);
        Assert.Equal(["cm1"], notOlder.Items.Select(i => i.Metadata.Name));
        Assert.Equal("new", notOlder.Items[0].Data["v"]);
    }

    [Fact]
    public async Task Exact_list_at_a_compacted_resourceVersion_is_410_Expired()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await SeedConfigMapsAsync(client, 2);
        var then = await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("later"), "default", cancellationToken: Timeout());
        emu.Faults.CompactHistory();

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: then.Metadata.ResourceVersion, resourceVersionMatch: "Exact", cancellationToken: Timeout()));

        Assert.Equal(HttpStatusCode.Gone, ex.Response.StatusCode);
        var status = JsonNode.Parse(ex.Response.Content)!.AsObject();
        AssertStatus(status, 410, "Expired");
        Assert.Equal("The resourceVersion for the provided list is too old.", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Continue_token_expires_after_compaction_with_410_and_a_fresh_token_that_works()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await SeedConfigMapsAsync(client, 5);
        var p1 = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cm9"), "default", cancellationToken: Timeout());
        emu.Faults.CompactHistory();

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: p1.Metadata.ContinueProperty, cancellationToken: Timeout()));

        Assert.Equal(HttpStatusCode.Gone, ex.Response.StatusCode);
        var status = JsonNode.Parse(ex.Response.Content)!.AsObject();
        AssertStatus(status, 410, "Expired");
        Assert.StartsWith("The provided continue parameter is too old", status["message"]!.GetValue<string>());
        var fresh = status["metadata"]!["continue"]!.GetValue<string>();
        var rest = await client.CoreV1.ListNamespacedConfigMapAsync("default", continueParameter: fresh, cancellationToken: Timeout());
        Assert.Equal(["cm2", "cm3", "cm4", "cm9"], rest.Items.Select(i => i.Metadata.Name));
    }

    [Fact]
    public async Task Too_large_resourceVersion_waits_then_fails_504_Timeout_with_retryAfter()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { TooLargeResourceVersionWait = TimeSpan.FromMilliseconds(200) });
        using var client = emu.CreateClient();
        var future = (long.Parse(emu.ResourceVersion) + 100).ToString();

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: future, resourceVersionMatch: "NotOlderThan", cancellationToken: Timeout()));

        Assert.Equal(HttpStatusCode.GatewayTimeout, ex.Response.StatusCode);
        var status = JsonNode.Parse(ex.Response.Content)!.AsObject();
        AssertStatus(status, 504, "Timeout");
        Assert.StartsWith("Too large resource version", status["message"]!.GetValue<string>());
        Assert.Equal("ResourceVersionTooLarge", status["details"]!["causes"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal(1, status["details"]!["retryAfterSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_resourceVersion_reached_while_waiting_is_served()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { TooLargeResourceVersionWait = TimeSpan.FromSeconds(15) });
        using var client = emu.CreateClient();
        var next = (long.Parse(emu.ResourceVersion) + 1).ToString();

        var listing = client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: next, resourceVersionMatch: "NotOlderThan", cancellationToken: Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        var list = await listing;

        Assert.Equal(["a"], list.Items.Select(i => i.Metadata.Name));
    }

    [Fact]
    public async Task Label_selectors_filter_with_full_syntax_and_a_bad_one_is_400()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await SeedConfigMapsAsync(client, 6);

        var even = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "parity=even", cancellationToken: Timeout());
        var set = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "i in (1,2,5),parity!=even", cancellationToken: Timeout());
        var none = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "!parity", cancellationToken: Timeout());
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "a in (", cancellationToken: Timeout()));

        Assert.Equal(["cm0", "cm2", "cm4"], even.Items.Select(i => i.Metadata.Name));
        Assert.Equal(["cm1", "cm5"], set.Items.Select(i => i.Metadata.Name));
        Assert.Empty(none.Items);
        Assert.Equal(HttpStatusCode.BadRequest, ex.Response.StatusCode);
        AssertStatus(JsonNode.Parse(ex.Response.Content)!.AsObject(), 400, "BadRequest");
    }

    [Fact]
    public async Task Paging_with_a_selector_returns_only_matches_and_no_remainingItemCount()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await SeedConfigMapsAsync(client, 6);

        var p1 = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "parity=odd", limit: 2, cancellationToken: Timeout());
        var p2 = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "parity=odd", limit: 2, continueParameter: p1.Metadata.ContinueProperty, cancellationToken: Timeout());

        Assert.Equal(["cm1", "cm3"], p1.Items.Select(i => i.Metadata.Name));
        Assert.Null(p1.Metadata.RemainingItemCount);
        Assert.Equal(["cm5"], p2.Items.Select(i => i.Metadata.Name));
        Assert.Null(p2.Metadata.ContinueProperty);
    }

    [Fact]
    public async Task Field_selectors_support_metadata_and_per_type_fields_and_reject_unknown_ones()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } }, cancellationToken: Timeout());
        emu.Seed(Pod("p1", "default", "node-a", "Running"));
        emu.Seed(Pod("p2", "default", "node-b", "Pending"));
        emu.Seed(Pod("p3", "other", "node-a", "Running"));

        var onA = await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=node-a", cancellationToken: Timeout());
        var runningNotDefault = await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "status.phase=Running,metadata.namespace!=default", cancellationToken: Timeout());
        var byName = await client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "metadata.name=p2", cancellationToken: Timeout());
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "spec.bogus=x", cancellationToken: Timeout()));

        Assert.Equal(["p1", "p3"], onA.Items.Select(p => p.Metadata.Name).Order());
        Assert.Equal(["p3"], runningNotDefault.Items.Select(p => p.Metadata.Name));
        Assert.Equal(["p2"], byName.Items.Select(p => p.Metadata.Name));
        Assert.Equal(HttpStatusCode.BadRequest, ex.Response.StatusCode);
        Assert.Contains("field label not supported: spec.bogus", ex.Response.Content);
    }

    [Fact]
    public async Task Namespaced_list_only_returns_that_namespace_and_all_namespaces_returns_all()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await SeedConfigMapsAsync(client, 2, "default");
        await SeedConfigMapsAsync(client, 3, "kube-system");

        var def = await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout());
        var all = await client.CoreV1.ListConfigMapForAllNamespacesAsync(limit: 4, cancellationToken: Timeout());

        Assert.Equal(2, def.Items.Count);
        Assert.Equal(4, all.Items.Count);
        Assert.Equal(1, all.Metadata.RemainingItemCount);
    }

    [Fact]
    public async Task Fifty_thousand_objects_list_in_pages_and_in_one_response()
    {
        // Correctness at size only; how fast is measured in tests/Benchmarks. The deadlines only bound a hang.
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        emu.SeedMany(Enumerable.Range(0, 50_000).Select(i => ConfigMap($"cm-{i:D5}", new Dictionary<string, string> { ["app"] = "x" }, i.ToString())));

        var whole = await client.CoreV1.ListNamespacedConfigMapAsync("default", resourceVersion: "0", cancellationToken: Timeout(TimeSpan.FromSeconds(300)));
        var paged = new List<string>();
        string? token = null;
        do
        {
            var page = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 5000, continueParameter: token, cancellationToken: Timeout(TimeSpan.FromSeconds(300)));
            paged.AddRange(page.Items.Select(i => i.Metadata.Name));
            token = page.Metadata.ContinueProperty;
        }
        while (token is not null);

        var expected = Enumerable.Range(0, 50_000).Select(i => $"cm-{i:D5}").ToList();
        Assert.Equal(expected, whole.Items.Select(i => i.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.Equal(expected, paged); // every object once, in key order, across pages
    }

    [Fact]
    public async Task A_garbled_continue_token_is_400_and_resourceVersion_with_continue_is_400()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await SeedConfigMapsAsync(client, 3);
        var p1 = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 1, cancellationToken: Timeout());

        var garbled = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync("default", continueParameter: "not-a-token", cancellationToken: Timeout()));
        var both = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync("default", continueParameter: p1.Metadata.ContinueProperty, resourceVersion: p1.Metadata.ResourceVersion, cancellationToken: Timeout()));

        Assert.Equal(HttpStatusCode.BadRequest, garbled.Response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, both.Response.StatusCode);
    }

    [Fact]
    public async Task Built_in_list_items_have_no_kind_or_apiVersion_like_the_real_server()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await SeedConfigMapsAsync(client, 2);

        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout());
        var single = await client.CoreV1.ReadNamespacedConfigMapAsync("cm0", "default", cancellationToken: Timeout());

        Assert.Equal("ConfigMapList", list.Kind);
        Assert.Equal("v1", list.ApiVersion);
        Assert.All(list.Items, i => Assert.Null(i.Kind));
        Assert.All(list.Items, i => Assert.Null(i.ApiVersion));
        Assert.Equal("even", list.Items[0].Metadata.Labels["parity"]);
        Assert.Equal(["cm0", "cm1"], list.Items.Select(i => i.Metadata.Name));
        Assert.Equal("ConfigMap", single.Kind);
    }

    internal static V1Pod Pod(string name, string ns, string node, string phase) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c", Image = "nginx" }] },
        Status = new V1PodStatus { Phase = phase },
    };
}
