// CronTabController: a custom-resource controller on KubeInformers.Hosting. See README.md.
using CronTabController;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
return await ControllerApp.RunAsync(args, cts.Token);
