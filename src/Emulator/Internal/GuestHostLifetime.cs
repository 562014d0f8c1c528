using Microsoft.Extensions.Hosting;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// The emulator's host lifetime: it starts and stops only when told (StartAsync/DisposeAsync) and never registers
/// console or signal handlers, so the process that embeds it keeps its own SIGTERM/SIGINT handling.
/// </summary>
internal sealed class GuestHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
