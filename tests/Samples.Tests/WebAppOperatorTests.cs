using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace WebAppOperator.Tests;

/// <summary>
/// The operator end to end on the embedded emulator: a WebApp gets an owned Deployment and Service, a finalizer, a route, a
/// status and Events; a change of the Deployment's status reconciles it; deleting it runs the finalizer's cleanup.
/// (This file is also the test project of the <c>kubeinformers-operator</c> template.)
/// </summary>
public sealed class WebAppOperatorTests : IAsyncLifetime
{
    private const string Ns = "default";
    private KubernetesEmulator _emulator = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await KubernetesEmulator.StartAsync();
        _client = _emulator.CreateClient();
        await OperatorHost.InstallCrdAsync(_client);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task AWebApp_IsReconciledIntoOwnedChildren_ReportsReady_AndIsCleanedUpOnDelete()
    {
        await using var app = OperatorHost.Build(["--port=0"], _client);
        await app.StartAsync(); // returns once the caches have synced
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(new WebApp
        {
            Metadata = new V1ObjectMeta { Name = "shop", NamespaceProperty = Ns },
            Spec = new WebAppSpec { Image = "shop:1", Replicas = 2, Port = 8080 },
        }, WebApp.Group, WebApp.Version, Ns, WebApp.Plural);

        // A Deployment and a Service it controls, the finalizer, the route, and a status for generation 1.
        var deployment = await EventuallyAsync(() => ReadAsync(() => _client.AppsV1.ReadNamespacedDeploymentAsync("shop", Ns)), d => d is not null,
            "the Deployment to be created");
        var webApp = await WebAppAsync();
        var owner = Assert.Single(deployment!.Metadata.OwnerReferences);
        Assert.Equal((webApp.Metadata.Uid, "WebApp", true), (owner.Uid, owner.Kind, owner.Controller == true));
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("shop:1", deployment.Spec.Template.Spec.Containers[0].Image);
        var service = await EventuallyAsync(() => ReadAsync(() => _client.CoreV1.ReadNamespacedServiceAsync("shop", Ns)), s => s is not null,
            "the Service to be created");
        Assert.Equal(webApp.Metadata.Uid, Assert.Single(service!.Metadata.OwnerReferences).Uid);
        webApp = await EventuallyAsync(WebAppAsync, w => w.Status?.ObservedGeneration == 1, "status.observedGeneration 1");
        Assert.Contains(WebAppReconciler.FinalizerName, webApp.Metadata.Finalizers);
        Assert.Equal(("False", "Progressing"), ReadyCondition(webApp)); // the emulator runs no pods
        Assert.Equal("http://shop.default.svc:8080", (await RoutesAsync())?["shop"]);

        // The Deployment controller's part, played by the test: pods became ready. The owned Deployment's change reconciles the WebApp.
        await _client.AppsV1.PatchNamespacedDeploymentStatusAsync(
            new V1Patch("""{"status":{"replicas":2,"readyReplicas":2,"availableReplicas":2}}""", V1Patch.PatchType.MergePatch), "shop", Ns);
        webApp = await EventuallyAsync(WebAppAsync, w => ReadyCondition(w) == ("True", "Available"), "the Ready condition to become True");
        Assert.Equal(2, webApp.Status!.ReadyReplicas);

        // A spec change: the Deployment follows, observedGeneration too.
        await _client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch),
            WebApp.Group, WebApp.Version, Ns, WebApp.Plural, "shop");
        await EventuallyAsync(() => _client.AppsV1.ReadNamespacedDeploymentAsync("shop", Ns), d => d.Spec.Replicas == 3, "the Deployment to scale to 3");
        webApp = await EventuallyAsync(WebAppAsync, w => w.Status?.ObservedGeneration == 2, "status.observedGeneration 2");
        Assert.Equal(("False", "Progressing"), ReadyCondition(webApp)); // 2 of 3 ready

        // Events tell kubectl describe what happened.
        var events = await EventuallyAsync(() => _client.EventsV1.ListNamespacedEventAsync(Ns),
            l => l.Items.Any(e => e.Reason == "DeploymentUpdated"), "the DeploymentUpdated event");
        Assert.Contains(events.Items, e => e.Reason == "DeploymentCreated" && e.Regarding.Uid == webApp.Metadata.Uid
            && e.ReportingController == "example.com/webapp-operator");

        // Delete: the finalizer's cleanup removes the route, then the WebApp goes (and the garbage collector takes its children).
        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(WebApp.Group, WebApp.Version, Ns, WebApp.Plural, "shop");
        await EventuallyAsync(() => ReadAsync(WebAppAsync), w => w is null, "the WebApp to be gone");
        Assert.False((await RoutesAsync())?.ContainsKey("shop") ?? false);
        await EventuallyAsync(() => _client.EventsV1.ListNamespacedEventAsync(Ns), l => l.Items.Any(e => e.Reason == "RouteRemoved"),
            "the RouteRemoved event");
        await EventuallyAsync(() => ReadAsync(() => _client.AppsV1.ReadNamespacedDeploymentAsync("shop", Ns)), d => d is null,
            "the owned Deployment to be garbage-collected");

        // The readiness endpoint says the caches are synced.
        using var http = new HttpClient();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(address + "/healthz/ready")).StatusCode);
        await app.StopAsync();
    }

    private async Task<WebApp> WebAppAsync() =>
        KubernetesJson.Deserialize<WebApp>(JsonSerializer.Serialize(
            await _client.CustomObjects.GetNamespacedCustomObjectAsync(WebApp.Group, WebApp.Version, Ns, WebApp.Plural, "shop")));

    private async Task<IDictionary<string, string>?> RoutesAsync() =>
        (await ReadAsync(() => _client.CoreV1.ReadNamespacedConfigMapAsync(WebAppReconciler.RoutesConfigMap, Ns)))?.Data;

    private static (string?, string?) ReadyCondition(WebApp app) =>
        app.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is { } c ? (c.Status, c.Reason) : (null, null);

    private static async Task<T?> ReadAsync<T>(Func<Task<T>> read) where T : class
    {
        try
        {
            return await read();
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Reads until <paramref name="done"/> holds, for at most 30 s; then fails naming what it waited for.</summary>
    /// <remarks>Not the repository's shared <c>KubeInformers.TestSupport.Wait</c>: this file is also the test of the
    /// <c>kubeinformers-operator</c> template, whose project references only published packages.</remarks>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after 30 s waiting for {what}; last read: {JsonSerializer.Serialize(value)}");
            }
            await Task.Delay(50);
        }
    }
}
