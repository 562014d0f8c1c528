namespace KubeInformers;

/// <summary>Options of a <see cref="DeltaFifo{T}"/>.</summary>
public sealed class DeltaFifoOptions<T> where T : class
{
    /// <summary>Computes an object's key. Required.</summary>
    public required Func<T, string> KeyFunc { get; init; }

    /// <summary>What the consumer already has; needed for deletions on <see cref="DeltaFifo{T}.Replace"/> and for <see cref="DeltaFifo{T}.Resync"/>.</summary>
    public IKnownObjects<T>? KnownObjects { get; init; }

    /// <summary>Whether <see cref="DeltaFifo{T}.Replace"/> records <see cref="DeltaType.Replaced"/> (true) or <see cref="DeltaType.Sync"/> (false, the old behaviour). Informers set it.</summary>
    public bool EmitDeltaTypeReplaced { get; init; }

    /// <summary>Runs once on every object as it is queued (never on tombstones or resyncs), e.g. to drop <c>managedFields</c>. Must be idempotent.</summary>
    public Func<T, T>? Transform { get; init; }
}

/// <summary>Processes the deltas of one key popped from a <see cref="DeltaFifo{T}"/>.</summary>
/// <param name="deltas">The key's deltas, oldest first; never empty.</param>
/// <param name="isInInitialList">Whether these deltas came from the first <see cref="DeltaFifo{T}.Replace"/> and it has not yet been fully popped.</param>
public delegate void DeltaProcessor<T>(IReadOnlyList<Delta<T>> deltas, bool isInInitialList) where T : class;

/// <summary>Thrown by <see cref="DeltaFifo{T}.PopAsync"/> once the queue is closed.</summary>
public sealed class FifoClosedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public FifoClosedException() : base("The DeltaFifo is closed.") { }
}

/// <summary>
/// A producer/consumer queue of per-key change lists, with client-go DeltaFIFO semantics: one entry per key, in the order
/// keys were first queued; consecutive deletes collapse; <see cref="Replace"/> infers deletions as
/// <c>DeletedFinalStateUnknown</c> tombstones; <see cref="Resync"/> skips keys with queued changes.
/// Thread-safe: one producer (the reflector) and any number of consumers.
/// </summary>
public sealed class DeltaFifo<T> : IReflectorStore<T> where T : class
{
    /// <summary>Creates a queue.</summary>
    public DeltaFifo(DeltaFifoOptions<T> options) => throw new NotImplementedException();

    /// <summary>True once the items of the first <see cref="Replace"/> have all been popped, or an Add/Update/Delete came before any Replace.</summary>
    public bool HasSynced => throw new NotImplementedException();

    /// <summary>Whether <see cref="Close"/> was called.</summary>
    public bool IsClosed => throw new NotImplementedException();

    /// <summary>The number of keys queued.</summary>
    public int Count => throw new NotImplementedException();

    /// <inheritdoc/>
    public void Add(T obj) => throw new NotImplementedException();
    /// <inheritdoc/>
    public void Update(T obj) => throw new NotImplementedException();
    /// <inheritdoc/>
    public void Delete(T obj) => throw new NotImplementedException();
    /// <inheritdoc/>
    public void Replace(IReadOnlyList<T> items, string resourceVersion) => throw new NotImplementedException();
    /// <inheritdoc/>
    public void Resync() => throw new NotImplementedException();

    /// <summary>The queued keys, in queue order.</summary>
    public IReadOnlyList<string> ListKeys() => throw new NotImplementedException();

    /// <summary>The deltas queued for <paramref name="key"/>, oldest first (a copy).</summary>
    public bool TryGetDeltas(string key, out IReadOnlyList<Delta<T>> deltas) => throw new NotImplementedException();

    /// <summary>
    /// Waits for a key, removes it with all its deltas and runs <paramref name="process"/> on them.
    /// </summary>
    /// <exception cref="FifoClosedException">The queue was closed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask PopAsync(DeltaProcessor<T> process, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Closes the queue: waiting and later <see cref="PopAsync"/> calls throw <see cref="FifoClosedException"/>.</summary>
    public void Close() => throw new NotImplementedException();
}
