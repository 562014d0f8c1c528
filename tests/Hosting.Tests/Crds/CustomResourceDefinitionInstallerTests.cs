using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Hosting.Crds;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Hosting.Tests.Crds;

/// <summary>
/// The startup CRD installer against the emulator: creates the generated CRD, updates an older one in place, names the
/// missing RBAC rule on 403, gives up naming the CRD when it never becomes Established, and in a host runs before the
/// informers of the CRD start.
/// </summary>
public sealed class CustomResourceDefinitionInstallerTests : EmulatorTestBase
{
    private const string Name = "gadgets.crd.kubeinformers.io";

    private CustomResourceDefinitionInstaller Installer(IKubernetes? client = null, TimeProvider? time = null, Action<CustomResourceDefinitionInstallerOptions>? configure = null)
    {
        var options = new CustomResourceDefinitionInstallerOptions();
        options.Assemblies.Add(typeof(Gadget).Assembly);
        configure?.Invoke(options);
        return new CustomResourceDefinitionInstaller(client ?? Client, options, time);
    }

    [Fact]
    public void DefinitionsInReadsTheGeneratedCrdOfTheAssembly()
    {
        var crd = Assert.Single(CustomResourceDefinitionInstaller.DefinitionsIn(typeof(Gadget).Assembly));

        Assert.Equal(GadgetCustomResourceDefinition.Name, crd.Metadata.Name);
        Assert.Equal(Name, crd.Metadata.Name);
        Assert.Equal("Gadget", crd.Spec.Names.Kind);
    }

    [Fact]
    public async Task InstallCreatesTheGeneratedCrdWhichThenValidatesCustomResources()
    {
        var installed = Assert.Single(await Installer().InstallAsync(Deadline()));

        Assert.Equal(Name, installed.Metadata.Name);
        Assert.Contains(installed.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        var stored = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(Name, cancellationToken: Deadline());
        Assert.Equal(1, stored.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["count"].Minimum);

        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Gadget("ok", 3), "crd.kubeinformers.io", "v1", "default", "gadgets", cancellationToken: Deadline());
        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() =>
            Client.CustomObjects.CreateNamespacedCustomObjectAsync(Gadget("big", 9), "crd.kubeinformers.io", "v1", "default", "gadgets", cancellationToken: Deadline()));
        Assert.Equal((HttpStatusCode)422, invalid.Response.StatusCode);
        Assert.Contains("spec.count", invalid.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallReplacesAnOlderCrdKeepingOthersLabelsAndUpdatingItsResourceVersion()
    {
        var older = CustomResourceDefinitionInstaller.DefinitionsIn(typeof(Gadget).Assembly)[0];
        older.Spec.Versions[0].Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } };
        older.Metadata.Labels = new Dictionary<string, string> { ["owner"] = "platform-team" };
        var before = await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(older, cancellationToken: Deadline());

        var installed = Assert.Single(await Installer().InstallAsync(Deadline()));

        Assert.NotEqual(before.Metadata.ResourceVersion, installed.Metadata.ResourceVersion);
        Assert.Equal(before.Metadata.Uid, installed.Metadata.Uid); // updated in place, not deleted and re-created
        var stored = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(Name, cancellationToken: Deadline());
        Assert.Equal("platform-team", stored.Metadata.Labels["owner"]);
        Assert.True(stored.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties.ContainsKey("spec"), "the generated schema replaced the older one");
    }

    [Fact]
    public async Task ForbiddenNamesTheCrdAndTheMissingRbacRule()
    {
        Emulator.Faults.FailNextRequests(1, 403, retryAfterSeconds: null);

        var ex = await Assert.ThrowsAsync<CustomResourceDefinitionInstallException>(() => Installer().InstallAsync(Deadline()));

        Assert.Equal(Name, ex.DefinitionName);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Contains($"'{Name}' was forbidden (get)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("apiGroups: [\"apiextensions.k8s.io\"], resources: [\"customresourcedefinitions\"], verbs: [\"get\", \"create\", \"update\"]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("injected by the emulator", ex.Message, StringComparison.Ordinal); // the server's own message is kept
    }

    [Fact]
    public async Task ACrdThatNeverBecomesEstablishedFailsAfterTheTimeoutNamingIt()
    {
        var pending = new PendingEstablishment();
        using var client = new Kubernetes(Emulator.CreateClientConfiguration(), pending);
        var time = new FakeTimeProvider();
        var install = Installer(client, time, o =>
        {
            o.EstablishedTimeout = TimeSpan.FromSeconds(10);
            o.PollInterval = TimeSpan.FromSeconds(1);
        }).InstallAsync(Deadline());

        await Wait.UntilAsync(() => pending.Requests >= 2, "the installer looked the CRD up and created it");
        Assert.False(install.IsCompleted, "the installer gave up before its timeout passed");
        await Wait.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return install.IsCompleted;
        }, "the installer gives up once the fake clock passed the timeout");

        var ex = await Assert.ThrowsAsync<CustomResourceDefinitionInstallException>(() => install);
        Assert.Equal(Name, ex.DefinitionName);
        Assert.Contains($"'{Name}' did not become Established within 00:00:10", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NamesAccepted=True", ex.Message, StringComparison.Ordinal);
        Assert.True(pending.Reads >= 2, $"it polled while waiting ({pending.Reads} reads)");
    }

    [Fact]
    public async Task InAHostTheCrdIsInstalledBeforeItsInformerStarts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddKubeInformers<InformerFactory>(o =>
            {
                o.Client = Emulator.CreateClient();
                o.SyncTimeout = TimeSpan.FromSeconds(20);
                o.AddInformer(f => f.Crd.V1.Gadgets);
            })
            .InstallCustomResourceDefinitions(typeof(Gadget).Assembly);
        using var host = builder.Build();

        var hosted = host.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
        Assert.True(hosted.IndexOf("CustomResourceDefinitionInstallerHostedService") < hosted.FindIndex(n => n.StartsWith("KubeInformersHostedService", StringComparison.Ordinal)),
            "the installer starts before the informers: " + string.Join(", ", hosted));

        await host.StartAsync(Deadline());
        try
        {
            var crd = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(Name, cancellationToken: Deadline());
            Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
            Assert.True(host.Services.GetRequiredService<InformerFactory>().Crd.V1.Gadgets.Informer.HasSynced);
        }
        finally
        {
            await host.StopAsync(Deadline());
        }
    }

    [Fact]
    public async Task InAHostAForbiddenInstallFailsStartup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddKubeInformers<InformerFactory>(o => o.Client = Emulator.CreateClient())
            .InstallCustomResourceDefinitions(typeof(Gadget).Assembly);
        using var host = builder.Build();
        Emulator.Faults.FailNextRequests(1, 403, retryAfterSeconds: null);

        var ex = await Assert.ThrowsAsync<CustomResourceDefinitionInstallException>(() => host.StartAsync(Deadline()));

        Assert.Contains("customresourcedefinitions", ex.Message, StringComparison.Ordinal);
    }

    private static CancellationToken Deadline() => new CancellationTokenSource(Wait.Default).Token;

    private static Gadget Gadget(string name, int count) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" }, Spec = new GadgetSpec { Count = count } };

    /// <summary>A server on which establishing takes for ever: the Established condition is removed from every CRD response.</summary>
    private sealed class PendingEstablishment : DelegatingHandler
    {
        private int _reads;
        private int _requests;

        /// <summary>Successful reads of a CRD (the polls while waiting).</summary>
        public int Reads => Volatile.Read(ref _reads);

        /// <summary>Requests about CRDs, answered or not.</summary>
        public int Requests => Volatile.Read(ref _requests);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!request.RequestUri!.AbsolutePath.Contains("/customresourcedefinitions", StringComparison.Ordinal))
            {
                return response;
            }

            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _requests);
                return response;
            }

            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            if (body["status"]?["conditions"] is JsonArray conditions)
            {
                foreach (var established in conditions.Where(c => (string?)c!["type"] == "Established").ToList())
                {
                    conditions.Remove(established);
                }
            }

            if (request.Method == HttpMethod.Get)
            {
                Interlocked.Increment(ref _reads);
            }

            response.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            Interlocked.Increment(ref _requests);
            return response;
        }
    }
}
