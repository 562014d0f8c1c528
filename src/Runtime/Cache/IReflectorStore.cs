namespace KubeInformers;

/// <summary>
/// What a <see cref="Reflector{T}"/> writes into: the cache writer of a <see cref="SharedIndexInformer{T}"/>, a standalone
/// <see cref="DeltaFifo{T}"/>, or any store in tests.
/// Calls come from the reflector's single loop, never concurrently.
/// </summary>
public interface IReflectorStore<T> where T : class
{
    /// <summary>An object was added (watch ADDED).</summary>
    void Add(T obj);
    /// <summary>An object was modified (watch MODIFIED).</summary>
    void Update(T obj);
    /// <summary>An object was deleted (watch DELETED); <paramref name="obj"/> is its last state.</summary>
    void Delete(T obj);
    /// <summary>A full list at <paramref name="resourceVersion"/> replaces everything: objects missing from it were deleted.</summary>
    void Replace(IReadOnlyList<T> items, string resourceVersion);
    /// <summary>Queue a Sync for every known object that has no pending change (periodic resync).</summary>
    void Resync();
}
