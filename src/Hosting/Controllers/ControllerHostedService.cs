using KubeInformers.Hosting.LeaderElection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// Runs every registered controller: waits until the caches have synced, then, for each leadership term of this replica,
/// runs the workers until the term ends (leadership lost: reconciles are cancelled at once) and waits for the next.
/// On host stop, drains: no new keys, reconciles in flight finish within the host's shutdown timeout.
/// </summary>
internal sealed partial class ControllerHostedService : BackgroundService
{
    private readonly IReadOnlyList<IControllerRunner> _runners;
    private readonly ILeadership _leadership;
    private readonly CacheSyncSignal _synced;
    private readonly ILogger<ControllerHostedService> _logger;

    /// <summary>Creates the service.</summary>
    public ControllerHostedService(IEnumerable<IControllerRunner> runners, ILeadership leadership, CacheSyncSignal synced,
        ILogger<ControllerHostedService> logger)
    {
        _runners = runners.ToList();
        _leadership = leadership;
        _synced = synced;
        _logger = logger;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _synced.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await Task.WhenAll(_runners.Select(r => RunTermsAsync(r, stoppingToken))).ConfigureAwait(false);
    }

    private async Task RunTermsAsync(IControllerRunner runner, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationToken term;
            try
            {
                term = await _leadership.WaitForLeadershipAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (term.IsCancellationRequested)
            {
                continue;
            }
            try
            {
                await runner.RunAsync(term).ConfigureAwait(false);
                if (!term.IsCancellationRequested)
                {
                    return; // The workers ended while still leading: the controller was shut down.
                }
            }
            catch (Exception ex)
            {
                Log.RunFailed(_logger, runner.Name, ex);
                return;
            }
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_runners.Select(r => r.ShutDownAsync(cancellationToken))).ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Controller {Controller} stopped after an unexpected error.")]
        public static partial void RunFailed(ILogger logger, string controller, Exception error);
    }
}
