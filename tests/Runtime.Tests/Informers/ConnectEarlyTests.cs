using System.Net;
using System.Net.Sockets;
using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.TestSupport;

namespace KubeInformers.Tests.Informers;

/// <summary>
/// The factory's early connection (<see cref="SharedInformerFactoryOptions.ConnectEarly"/>): over https it sends one
/// request before the first list, on the same client; a server that cannot be reached still fails the sync with the
/// connection's own error; shutting down cancels a connection attempt that hangs.
/// </summary>
public sealed class ConnectEarlyTests
{
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);

    /// <summary>An hour: a list that fails waits that long before it tries again, so the sync would not happen in the test's time.</summary>
    private static ReflectorOptions NoQuickRetry() => new() { InitialBackoff = TimeSpan.FromHours(1), MaxBackoff = TimeSpan.FromHours(1) };

    [Fact]
    public async Task Over_https_the_early_request_goes_before_the_first_list_which_then_succeeds()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(new EmulatorOptions { UseTls = true, Token = "t" });
        using var client = emulator.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm-1" } }, "default", cancellationToken: Wait.Timeout());
        // The next request fails. If the early request is that request, the list succeeds; if the list were first, it
        // would fail and wait an hour before trying again, and the sync below would time out.
        emulator.Faults.FailNextRequests(1, 503);
        await using var factory = new SharedInformerFactory(client, new SharedInformerFactoryOptions { Reflector = NoQuickRetry() });
        var informer = factory.InformerFor<V1ConfigMap>(ConfigMaps);

        factory.Start();
        await Wait.ForAsync(factory.WaitForCacheSyncAsync(), "the sync over https");

        Assert.Equal(0, emulator.Faults.PendingFailures);
        Assert.Contains(informer.Lister.List(), c => c.Metadata.Name == "cm-1");
    }

    [Fact]
    public async Task With_ConnectEarly_off_the_first_list_is_the_first_request()
    {
        await using var emulator = await KubernetesEmulator.StartAsync(new EmulatorOptions { UseTls = true, Token = "t" });
        using var client = emulator.CreateClient();
        emulator.Faults.FailNextRequests(1, 503);
        await using var factory = new SharedInformerFactory(client, new SharedInformerFactoryOptions { ConnectEarly = false, Reflector = NoQuickRetry() });
        var informer = factory.InformerFor<V1ConfigMap>(ConfigMaps);

        factory.Start();
        // The list met the 503 itself: the informer records it as its last error and has not synced.
        await Wait.UntilAsync(() => emulator.Faults.PendingFailures == 0 && informer.LastError is not null, "the first list to meet the failure");

        Assert.False(informer.HasSynced);
    }

    [Fact]
    public async Task An_https_server_that_refuses_connections_fails_the_sync_with_the_connection_error()
    {
        var port = ClosedPort();
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = $"https://127.0.0.1:{port}" });
        await using var factory = new SharedInformerFactory(client);
        factory.InformerFor<V1ConfigMap>(ConfigMaps);

        factory.Start();
        var error = await Assert.ThrowsAsync<InformerSyncException>(() => factory.WaitForCacheSyncAsync(TimeSpan.FromSeconds(5), Wait.Timeout()));

        var unsynced = Assert.Single(error.Unsynced);
        Assert.IsType<HttpRequestException>(unsynced.LastError, exactMatch: false);
        await Wait.ForAsync(factory.ShutdownAsync(), "the shutdown after a refused connection");
    }

    [Fact]
    public async Task Shutdown_cancels_an_early_connection_whose_handshake_never_finishes()
    {
        // Accepts connections and never answers, so a TLS handshake waits for ever.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = silent.AcceptSocketAsync();
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = $"https://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}" });
        var factory = new SharedInformerFactory(client);
        factory.InformerFor<V1ConfigMap>(ConfigMaps);

        factory.Start();
        using var connection = await Wait.ForAsync(accepted, "the early connection to reach the server");
        await Wait.ForAsync(factory.DisposeAsync().AsTask(), "the shutdown while the handshake hangs");

        Assert.False(factory.Informers.Single().HasSynced);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
