namespace KubeInformers.Hosting.Controllers;

/// <summary>What <see cref="Finalizer{T}.HandleAsync"/> found and did, and so what the reconcile does next.</summary>
public enum FinalizerOutcome
{
    /// <summary>The object lives and carries the finalizer (added now if it was missing): go on with the side effects.</summary>
    Continue,

    /// <summary>The object was being deleted: the cleanup ran and the finalizer is removed. Stop (return Done).</summary>
    Finalized,

    /// <summary>The object is gone, or being deleted without this finalizer (cleaned up before): nothing to do. Stop.</summary>
    NothingToDo,
}
