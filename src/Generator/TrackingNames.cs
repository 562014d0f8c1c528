namespace KubeInformers.Generator;

/// <summary>
/// Names of the generator's tracked incremental steps, public so tests can assert that each step is cached when its
/// input has not changed.
/// </summary>
public static class TrackingNames
{
    /// <summary>
    /// <c>[GenerateInformer]</c> targets (custom-resource classes and the assembly's <c>typeof(T)</c> declarations), each
    /// parsed once into its resource models and the compiled-reader graph of their types.
    /// </summary>
    public const string InformerDeclarations = nameof(InformerDeclarations);

    /// <summary>Partial types carrying <c>[InformerProjection(typeof(...))]</c>, parsed into resource models with a projection.</summary>
    public const string Projections = nameof(Projections);

    /// <summary>The <c>[assembly: GenerateBuiltInInformers]</c> opt-in, expanded into the built-in catalogue and its reader graph.</summary>
    public const string BuiltInCatalogue = nameof(BuiltInCatalogue);

    /// <summary>Assembly-level <c>[InformerIndex(typeof(...), ...)]</c> declarations.</summary>
    public const string AssemblyIndexes = nameof(AssemblyIndexes);

    /// <summary>Methods carrying <c>[InformerIndexFunction]</c>.</summary>
    public const string IndexFunctions = nameof(IndexFunctions);

    /// <summary>The <c>[assembly: InformerFactory]</c> naming options.</summary>
    public const string FactoryOptions = nameof(FactoryOptions);

    /// <summary>The default factory namespace (root namespace or assembly name).</summary>
    public const string DefaultNamespace = nameof(DefaultNamespace);

    /// <summary>The assembled, validated generation model (all resources, indexes attached, factory shape).</summary>
    public const string GenerationModel = nameof(GenerationModel);

    /// <summary>One emitted resource (informer, lister, namespace lister, indexes).</summary>
    public const string ResourceOutputs = nameof(ResourceOutputs);

    /// <summary>The emitted factory.</summary>
    public const string FactoryOutput = nameof(FactoryOutput);

    /// <summary>The merged compiled-reader graph emitted as one file.</summary>
    public const string ReaderGraph = nameof(ReaderGraph);

    /// <summary>The merged deep-copy graph of every informer model type.</summary>
    public const string DeepCopyGraph = nameof(DeepCopyGraph);
}
