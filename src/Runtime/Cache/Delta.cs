namespace KubeInformers;

/// <summary>What happened to an object, as recorded in a <see cref="DeltaFifo{T}"/>.</summary>
public enum DeltaType
{
    /// <summary>The object was created (or first seen on a watch).</summary>
    Added,
    /// <summary>The object changed.</summary>
    Updated,
    /// <summary>The object was deleted. With <see cref="Delta{T}.IsFinalStateUnknown"/> the delete was inferred by a relist and the object is its last known state.</summary>
    Deleted,
    /// <summary>The object was part of a relist (<see cref="DeltaFifo{T}.Replace"/>) with <see cref="DeltaFifoOptions{T}.EmitDeltaTypeReplaced"/>.</summary>
    Replaced,
    /// <summary>A periodic resync, or a relist without <see cref="DeltaFifoOptions{T}.EmitDeltaTypeReplaced"/>: the object did not necessarily change.</summary>
    Sync,
}

/// <summary>One change to one object.</summary>
/// <param name="Type">What happened.</param>
/// <param name="Object">The object's state after the change; for a delete, its last known state.</param>
/// <param name="IsFinalStateUnknown">
/// <see langword="true"/> for a delete that a relist inferred (client-go's <c>DeletedFinalStateUnknown</c>):
/// the object vanished while the watch was down, and <paramref name="Object"/> may be stale.
/// </param>
public readonly record struct Delta<T>(DeltaType Type, T Object, bool IsFinalStateUnknown = false) where T : class;
