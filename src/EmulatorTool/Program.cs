// The kube-emulator command: runs the standalone emulator until SIGINT/SIGTERM (see EmulatorProgram for the options).
using System.Runtime.InteropServices;
using KubeInformers.Emulator;

using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await EmulatorProgram.RunAsync(args, Console.Out, stop.Token);
