namespace KubeInformers.Hosting.Controllers;

/// <summary>A controller registered with <c>AddKubeController</c>, run by the controller hosted service.</summary>
internal interface IControllerRunner : IFactorySetup
{
    /// <summary>The controller's name.</summary>
    string Name { get; }

    /// <summary>Runs workers for one leadership term (until <paramref name="term"/> is cancelled or shutdown).</summary>
    Task RunAsync(CancellationToken term);

    /// <summary>Graceful stop: drain, then shut the queue down; cancels reconciles when <paramref name="cancellationToken"/> fires.</summary>
    Task ShutDownAsync(CancellationToken cancellationToken);
}

/// <summary>Binds a <see cref="Controller{TKey}"/> of cache keys to the informers it watches.</summary>
/// <typeparam name="TFactory">The informer factory type.</typeparam>
internal sealed class ControllerRunner<TFactory> : IControllerRunner where TFactory : SharedInformerFactory
{
    private readonly Action<TFactory, Controller<string>> _watch;

    /// <summary>Creates the runner.</summary>
    public ControllerRunner(Controller<string> controller, Action<TFactory, Controller<string>> watch)
    {
        Controller = controller ?? throw new ArgumentNullException(nameof(controller));
        _watch = watch ?? throw new ArgumentNullException(nameof(watch));
    }

    /// <summary>The controller.</summary>
    public Controller<string> Controller { get; }

    /// <inheritdoc/>
    public string Name => Controller.Name;

    /// <inheritdoc/>
    public void Configure(SharedInformerFactory factory)
    {
        if (factory is not TFactory typed)
        {
            throw new InvalidOperationException($"Controller '{Name}' expects a {typeof(TFactory).Name} but the registered factory is a {factory.GetType().Name}.");
        }
        _watch(typed, Controller);
    }

    /// <inheritdoc/>
    public Task RunAsync(CancellationToken term) => Controller.RunAsync(term);

    /// <inheritdoc/>
    public Task ShutDownAsync(CancellationToken cancellationToken) => Controller.ShutDownAsync(cancellationToken);
}
