using System.ComponentModel;

namespace KubeInformers;

/// <summary>
/// Where generated code registers the <see cref="CompiledJsonReader{T}">compiled readers</see> of the model types it
/// generates informers for (from a module initializer), and where the runtime's decoder finds them: one lookup per type,
/// cached in a static generic field. Thread-safe.
/// </summary>
/// <remarks>
/// A reader may come with the <see cref="CompiledModelShape">shapes</see> of the model classes it was compiled against. On
/// first use they are compared with the classes the process runs with: a reader whose model differs (the app runs with
/// another KubernetesClient than it was built with) is skipped, logged once and counted
/// (<see cref="ReflectorInstruments.Degraded"/>), and the first registered reader that matches is used (so a stale
/// reader of one assembly does not shadow a current one of another); readers without shapes are taken as they are, in
/// registration order. With none usable, the type is decoded by <c>JsonSerializer</c>.
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
        Entry<T>.Add(new Candidate<T>(factory, null));
    }

    /// <summary>
    /// Registers the reader of <typeparamref name="T"/> with the shapes of the model classes it was compiled against,
    /// checked on first use. Called by generated code.
    /// </summary>
    /// <param name="factory">Creates the reader; called at most once, on first use, and only if the shapes match.</param>
    /// <param name="shapes">The model classes the reader sets properties of, as it knows them; called at most once.</param>
    public static void Register<T>(Func<CompiledReaderContext, CompiledJsonReader<T>> factory, Func<CompiledModelShape[]> shapes) where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(shapes);
        Entry<T>.Add(new Candidate<T>(factory, shapes));
    }

    /// <summary>Whether generated code registered a reader for <typeparamref name="T"/>.</summary>
    public static bool IsRegistered<T>() where T : class => Volatile.Read(ref Entry<T>.Candidates).Length > 0;

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

    /// <summary>
    /// Checks and creates the reader of <typeparamref name="T"/> on a thread-pool thread, so the model check (reflection over
    /// the reader's model classes, a few milliseconds for a Pod) overlaps the first list request instead of delaying its
    /// decoding. Should the decoder need the reader first, it does the same work itself; the outcome is the same.
    /// </summary>
    internal static void Prepare<T>() where T : class
    {
        if (Volatile.Read(ref Entry<T>.Candidates).Length > 0 && Volatile.Read(ref Entry<T>.Reader) is null && !Entry<T>.Unusable)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static _ => Get<T>(), null);
        }
    }

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

    private sealed record Candidate<T>(Func<CompiledReaderContext, CompiledJsonReader<T>> Factory, Func<CompiledModelShape[]>? Shapes)
        where T : class;

    private static class Entry<T> where T : class
    {
        public static Candidate<T>[] Candidates = [];
        public static CompiledJsonReader<T>? Reader;
        public static bool Unusable;
        public static long Decoded;
        public static long FallenBack;

        public static void Add(Candidate<T> candidate)
        {
            Candidate<T>[] current, updated;
            do
            {
                current = Volatile.Read(ref Candidates);
                updated = [.. current, candidate];
            }
            while (Interlocked.CompareExchange(ref Candidates, updated, current) != current);
        }

        public static CompiledJsonReader<T>? Create()
        {
            var candidates = Volatile.Read(ref Candidates);
            if (candidates.Length == 0 || Unusable)
            {
                return null; // not cached: a module that registers it may load later
            }

            if (CompiledReaderContext.Default is not { } context)
            {
                // KubernetesJsonCodec has already reported why its options are missing.
                Unusable = true;
                return null;
            }

            foreach (var candidate in candidates)
            {
                if (Mismatch(candidate) is { } difference)
                {
                    RuntimeDegradations.Report("compiled_reader:" + typeof(T).Name,
                        $"a compiled reader of {typeof(T).FullName} was built against another model than the one running and is not used (objects are decoded by the next matching reader, else JsonSerializer)",
                        difference);
                    continue;
                }

                try
                {
                    var reader = candidate.Factory(context);
                    Volatile.Write(ref Reader, reader);
                    return reader;
                }
                catch (Exception error)
                {
                    RuntimeDegradations.Report("compiled_reader:" + typeof(T).Name,
                        $"the compiled reader of {typeof(T).FullName} could not be created; its objects are decoded by JsonSerializer",
                        error.GetType().Name + ": " + error.Message);
                }
            }

            Unusable = true;
            return null;
        }

        private static string? Mismatch(Candidate<T> candidate)
        {
            if (candidate.Shapes is null)
            {
                return null;
            }

            try
            {
                var differences = candidate.Shapes().Select(s => s.FindDifference()).OfType<string>().ToArray();
                return differences.Length == 0 ? null : string.Join("; ", differences);
            }
            catch (Exception error)
            {
                return "its model shapes could not be read: " + error.GetType().Name + ": " + error.Message;
            }
        }
    }
}

/// <summary>Counts of one type's compiled reader.</summary>
/// <param name="Decoded">Objects the compiled reader decoded.</param>
/// <param name="FallenBack">Objects it handed to <c>JsonSerializer</c> (something it does not decode itself).</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct CompiledReaderStatistics(long Decoded, long FallenBack);
