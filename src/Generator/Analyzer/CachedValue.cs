using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator;

/// <summary>What a value that came from the informer cache is: a cached object, or a fresh sequence of cached objects.</summary>
internal enum CachedShape
{
    /// <summary>A cached object, or an object or collection reachable from one: shared with every reader.</summary>
    Object,

    /// <summary>A sequence the reader made (a lister's list): changing it is harmless, but its elements are cached objects.</summary>
    Elements,
}

/// <summary>
/// A value <see cref="CachedValueTracker"/> traced back to the informer cache: where it left the cache (for the message),
/// through which local or parameter it is reached, and where a <c>DeepCopy()</c> would make it private (for the code fix).
/// Immutable.
/// </summary>
internal sealed class CachedValue
{
    public CachedValue(CachedShape shape, string source, string readText)
    {
        Shape = shape;
        Source = source;
        ReadText = readText;
    }

    /// <summary>Object or sequence of objects.</summary>
    public CachedShape Shape { get; private set; }

    /// <summary>Where it left the cache, for the message: <c>Get on CronTabLister</c>, <c>onUpdate handler of PodInformer.AddEventHandler</c>.</summary>
    public string Source { get; }

    /// <summary>The text of the expression that read it from the cache (<c>lister.Get(key)</c>), or the parameter's name.</summary>
    public string ReadText { get; }

    /// <summary>The nearest local or parameter the value is reached through (the one written through), or null.</summary>
    public string? Via { get; private set; }

    /// <summary>The first local or parameter that held the cached object: the one to copy.</summary>
    public string? Holder { get; private set; }

    /// <summary>The expression whose value to copy (the only definition of <see cref="Holder"/>), or null when there is no single one.</summary>
    public IOperation? CopyPoint { get; private set; }

    /// <summary>The informer handler parameter the object came in through, or null.</summary>
    public IParameterSymbol? Parameter { get; private set; }

    /// <summary>The name shown as the thing written through.</summary>
    public string WrittenName => Via ?? ReadText;

    /// <summary>The name shown as the thing to copy.</summary>
    public string CopyName => Holder ?? ReadText;

    /// <summary>The same value reached as an object or collection through a member, an element or a conversion.</summary>
    public CachedValue AsObject() => Shape == CachedShape.Object ? this : With(v => v.Shape = CachedShape.Object);

    /// <summary>The value as a sequence of cached objects (a LINQ filter over it).</summary>
    public CachedValue AsElements() => With(v => v.Shape = CachedShape.Elements);

    /// <summary>The value as held by <paramref name="local"/>; it becomes the holder when none held the object before.</summary>
    public CachedValue HeldBy(ILocalSymbol local, IOperation? copyPoint) => With(v =>
    {
        v.Via = local.Name;
        if (v.Shape == CachedShape.Object && v.Holder is null)
        {
            v.Holder = local.Name;
            v.CopyPoint = copyPoint;
        }
    });

    /// <summary>The object as received by a handler <paramref name="parameter"/>.</summary>
    public static CachedValue FromParameter(IParameterSymbol parameter, string source)
        => new(CachedShape.Object, source, parameter.Name) { Via = parameter.Name, Holder = parameter.Name, Parameter = parameter };

    private CachedValue With(System.Action<CachedValue> change)
    {
        var copy = new CachedValue(Shape, Source, ReadText) { Via = Via, Holder = Holder, CopyPoint = CopyPoint, Parameter = Parameter };
        change(copy);
        return copy;
    }
}
