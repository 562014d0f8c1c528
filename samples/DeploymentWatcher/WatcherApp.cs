using k8s;
using k8s.Models;
using KubeInformers;
using KubeInformers.Emulator;

// The generator turns this into DeploymentInformer, DeploymentLister and factory.Apps.V1.Deployments.
[assembly: GenerateInformer(typeof(V1Deployment))]

namespace DeploymentWatcher;

/// <summary>
/// The sample's main path, callable in-process (tests pass arguments and a <see cref="TextWriter"/>): choose a cluster
/// (a kubeconfig, or the embedded emulator with a demo script), start an informer on Deployments, print one line per
/// notification, and stop cleanly when cancelled or after <c>--exit-after</c> lines.
/// </summary>
public static class WatcherApp
{
    /// <summary>Runs the watcher; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        WatcherArguments options;
        try
        {
            options = WatcherArguments.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync(ex.Message);
            await error.WriteLineAsync(WatcherArguments.Usage);
            return 2;
        }
        if (options.Help)
        {
            await output.WriteLineAsync(WatcherArguments.Usage);
            return 0;
        }

        KubernetesEmulator? emulator = null;
        IKubernetes client;
        DemoScript? demo = null;
        try
        {
            var kubeconfig = options.ForceEmulator ? null : FindKubeconfig(options.Kubeconfig);
            if (kubeconfig is { } config)
            {
                client = new Kubernetes(config);
                await output.WriteLineAsync($"# watching Deployments on {config.Host} ({(options.Namespace is null ? "all namespaces" : "namespace " + options.Namespace)})");
            }
            else
            {
                emulator = await KubernetesEmulator.StartAsync(cancellationToken: cancellationToken);
                client = emulator.CreateClient();
                await output.WriteLineAsync($"# no kubeconfig found: started the embedded API emulator at {emulator.BaseUri}");
                demo = new DemoScript(client, output, options.DemoInterval);
                await demo.SeedAsync(cancellationToken);
            }

            var factoryOptions = new SharedInformerFactoryOptions { Namespace = options.Namespace, DefaultResyncPeriod = options.Resync };
            await using var factory = new InformerFactory(client, factoryOptions);
            var deployments = factory.Apps.V1.Deployments; // generated: typed informer + lister
            var printer = new EventPrinter(output, options.ExitAfter);
            deployments.AddEventHandler(printer);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            factory.Start();
            try
            {
                await factory.WaitForCacheSyncAsync(stop.Token);
            }
            catch (Exception ex) when (ex is InformerSyncException or OperationCanceledException)
            {
                await error.WriteLineAsync($"Could not sync Deployments: {deployments.Informer.LastError?.Message ?? "stopped"}");
                return 1;
            }
            lock (output)
            {
                output.WriteLine($"# synced: {deployments.Lister.List().Count} Deployment(s) cached; Ctrl+C to stop");
            }

            var demoRun = demo?.RunAsync(stop.Token) ?? Task.CompletedTask;
            try
            {
                await printer.Enough.WaitAsync(stop.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            await stop.CancelAsync();
            await demoRun;
            await factory.ShutdownAsync();
            lock (output)
            {
                output.WriteLine("# stopped");
            }
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync("# stopped");
            return 0;
        }
        catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or FileNotFoundException or HttpRequestException)
        {
            await error.WriteLineAsync($"DeploymentWatcher: {ex.Message}");
            return 1;
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The configuration to watch: <paramref name="explicitPath"/>, else <c>KUBECONFIG</c> or <c>~/.kube/config</c>, else the
    /// in-cluster service account; null when there is none (then the emulator is used).
    /// </summary>
    public static KubernetesClientConfiguration? FindKubeconfig(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath)
                ? KubeConfig.BuildConfigFromConfigFile(explicitPath)
                : throw new FileNotFoundException($"The kubeconfig file '{explicitPath}' does not exist.", explicitPath);
        }
        var env = Environment.GetEnvironmentVariable("KUBECONFIG");
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (!string.IsNullOrEmpty(env) || File.Exists(home))
        {
            return KubeConfig.BuildDefaultConfig();
        }
        return KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig() : null;
    }
}
