namespace KubeInformers.Generator.Crds;

/// <summary>Tracking names of the CRD and RBAC pipeline steps, for incremental-generation tests.</summary>
public static class CrdTrackingNames
{
    /// <summary>One parsed CRD version per <c>[GenerateInformer]</c> class.</summary>
    public const string CrdVersions = nameof(CrdVersions);

    /// <summary>The assembled CRDs, one item per CRD.</summary>
    public const string CrdDefinitions = nameof(CrdDefinitions);

    /// <summary>The writing toolkit types the assembly uses (StatusUpdater, Finalizer, EventRecorder), deduplicated and sorted.</summary>
    public const string RbacWrites = nameof(RbacWrites);

    /// <summary>The RBAC spec of the assembly.</summary>
    public const string Rbac = nameof(Rbac);
}
