using k8s;
using k8s.Autorest;
using KubeInformers.Emulator;
using KubeInformers.Hosting;
using KubeInformers.Hosting.Controllers;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace WebAppOperator;

/// <summary>
/// The operator's host: the generated informer factory, the WebApp controller (owning Deployments and Services), an
/// Events recorder, readiness and liveness endpoints, the <c>KubeInformers</c> meter, and optional leader election.
/// Options come from the command line as ASP.NET Core configuration: <c>--port=8080</c> (0 picks one),
/// <c>--bind=0.0.0.0</c> (127.0.0.1), <c>--leader-election=true</c>, <c>--workers=2</c>, <c>--kubeconfig=FILE</c>,
/// <c>--emulator=true</c>; <c>--manifests=DIR</c> writes the generated CRD and RBAC manifests there and exits.
/// </summary>
public static class OperatorHost
{
    /// <summary>Builds the web host around <paramref name="client"/> (tests call this against an emulator).</summary>
    public static WebApplication Build(string[] args, IKubernetes client)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var port = builder.Configuration.GetValue("port", 8080);
        builder.WebHost.UseUrls($"http://{builder.Configuration.GetValue("bind", "127.0.0.1")}:{port}");
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);

        builder.Services.AddKubeInformers<InformerFactory>(o =>
            {
                o.Client = client;
                o.Factory.StripManagedFields = true;
                o.LeaderElection.Enabled = builder.Configuration.GetValue("leader-election", false);
                o.LeaderElection.LeaseName = "webapp-operator";
                o.LeaderElection.LeaseNamespace = builder.Configuration.GetValue("lease-namespace", "default")!;
            })
            .AddController<WebApp, WebAppReconciler>("webapps", (f, b) => b
                // Spec changes and deletions reconcile; the operator's own status writes do not.
                .For(f.Example.V1.WebApps.Informer, ChangePredicates.GenerationChanged<WebApp>()
                    | ChangePredicates.Where<WebApp>(app => app.Metadata.DeletionTimestamp is not null))
                .Owns(f.Apps.V1.Deployments.Informer)   // a Deployment's change reconciles its WebApp
                .Owns(f.Core.V1.Services.Informer),
                c => c.Workers = builder.Configuration.GetValue("workers", 2))
            .AddEventRecorder(e => e.ReportingController = "example.com/webapp-operator");
        builder.Services.AddHealthChecks().AddKubeInformersChecks();

        var app = builder.Build();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") });
        return app;
    }

    /// <summary>Creates the generated WebApp CustomResourceDefinition unless it exists.</summary>
    public static async Task InstallCrdAsync(IKubernetes client, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(WebAppCustomResourceDefinition.Create(), cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
        }
    }

    /// <summary>Runs against the kubeconfig's cluster (or in-cluster), or else an embedded emulator with one demo WebApp.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var config = new ConfigurationBuilder().AddCommandLine(args).Build();
        if (config["manifests"] is { } directory)
        {
            Directory.CreateDirectory(directory); // the generated manifests: kubectl apply -f DIR
            await File.WriteAllTextAsync(Path.Combine(directory, WebAppCustomResourceDefinition.Name + ".yaml"), WebAppCustomResourceDefinition.Yaml, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(directory, "informer-rbac.yaml"), InformerRbac.Yaml, cancellationToken);
            Console.WriteLine($"# wrote {WebAppCustomResourceDefinition.Name}.yaml and informer-rbac.yaml to {directory}");
            return 0;
        }
        var kubeconfig = config.GetValue("emulator", false) ? null : FindKubeconfig(config["kubeconfig"]);
        await using var emulator = kubeconfig is null ? await KubernetesEmulator.StartAsync(cancellationToken: cancellationToken) : null;
        using var client = emulator?.CreateClient() ?? new Kubernetes(kubeconfig!);
        Console.WriteLine(emulator is null ? $"# using the cluster at {kubeconfig!.Host}" : $"# no kubeconfig found: started the embedded API emulator at {emulator.BaseUri}");
        try
        {
            await InstallCrdAsync(client, cancellationToken);
            if (emulator is not null)
            {
                await client.CustomObjects.CreateNamespacedCustomObjectAsync(new WebApp
                {
                    Metadata = new() { Name = "hello", NamespaceProperty = "default" },
                    Spec = new WebAppSpec { Image = "nginx:1.27", Replicas = 2, Port = 80 },
                }, WebApp.Group, WebApp.Version, "default", WebApp.Plural, cancellationToken: cancellationToken);
            }
            await using var app = Build(args, client);
            await app.RunAsync(cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    private static KubernetesClientConfiguration? FindKubeconfig(string? path)
    {
        if (path is not null)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        }
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBECONFIG")) || File.Exists(home))
        {
            return KubernetesClientConfiguration.BuildDefaultConfig();
        }
        return KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig() : null;
    }
}
