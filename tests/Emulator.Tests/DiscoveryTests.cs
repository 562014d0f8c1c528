using System.Text.Json.Nodes;
using k8s;
using KubeInformers.Emulator.Internal;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

public sealed class DiscoveryTests
{
    [Fact]
    public async Task Version_api_and_apis_describe_the_served_resources()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);

        var version = await client.Version.GetCodeAsync(cancellationToken: Timeout());
        var (_, api, _) = await SendAsync(http, HttpMethod.Get, "api");
        var core = await client.CoreV1.GetAPIResourcesAsync(cancellationToken: Timeout());
        var groups = await client.Apis.GetAPIVersionsAsync(cancellationToken: Timeout());
        var apps = await client.AppsV1.GetAPIResourcesAsync(cancellationToken: Timeout());
        var appsGroup = await client.Apps.GetAPIGroupAsync(cancellationToken: Timeout());

        Assert.Equal("1", version.Major);
        Assert.Equal("APIVersions", api["kind"]!.GetValue<string>());
        Assert.Equal("v1", api["versions"]![0]!.GetValue<string>());
        var pods = core.Resources.Single(r => r.Name == "pods");
        Assert.True(pods.Namespaced);
        Assert.Equal("Pod", pods.Kind);
        Assert.Contains("watch", pods.Verbs);
        Assert.Contains(core.Resources, r => r.Name == "pods/status");
        Assert.False(core.Resources.Single(r => r.Name == "nodes").Namespaced);
        Assert.Contains(groups.Groups, g => g.Name == "apps" && g.PreferredVersion.Version == "v1");
        Assert.DoesNotContain(groups.Groups, g => g.Name == "");
        Assert.Contains(apps.Resources, r => r.Name == "deployments" && r.Namespaced && r.Kind == "Deployment");
        Assert.Equal("apps", appsGroup.Name);
    }

    [Fact]
    public async Task A_created_CRD_appears_in_discovery_and_goes_away_when_deleted()
    {
        await using var emu = await KubernetesEmulator.StartAsync();
        using var client = emu.CreateClient();
        using var http = Http(emu);

        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(CronTabCrd(), cancellationToken: Timeout());
        var (_, groups, _) = await SendAsync(http, HttpMethod.Get, "apis");
        var (code, resources, _) = await SendAsync(http, HttpMethod.Get, "apis/stable.example.com/v1");
        await client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("crontabs.stable.example.com", cancellationToken: Timeout());
        var (goneCode, _, _) = await SendAsync(http, HttpMethod.Get, "apis/stable.example.com/v1");

        Assert.Contains(groups["groups"]!.AsArray(), g => g!["name"]!.GetValue<string>() == "stable.example.com");
        Assert.Equal(200, code);
        var crontabs = resources["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "crontabs")!;
        Assert.True(crontabs["namespaced"]!.GetValue<bool>());
        Assert.Equal("CronTab", crontabs["kind"]!.GetValue<string>());
        Assert.Equal("ct", crontabs["shortNames"]![0]!.GetValue<string>());
        Assert.Contains(resources["resources"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "crontabs/status");
        Assert.Equal(404, goneCode);
    }

    [Fact]
    public void Built_in_catalogue_has_every_listable_type_with_the_right_scope()
    {
        var all = BuiltInResources.All;
        ResourceType Get(string group, string version, string plural) => all.Single(r => r.Group == group && r.Version == version && r.Plural == plural);

        Assert.Equal(93, all.Count); // 93 list types have generated List* operations in KubernetesClient 21.0.8
        Assert.Equal(all.Count, all.Select(r => r.Id).Distinct().Count());
        Assert.True(Get("", "v1", "pods").Namespaced);
        Assert.True(Get("", "v1", "configmaps").Namespaced);
        Assert.False(Get("", "v1", "nodes").Namespaced);
        Assert.False(Get("", "v1", "namespaces").Namespaced);
        Assert.False(Get("", "v1", "persistentvolumes").Namespaced);
        Assert.True(Get("", "v1", "events").Namespaced);                       // Corev1Event
        Assert.True(Get("events.k8s.io", "v1", "events").Namespaced);          // Eventsv1Event
        Assert.True(Get("apps", "v1", "deployments").Namespaced);
        Assert.True(Get("coordination.k8s.io", "v1", "leases").Namespaced);
        Assert.False(Get("rbac.authorization.k8s.io", "v1", "clusterroles").Namespaced);
        Assert.False(Get("apiextensions.k8s.io", "v1", "customresourcedefinitions").Namespaced);
        Assert.False(Get("storage.k8s.io", "v1", "storageclasses").Namespaced);
        Assert.True(all.Single(r => r.Kind == "ResourceClaim" && r.Version == "v1").Plural == "resourceclaims"); // empty plural on the model
        Assert.All(all, r => Assert.False(string.IsNullOrEmpty(r.Plural)));
        Assert.True(Get("", "v1", "pods").HasStatusSubresource);
        Assert.False(Get("", "v1", "configmaps").TracksGeneration);
        Assert.True(Get("apps", "v1", "deployments").TracksGeneration);
        Assert.True(Get("apps", "v1", "statefulsets").TracksGeneration);
        Assert.True(Get("batch", "v1", "jobs").TracksGeneration);
        Assert.False(Get("", "v1", "namespaces").TracksGeneration);
        Assert.False(Get("", "v1", "services").TracksGeneration);
        Assert.False(Get("", "v1", "secrets").TracksGeneration);

        // Scope agrees with KubernetesClient's operations for every entry.
        var methods = typeof(Kubernetes).Assembly.GetTypes().Where(t => t.IsInterface).SelectMany(t => t.GetMethods()).Select(m => m.Name).ToHashSet();
        foreach (var r in all)
        {
            Assert.True(r.Namespaced == methods.Contains("ListNamespaced" + r.Kind + "WithHttpMessagesAsync"), $"{r.GroupResource}/{r.Version} scope");
        }
    }
}
