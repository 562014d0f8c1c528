using k8s;
using KubeInformers.Emulator;
using Microsoft.Extensions.DependencyInjection;

namespace KubeInformers.Hosting.Tests;

public class ClientConfigurationTests
{
    [Fact]
    public void AMissingKubeconfigFile_IsAnErrorNamingTheFile()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => KubernetesClientFactory.BuildConfiguration(null, "/nonexistent/kube.yaml", null));
        Assert.Contains("/nonexistent/kube.yaml", ex.Message);
    }

    [Fact]
    public void ASuppliedConfiguration_IsUsedAsIs()
    {
        var config = new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" };
        Assert.Same(config, KubernetesClientFactory.BuildConfiguration(config, "/ignored", null));
    }

    [Fact]
    public void AnIKubernetesAlreadyRegistered_WinsOverTheOptions()
    {
        var mine = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        var services = new ServiceCollection();
        services.AddSingleton<IKubernetes>(mine);
        services.AddKubeInformers<SharedInformerFactory>(o => o.KubeconfigPath = "/nonexistent/kube.yaml");
        using var sp = services.BuildServiceProvider();
        Assert.Same(mine, sp.GetRequiredService<IKubernetes>());
    }

    [Fact]
    public async Task KubeconfigPath_BuildsAClientForThatCluster_AndTheFactoryListsThroughIt()
    {
        await using var emulator = await KubernetesEmulator.StartAsync();
        var path = Path.Combine(Path.GetTempPath(), "kubeinformers-hosting-" + Guid.NewGuid().ToString("N") + ".kubeconfig");
        emulator.WriteKubeconfig(path);
        try
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddKubeInformers<SharedInformerFactory>(o => o.KubeconfigPath = path);
            await using var sp = services.BuildServiceProvider();

            var client = (Kubernetes)sp.GetRequiredService<IKubernetes>();
            Assert.Equal(emulator.BaseUri, client.BaseUri);
            var factory = sp.GetRequiredService<SharedInformerFactory>();
            var namespaces = factory.InformerFor<k8s.Models.V1Namespace>(new ResourceDescriptor("", "v1", "namespaces", "Namespace", false));
            factory.Start();
            await factory.WaitForCacheSyncAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            Assert.NotNull(namespaces.Lister.Get("default"));
            await factory.ShutdownAsync();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
