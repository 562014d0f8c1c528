using KubeInformers.Hosting.Controllers;
using KubeInformers.Hosting.LeaderElection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KubeInformers.Hosting.Tests;

public class RegistrationTests
{
    [Fact]
    public void AddKubeInformers_TwiceOnOneCollection_Throws()
    {
        var services = new ServiceCollection();
        services.AddKubeInformers<SharedInformerFactory>();
        var ex = Assert.Throws<InvalidOperationException>(() => services.AddKubeInformers<SharedInformerFactory>());
        Assert.Contains("twice", ex.Message);
    }

    [Fact]
    public void LeaderElection_WithoutLeaseName_IsRejectedAtRegistration()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddKubeInformers<SharedInformerFactory>(o => o.LeaderElection.Enabled = true));
        Assert.Contains("LeaseName", ex.Message);
    }

    [Fact]
    public void LeaderElection_RenewDeadlineNotBelowLeaseDuration_IsRejected()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddKubeInformers<SharedInformerFactory>(o =>
            {
                o.LeaderElection.Enabled = true;
                o.LeaderElection.LeaseName = "x";
                o.LeaderElection.RenewDeadline = o.LeaderElection.LeaseDuration;
            }));
        Assert.Contains("RenewDeadline", ex.Message);
    }

    [Fact]
    public async Task HostedServices_AreRegisteredInStartOrder_InformersThenLeadershipThenControllers()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        // A client that is never used: resolving the services must not talk to a server.
        services.AddSingleton<k8s.IKubernetes>(new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }));
        services.AddKubeInformers<SharedInformerFactory>(o =>
            {
                o.LeaderElection.Enabled = true;
                o.LeaderElection.LeaseName = "lease";
            })
            .AddController("a", _ => new DelegateReconciler<string>((_, _) => Task.FromResult(ReconcileResult.Done)), (_, _) => { })
            .AddController("b", _ => new DelegateReconciler<string>((_, _) => Task.FromResult(ReconcileResult.Done)), (_, _) => { });

        await using var sp = services.BuildServiceProvider();
        var hosted = sp.GetServices<IHostedService>().ToList();
        Assert.Equal(3, hosted.Count); // one controller service runs both controllers
        Assert.IsType<KubeInformersHostedService<SharedInformerFactory>>(hosted[0]);
        var leadership = Assert.IsType<LeaseLeadership>(hosted[1]);
        Assert.Same(leadership, sp.GetRequiredService<ILeadership>()); // the service that campaigns is the one controllers ask
        Assert.Equal("lease", leadership.LeaseName);
        Assert.IsType<ControllerHostedService>(hosted[2]);
        Assert.Equal(["a", "b"], sp.GetServices<IControllerRunner>().Select(r => r.Name));
    }

    [Fact]
    public void WithoutLeaderElection_EveryReplicaLeads()
    {
        var services = new ServiceCollection();
        services.AddKubeInformers<SharedInformerFactory>();
        using var sp = services.BuildServiceProvider();
        var leadership = sp.GetRequiredService<ILeadership>();
        Assert.IsType<AlwaysLeader>(leadership);
        Assert.True(leadership.IsLeader);
    }
}
