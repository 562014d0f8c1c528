namespace KubeInformers.Hosting;

/// <summary>
/// The informers a host watches over: readiness, liveness and metrics read them from here. The default implementation
/// returns every informer of the registered factory (<see cref="SharedInformerFactory.Informers"/>). Thread-safe.
/// </summary>
public interface IInformerSource
{
    /// <summary>A snapshot of the informers created so far.</summary>
    IReadOnlyCollection<ISharedInformer> Informers { get; }
}

/// <summary>An <see cref="IInformerSource"/> over a <see cref="SharedInformerFactory"/>.</summary>
internal sealed class FactoryInformerSource : IInformerSource
{
    private readonly SharedInformerFactory _factory;

    /// <summary>Creates the source.</summary>
    public FactoryInformerSource(SharedInformerFactory factory) => _factory = factory ?? throw new ArgumentNullException(nameof(factory));

    /// <inheritdoc/>
    public IReadOnlyCollection<ISharedInformer> Informers => _factory.Informers;
}
