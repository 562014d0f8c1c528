namespace KubeInformers.Tests.Cache;

/// <summary>A minimal cacheable object: <c>name@rv</c>, keyed by name.</summary>
internal sealed record StoreTestObject(string Name, int Rv, string[]? Values = null)
{
    public static readonly Func<StoreTestObject, string> Key = o => o.Name;

    public override string ToString() => $"{Name}@{Rv}";
}

/// <summary>Known objects backed by an <see cref="Indexer{T}"/>, as in an informer.</summary>
internal static class StoreTestKnown
{
    public static Indexer<StoreTestObject> With(params StoreTestObject[] objects)
    {
        var indexer = new Indexer<StoreTestObject>(StoreTestObject.Key);
        foreach (var o in objects)
        {
            indexer.Add(o);
        }

        return indexer;
    }
}
