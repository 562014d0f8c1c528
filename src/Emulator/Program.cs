using KubeInformers.Emulator;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
return await EmulatorProgram.RunAsync(args, Console.Out, stop.Token);
