using KubeInformers.Hosting.Health;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeInformers.Hosting;

/// <summary>
/// Starts the informers and holds host startup until they have synced: <see cref="StartAsync"/> creates the informers
/// asked for (options and every <see cref="IFactorySetup"/>), starts the factory, and returns only when every informer has
/// synced, or throws <see cref="InformerSyncException"/> after <see cref="KubeInformersOptions{TFactory}.SyncTimeout"/>
/// naming each informer that did not sync and its last error. <see cref="StopAsync"/> shuts the factory down.
/// Registered by <c>AddKubeInformers</c>, before any controller, so it starts first and stops last.
/// </summary>
/// <typeparam name="TFactory">The informer factory type.</typeparam>
internal sealed partial class KubeInformersHostedService<TFactory> : IHostedService, IAsyncDisposable where TFactory : SharedInformerFactory
{
    private readonly IServiceProvider _services;
    private readonly KubeInformersOptions<TFactory> _options;
    private readonly CacheSyncSignal _signal;
    private readonly InformerHealthMonitor _monitor;
    private readonly KubeInformersMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private ITimer? _sampler;
    private TFactory? _factory;

    /// <summary>Creates the service.</summary>
    public KubeInformersHostedService(IServiceProvider services, KubeInformersOptions<TFactory> options, CacheSyncSignal signal,
        InformerHealthMonitor monitor, KubeInformersMetrics metrics, ILogger<KubeInformersHostedService<TFactory>> logger)
    {
        _services = services;
        _options = options;
        _signal = signal;
        _monitor = monitor;
        _metrics = metrics;
        _timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var factory = _factory = _services.GetRequiredService<TFactory>();
        foreach (var setup in _options.Setup)
        {
            setup(factory, _services);
        }
        foreach (var setup in _services.GetServices<IFactorySetup>())
        {
            setup.Configure(factory);
        }

        var informers = factory.Informers;
        if (informers.Count == 0)
        {
            Log.NoInformers(_logger);
        }
        foreach (var informer in informers)
        {
            _metrics.TrackInformer(informer);
        }

        factory.Start();
        _sampler = _timeProvider.CreateTimer(_ => _monitor.Sample(), null, _monitor.Options.SampleInterval, _monitor.Options.SampleInterval);
        Log.WaitingForSync(_logger, informers.Count, string.Join(", ", informers.Select(InformerNames.Of)));
        var started = _timeProvider.GetTimestamp();
        try
        {
            await factory.WaitForCacheSyncAsync(_options.SyncTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (InformerSyncException ex)
        {
            Log.SyncFailed(_logger, ex.Message);
            await StopFactoryAsync().ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException)
        {
            await StopFactoryAsync().ConfigureAwait(false);
            throw;
        }
        _signal.SetSynced();
        Log.Synced(_logger, informers.Count, _timeProvider.GetElapsedTime(started));
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await StopFactoryAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StopFactoryAsync()
    {
        if (_sampler is { } sampler)
        {
            await sampler.DisposeAsync().ConfigureAwait(false);
            _sampler = null;
        }
        if (_factory is { } factory)
        {
            await factory.ShutdownAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_sampler is { } sampler)
        {
            await sampler.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "KubeInformers: no informer was requested; nothing to start. Use options.AddInformer(...) or a controller.")]
        public static partial void NoInformers(ILogger logger);

        [LoggerMessage(2, LogLevel.Information, "KubeInformers: waiting for {Count} informer(s) to sync: {Informers}.")]
        public static partial void WaitingForSync(ILogger logger, int count, string informers);

        [LoggerMessage(3, LogLevel.Information, "KubeInformers: {Count} informer(s) synced in {Elapsed}.")]
        public static partial void Synced(ILogger logger, int count, TimeSpan elapsed);

        [LoggerMessage(4, LogLevel.Critical, "{Message}")]
        public static partial void SyncFailed(ILogger logger, string message);
    }
}
