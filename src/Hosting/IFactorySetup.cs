namespace KubeInformers.Hosting;

/// <summary>
/// A piece of the application that needs informers (a controller, say): the hosted service calls every registered
/// setup with the factory before it starts the factory, so the informers they create are started and waited for too.
/// Register implementations as singletons of this interface.
/// </summary>
public interface IFactorySetup
{
    /// <summary>Creates informers and adds handlers. Called once, before the factory starts.</summary>
    void Configure(SharedInformerFactory factory);
}
