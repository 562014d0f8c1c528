using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

public sealed class FaultTests
{
    /// <summary>Creates configmap "a", opens a typed watch on "default", reads its ADDED event and waits until the emulator counts the watch as open.</summary>
    private static async Task<WatchTests.TypedWatch<V1ConfigMap>> OpenWatchPastOneConfigMapAsync(KubernetesEmulator emu, Kubernetes client)
    {
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        var watch = WatchTests.WatchConfigMaps(client);
        try
        {
            await watch.NextAsync();
            await Wait.UntilAsync(() => emu.Faults.OpenWatchCount == 1, "the watch is open");
            return watch;
        }
        catch
        {
            await watch.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task CloseWatches_ends_open_watches_cleanly()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await using var watch = await OpenWatchPastOneConfigMapAsync(emu, client);

        emu.Faults.CloseWatches();

        await watch.Completion.WaitAsync(Timeout()); // ends normally, no exception
        await Wait.UntilAsync(() => emu.Faults.OpenWatchCount == 0, "no open watch");
    }

    [Fact]
    public async Task ResetWatches_aborts_the_connection_so_the_client_sees_a_premature_end()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await using var watch = await OpenWatchPastOneConfigMapAsync(emu, client);

        emu.Faults.ResetWatches();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => watch.Completion.WaitAsync(Timeout()));
        Assert.IsNotType<TimeoutException>(ex);
        Assert.IsNotType<OperationCanceledException>(ex);
    }

    [Theory]
    [InlineData(429, "TooManyRequests")]
    [InlineData(500, "InternalError")]
    [InlineData(503, "ServiceUnavailable")]
    public async Task FailNextRequests_fails_exactly_N_requests_with_the_status_and_Retry_After(int code, string reason)
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();

        emu.Faults.FailNextRequests(2, code, retryAfterSeconds: 3);
        var first = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout()));
        var second = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespaceAsync("default", cancellationToken: Timeout()));
        var third = await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout());

        foreach (var ex in new[] { first, second })
        {
            Assert.Equal(code, (int)ex.Response.StatusCode);
            AssertStatus(JsonNode.Parse(ex.Response.Content)!.AsObject(), code, reason);
            Assert.Equal("3", ex.Response.Headers["Retry-After"].Single());
        }

        Assert.NotNull(third.Items);
        Assert.Equal(0, emu.Faults.PendingFailures);
    }

    [Fact]
    public async Task Latency_delays_every_request_until_cleared()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();

        emu.Faults.Latency = TimeSpan.FromMilliseconds(300);
        var sw = Stopwatch.StartNew();
        await client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Timeout());
        var delayed = sw.Elapsed;
        emu.Faults.Clear();

        Assert.True(delayed >= TimeSpan.FromMilliseconds(290), $"took {delayed}");
        Assert.Equal(TimeSpan.Zero, emu.Faults.Latency);
    }

    [Fact]
    public async Task CompactHistory_expires_older_resourceVersions_but_not_an_up_to_date_watch()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        await using var live = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}");
        Assert.Equal("a", Name((await live.NextAsync())!));

        emu.Faults.CompactHistory();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default", cancellationToken: Timeout());
        await using var stale = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}");

        Assert.Equal("b", Name((await live.NextAsync())!));
        Assert.Equal("ERROR", Type((await stale.NextAsync())!));
    }

    [Fact]
    public async Task StallWatches_holds_events_back_without_closing_until_resumed()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var start = emu.ResourceVersion;
        await using var raw = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={start}");
        await Wait.UntilAsync(() => emu.Faults.OpenWatchCount == 1, "the watch is open");

        emu.Faults.StallWatches();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("held"), "default", cancellationToken: Timeout());
        await client.CoreV1.ReadNamespacedConfigMapAsync("held", "default", cancellationToken: Timeout());
        var leakedWhileStalled = raw.Lines.Reader.TryPeek(out _);
        var openWhileStalled = emu.Faults.OpenWatchCount;
        emu.Faults.ResumeWatches();

        Assert.False(leakedWhileStalled);
        Assert.Equal(1, openWhileStalled);
        Assert.Equal("held", Name((await raw.NextAsync())!));
    }

    [Fact]
    public async Task InjectMalformedLine_reaches_onError_and_the_watch_continues()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        await using var watch = await OpenWatchPastOneConfigMapAsync(emu, client);

        emu.Faults.InjectMalformedLine();
        var error = await watch.Errors.Reader.ReadAsync(Timeout());
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default", cancellationToken: Timeout());
        var next = await watch.NextAsync();

        Assert.IsAssignableFrom<JsonException>(error);
        Assert.Equal((WatchEventType.Added, "b"), (next.Type, next.Object.Metadata.Name));
    }

    [Fact]
    public async Task Restart_drops_connections_and_keeps_state()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());
        await using var raw = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={created.Metadata.ResourceVersion}");
        await Wait.UntilAsync(() => emu.Faults.OpenWatchCount == 1, "the watch is open");

        await emu.Faults.RestartAsync();
        var ended = await raw.EndAsync();
        var after = await client.CoreV1.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout());

        Assert.NotNull(ended); // aborted, not a clean end
        Assert.Equal(created.Metadata.Uid, after.Metadata.Uid);
        Assert.Equal(created.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Admin_endpoint_drives_the_same_faults()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { Token = "secret" });
        using var client = emu.CreateClient();
        using var admin = Http(emu, "secret"); // the admin endpoint needs the token when one is set

        var (failCode, _, _) = await SendAsync(admin, HttpMethod.Post, "emulator/faults/fail?count=1&status=429&retryAfter=2");
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespaceAsync(cancellationToken: Timeout()));
        var (compactCode, compactBody, _) = await SendAsync(admin, HttpMethod.Post, "emulator/faults/compact");
        var (statusCode, status, _) = await SendAsync(admin, HttpMethod.Get, "emulator/status");
        var (unknownCode, unknown, _) = await SendAsync(admin, HttpMethod.Post, "emulator/faults/explode");

        Assert.Equal(200, failCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.Response.StatusCode);
        Assert.Equal(200, compactCode);
        Assert.Equal(emu.ResourceVersion, compactBody["resourceVersion"]!.GetValue<string>());
        Assert.Equal(200, statusCode);
        Assert.Equal(0, status["openWatches"]!.GetValue<int>());
        Assert.Equal(404, unknownCode);
        AssertStatus(unknown, 404, "NotFound");
    }

    [Fact]
    public async Task Admin_restart_drops_open_watches_after_answering()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var http = Http(emu);
        using var admin = Http(emu);
        await using var raw = await RawWatch.OpenAsync(http, $"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={emu.ResourceVersion}");
        await Wait.UntilAsync(() => emu.Faults.OpenWatchCount == 1, "the watch is open");

        var (code, _, _) = await SendAsync(admin, HttpMethod.Post, "emulator/faults/restart");
        var ended = await raw.EndAsync();

        Assert.Equal(200, code);
        Assert.NotNull(ended);
    }

    [Fact]
    public async Task Options_out_of_range_are_rejected_at_start()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => KubernetesEmulator.StartAsync(new EmulatorOptions { HistoryMaxEvents = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => KubernetesEmulator.StartAsync(new EmulatorOptions { BookmarkInterval = TimeSpan.Zero }));
    }

    [Fact]
    public async Task Unreachable_resets_every_API_request_until_lifted_and_keeps_state()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var admin = Http(emu);
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: Timeout());

        emu.Faults.Unreachable = true;
        var down = await Assert.ThrowsAsync<HttpRequestException>(() => client.CoreV1.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout()));
        var (adminCode, _, _) = await SendAsync(admin, HttpMethod.Get, "emulator/status");
        var (liftCode, _, _) = await SendAsync(admin, HttpMethod.Post, "emulator/faults/reachable");
        var back = await client.CoreV1.ReadNamespacedConfigMapAsync("a", "default", cancellationToken: Timeout());

        Assert.NotNull(down);
        Assert.Equal(200, adminCode);
        Assert.Equal(200, liftCode);
        Assert.False(emu.Faults.Unreachable);
        Assert.Equal(created.Metadata.Uid, back.Metadata.Uid);
    }
}
