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
    public void HostedServices_AreRegisteredInStartOrder_InformersThenLeadershipThenControllers()
    {
        var services = new ServiceCollection();
        services.AddKubeInformers<SharedInformerFactory>(o =>
            {
                o.LeaderElection.Enabled = true;
                o.LeaderElection.LeaseName = "lease";
            })
            .AddController("a", _ => new DelegateReconciler<string>((_, _) => Task.FromResult(ReconcileResult.Done)), (_, _) => { })
            .AddController("b", _ => new DelegateReconciler<string>((_, _) => Task.FromResult(ReconcileResult.Done)), (_, _) => { });

        var hosted = services.Where(d => d.ServiceType == typeof(IHostedService)).ToList();
        Assert.Equal(3, hosted.Count); // one controller service runs both controllers
        Assert.Equal(typeof(KubeInformersHostedService<SharedInformerFactory>), hosted[0].ImplementationType);
        Assert.NotNull(hosted[1].ImplementationFactory); // LeaseLeadership, shared with ILeadership
        Assert.Equal(typeof(ControllerHostedService), hosted[2].ImplementationType);
        Assert.Contains(services, d => d.ServiceType == typeof(ILeadership));
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
