using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeInformers.Hosting.Crds;

/// <summary>
/// Runs the <see cref="CustomResourceDefinitionInstaller"/> when the host starts. Registered by
/// <c>InstallCustomResourceDefinitions</c> just before the informers' hosted service, so the CRDs are Established before
/// any informer lists them (hosts start their services one after the other, in registration order, unless
/// <c>HostOptions.ServicesStartConcurrently</c> is set). A failure fails host startup.
/// </summary>
internal sealed partial class CustomResourceDefinitionInstallerHostedService : IHostedService
{
    private readonly CustomResourceDefinitionInstaller _installer;
    private readonly ILogger _logger;

    public CustomResourceDefinitionInstallerHostedService(CustomResourceDefinitionInstaller installer, ILogger<CustomResourceDefinitionInstallerHostedService> logger)
    {
        _installer = installer;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _installer.InstallAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CustomResourceDefinitionInstallException ex)
        {
            Log.Failed(_logger, ex.Message);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Critical, "{Message}")]
        public static partial void Failed(ILogger logger, string message);
    }
}
