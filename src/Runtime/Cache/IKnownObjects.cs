using System.Diagnostics.CodeAnalysis;

namespace KubeInformers;

/// <summary>
/// The keys and objects a <see cref="DeltaFifo{T}"/> consults on <see cref="DeltaFifo{T}.Replace"/> and
/// <see cref="DeltaFifo{T}.Resync"/> to know what the consumer already has (for example its cache, an <see cref="IIndexer{T}"/>),
/// and that the informer's relist diff reads the cache through.
/// </summary>
public interface IKnownObjects<T> where T : class
{
    /// <summary>All keys currently known.</summary>
    IReadOnlyList<string> ListKeys();

    /// <summary>Gets the object stored under <paramref name="key"/>.</summary>
    bool TryGetByKey(string key, [MaybeNullWhen(false)] out T obj);
}
