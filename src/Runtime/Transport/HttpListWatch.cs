using k8s;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// Lists and watches one resource over HTTP with a KubernetesClient <see cref="Kubernetes"/> client's
/// <c>HttpClient</c>, base address and credentials. Parses list bodies and watch lines straight from the
/// response stream into <typeparamref name="T"/>. Thread-safe.
/// </summary>
public sealed class HttpListWatch<T> : IListWatch<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Creates the list/watch source.</summary>
    /// <param name="client">The client whose HTTP pipeline, base address and credentials are used.</param>
    /// <param name="resource">The resource to list and watch.</param>
    /// <param name="options">Namespace and selectors.</param>
    public HttpListWatch(IKubernetes client, ResourceDescriptor resource, ListWatchOptions? options = null) => throw new NotImplementedException();

    /// <summary>The resource listed and watched.</summary>
    public ResourceDescriptor Resource => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task<ListPage<T>> ListAsync(ListRequest request, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task<IWatchStream<T>> WatchAsync(WatchRequest request, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
