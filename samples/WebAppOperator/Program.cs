// WebAppOperator: a WebApp custom resource reconciled into a Deployment and a Service. See README.md.
using WebAppOperator;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return await OperatorHost.RunAsync(args, stop.Token);
