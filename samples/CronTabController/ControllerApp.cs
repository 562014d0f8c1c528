using System.Globalization;
using k8s;
using KubeInformers;
using KubeInformers.Emulator;
using KubeInformers.Hosting.LeaderElection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace CronTabController;

/// <summary>
/// The sample's host: <c>AddKubeInformers</c> with the generated factory, the CronTab controller built with
/// <c>For</c>/<c>Owns</c>/<c>Watches</c> (workers run on the lease holder only), an Events recorder, readiness and liveness
/// endpoints, and the <c>KubeInformers</c> meter. Callable in-process.
/// </summary>
public static class ControllerApp
{
    /// <summary>Builds the web host around <paramref name="client"/>.</summary>
    /// <param name="args">Command line: <c>--port N</c> (8080; 0 picks one), <c>--identity ID</c>, <c>--no-leader-election</c>,
    /// <c>--lease-namespace NS</c>, <c>--workers N</c>; plus any ASP.NET Core configuration switches.</param>
    /// <param name="client">The API server client.</param>
    /// <param name="configure">Optional extra configuration (tests shorten the lease timing).</param>
    public static WebApplication Build(string[] args, IKubernetes client, Action<KubeInformersOptions<InformerFactory>>? configure = null)
    {
        var port = IntOption(args, "--port") ?? 8080;
        var builder = WebApplication.CreateSlimBuilder(StripOwnOptions(args));
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        builder.Services.AddKubeInformers<InformerFactory>(o =>
            {
                o.Client = client;
                // Cache only the ConfigMaps this controller manages; CronTabs unfiltered.
                o.Factory.TweakListOptions = (resource, options) => resource.Plural == "configmaps"
                    ? options with { LabelSelector = CronTabReconciler.ManagedByLabel + "=" + CronTabReconciler.ManagedByValue }
                    : options;
                o.Factory.StripManagedFields = true; // once per object, before it is cached and shared
                o.LeaderElection.Enabled = !args.Contains("--no-leader-election");
                o.LeaderElection.LeaseName = "crontab-controller";
                o.LeaderElection.LeaseNamespace = StringOption(args, "--lease-namespace") ?? "default";
                o.LeaderElection.Identity = StringOption(args, "--identity");
                configure?.Invoke(o);
            })
            .AddController<CronTab, CronTabReconciler>("crontabs", (f, b) => b
                // Spec changes and deletions reconcile a CronTab; the controller's own status writes do not.
                .For(f.Stable.V1.CronTabs.Informer, ChangePredicates.GenerationChanged<CronTab>()
                    | ChangePredicates.Where<CronTab>(c => c.Metadata.DeletionTimestamp is not null))
                // A ConfigMap changed or deleted by someone else brings its CronTab back to the desired state.
                .Owns(f.Core.V1.ConfigMaps.Informer)
                // A CronTab that arrives, leaves or changes its schedule changes its peers' sameScheduleCount: reconcile them.
                .Watches(f.Stable.V1.CronTabs.Informer, c => CronTabReconciler.SameSchedule(f, c).Select(CacheKeys.MetaNamespaceKey),
                    ChangePredicates.GenerationChanged<CronTab>()),
                c => c.Workers = IntOption(args, "--workers") ?? 2)
            .AddEventRecorder(e => e.ReportingController = CronTab.Group + "/" + CronTabReconciler.ManagedByValue);

        builder.Services.AddHealthChecks().AddKubeInformersChecks();

        var app = builder.Build();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") });
        app.MapGet("/leader", (ILeadership l) => new { l.Identity, l.IsLeader, l.CurrentLeader });
        return app;
    }

    /// <summary>Runs the sample: against the kubeconfig's cluster, or the embedded emulator with three demo CronTabs.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="cancellationToken">Stops the host (Ctrl+C).</param>
    /// <param name="started">Called with the client once the host has started (the caches have synced); tests use it.</param>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken, Action<IKubernetes>? started = null)
    {
        KubernetesEmulator? emulator = null;
        try
        {
            IKubernetes client;
            var kubeconfig = args.Contains("--emulator") ? null : FindKubeconfig(StringOption(args, "--kubeconfig"));
            if (kubeconfig is not null)
            {
                client = new Kubernetes(kubeconfig);
                Console.WriteLine($"# using the cluster at {kubeconfig.Host}");
            }
            else
            {
                emulator = await KubernetesEmulator.StartAsync(cancellationToken: cancellationToken);
                client = emulator.CreateClient();
                Console.WriteLine($"# no kubeconfig found: started the embedded API emulator at {emulator.BaseUri}");
            }

            await CronTabCrd.EnsureAsync(client, cancellationToken);
            if (emulator is not null)
            {
                await CronTabCrd.CreateAsync(client, "default", "nightly-backup", "0 3 * * *", "backup:1.4", 1, cancellationToken);
                await CronTabCrd.CreateAsync(client, "default", "report", "0 3 * * *", "reporter:2.0", 2, cancellationToken);
                await CronTabCrd.CreateAsync(client, "default", "cleanup", "*/5 * * * *", "janitor:0.9", 1, cancellationToken);
            }

            await using var app = Build(args, client);
            if (started is not null)
            {
                app.Lifetime.ApplicationStarted.Register(() => started(client));
            }
            await app.RunAsync(cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }
        }
    }

    private static KubernetesClientConfiguration? FindKubeconfig(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(explicitPath);
        }
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBECONFIG")) || File.Exists(home))
        {
            return KubernetesClientConfiguration.BuildDefaultConfig();
        }
        return KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig() : null;
    }

    private static readonly string[] OwnOptionsWithValue = ["--port", "--identity", "--lease-namespace", "--workers", "--kubeconfig"];
    private static readonly string[] OwnFlags = ["--no-leader-election", "--emulator"];

    private static string[] StripOwnOptions(string[] args)
    {
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (OwnOptionsWithValue.Contains(args[i]))
            {
                i++;
            }
            else if (!OwnFlags.Contains(args[i]))
            {
                rest.Add(args[i]);
            }
        }
        return [.. rest];
    }

    private static string? StringOption(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int? IntOption(string[] args, string name) =>
        StringOption(args, name) is { } text ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;
}
