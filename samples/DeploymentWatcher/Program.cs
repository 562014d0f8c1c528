// DeploymentWatcher: watch Deployments with a KubeInformers informer and print every notification.
// With no kubeconfig it runs against the embedded API emulator and a demo script. See README.md.
using DeploymentWatcher;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop cleanly instead of killing the process
    cts.Cancel();
};
return await WatcherApp.RunAsync(args, Console.Out, Console.Error, cts.Token);
