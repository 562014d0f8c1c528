using System.ComponentModel;

namespace KubeInformers;

/// <summary>
/// Where generated code registers the <see cref="CompiledJsonReader{T}">compiled readers</see> of the model types it
/// generates informers for (from a module initializer), and where the runtime's decoder finds them: one lookup per type,
/// cached in a static generic field. The first registration of a type wins; every reader of a type decodes alike.
/// Thread-safe.
/// </summary>
/// <remarks>
/// Readers are used only when the decoder's options are the ones they were generated for (KubernetesClient's options:
/// camelCase, case-sensitive, strict numbers); otherwise nothing changes and decoding goes through <c>JsonSerializer</c>.
/// <see cref="SharedInformerFactoryOptions.CompiledReaders"/> turns them off per factory.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CompiledReaderRegistry
{
    /// <summary>Registers the reader of <typeparamref name="T"/>, made once from the decoder's context. Called by generated code.</summary>
    /// <param name="factory">Creates the reader; called at most once, on first use.</param>
    public static void Register<T>(Func<CompiledReaderContext, CompiledJsonReader<T>> factory) where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        Interlocked.CompareExchange(ref Entry<T>.Factory, factory, null);
    }

    /// <summary>Whether generated code registered a reader for <typeparamref name="T"/>.</summary>
    public static bool IsRegistered<T>() where T : class => Volatile.Read(ref Entry<T>.Factory) is not null;

    /// <summary>
    /// The reader of <typeparamref name="T"/> the decoder uses, or null when there is none or it cannot be used with the
    /// decoder's options. For tests and diagnostics; the decoder calls it with a fallback to <c>JsonSerializer</c>.
    /// </summary>
    public static CompiledJsonReader<T>? GetReader<T>() where T : class => Get<T>();

    /// <summary>How many objects of <typeparamref name="T"/> the compiled reader decoded, and how many it handed to <c>JsonSerializer</c>.</summary>
    public static CompiledReaderStatistics GetStatistics<T>() where T : class =>
        new(Interlocked.Read(ref Entry<T>.Decoded), Interlocked.Read(ref Entry<T>.FallenBack));

    /// <summary>The reader of <typeparamref name="T"/>, or null when there is none (or it cannot be used with the decoder's options).</summary>
    internal static CompiledJsonReader<T>? Get<T>() where T : class => Entry<T>.Reader ?? Entry<T>.Create();

    internal static void CountDecoded<T>() where T : class => Interlocked.Increment(ref Entry<T>.Decoded);

    internal static void CountFallback<T>() where T : class => Interlocked.Increment(ref Entry<T>.FallenBack);

    /// <summary>
    /// Switches the reader of <typeparamref name="T"/> off for the rest of the process because it failed on an object
    /// <c>JsonSerializer</c> decoded (the model it was compiled against differs from the one running), and reports it.
    /// </summary>
    internal static void Disable<T>(string cause) where T : class
    {
        Entry<T>.Unusable = true;
        Volatile.Write(ref Entry<T>.Reader, null);
        RuntimeDegradations.Report("compiled_reader:" + typeof(T).Name,
            $"the compiled reader of {typeof(T).FullName} is switched off and its objects are decoded by JsonSerializer, because it failed on an object JsonSerializer decoded (the app probably runs with another KubernetesClient model than it was built with)",
            cause);
    }

    private static class Entry<T> where T : class
    {
        public static Func<CompiledReaderContext, CompiledJsonReader<T>>? Factory;
        public static CompiledJsonReader<T>? Reader;
        public static bool Unusable;
        public static long Decoded;
        public static long FallenBack;

        public static CompiledJsonReader<T>? Create()
        {
            var factory = Volatile.Read(ref Factory);
            if (factory is null || Unusable)
            {
                return null; // not cached: a module that registers it may load later
            }

            if (CompiledReaderContext.Default is not { } context)
            {
                // KubernetesJsonCodec has already reported why its options are missing.
                Unusable = true;
                return null;
            }

            try
            {
                var reader = factory(context);
                Volatile.Write(ref Reader, reader);
                return reader;
            }
            catch (Exception error)
            {
                Unusable = true;
                RuntimeDegradations.Report("compiled_reader:" + typeof(T).Name,
                    $"the compiled reader of {typeof(T).FullName} could not be created; its objects are decoded by JsonSerializer",
                    error.GetType().Name + ": " + error.Message);
                return null;
            }
        }
    }
}

/// <summary>Counts of one type's compiled reader.</summary>
/// <param name="Decoded">Objects the compiled reader decoded.</param>
/// <param name="FallenBack">Objects it handed to <c>JsonSerializer</c> (something it does not decode itself).</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct CompiledReaderStatistics(long Decoded, long FallenBack);
