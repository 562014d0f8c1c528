using k8s.Models;

namespace KubeInformers.Tests.Cache;

using Obj = StoreTestObject;

/// <summary>
/// The informer's write paths into the cache: upsert under a known key (with the shortcut when no index value changes),
/// delete by key, and the one-pass load of the first list.
/// </summary>
public sealed class IndexerWritePathTests
{
    private static Obj O(string name, int rv, params string[] values) => new(name, rv, values);

    private static Indexer<Obj> NewIndexer() => new(Obj.Key, new Dictionary<string, IndexFunc<Obj>>
    {
        ["byValue"] = o => o.Values ?? [],
        ["first"] = o => o.Values is [var first, ..] ? [first] : [],
    });

    [Fact]
    public void An_update_that_keeps_every_index_value_replaces_the_object_and_the_indexes_still_resolve_to_it()
    {
        var indexer = NewIndexer();
        Assert.Null(indexer.Upsert("a", O("a", 1, "x", "y")));

        var old = indexer.Upsert("a", O("a", 2, "x", "y"));

        Assert.Equal(1, old!.Rv);
        Assert.Equal(1, indexer.Count);
        Assert.Equal(2, indexer.GetByKey("a")!.Rv);
        Assert.Equal([2], indexer.ByIndex("byValue", "y").Select(o => o.Rv));
        Assert.Equal([2], indexer.ByIndex("first", "x").Select(o => o.Rv));
    }

    [Fact]
    public void An_update_that_changes_index_values_moves_the_key_and_prunes_empty_sets()
    {
        var indexer = NewIndexer();
        indexer.Upsert("a", O("a", 1, "x", "y"));
        indexer.Upsert("b", O("b", 1, "y"));

        indexer.Upsert("a", O("a", 2, "z", "y")); // same values in another order, one new

        Assert.Equal(["y", "z"], indexer.ListIndexFuncValues("byValue").Order());
        Assert.Equal(["a", "b"], indexer.IndexKeys("byValue", "y").Order());
        Assert.Equal(["y", "z"], indexer.ListIndexFuncValues("first").Order());
        Assert.Equal(["a"], indexer.IndexKeys("first", "z"));

        indexer.Upsert("a", O("a", 3, "y", "z")); // reordered values count as a change for a positional index
        Assert.Equal(["y"], indexer.ListIndexFuncValues("first"));
        Assert.Equal(["a", "b"], indexer.IndexKeys("first", "y").Order());
    }

    [Fact]
    public void DeleteByKey_removes_the_object_and_its_index_entries_and_ignores_unknown_keys()
    {
        var indexer = NewIndexer();
        indexer.Upsert("a", O("a", 1, "x"));
        indexer.Upsert("b", O("b", 1, "x"));

        indexer.DeleteByKey("a");
        indexer.DeleteByKey("missing");

        Assert.Equal(1, indexer.Count);
        Assert.Equal(["b"], indexer.IndexKeys("byValue", "x"));
        Assert.Null(indexer.GetByKey("a"));
    }

    [Fact]
    public void TryLoad_fills_an_empty_store_with_its_indexes()
    {
        var indexer = NewIndexer();

        Assert.True(indexer.TryLoad(["a", "b", "c"], [O("a", 1, "x", "y"), O("b", 2, "y"), O("c", 3)]));

        Assert.Equal(3, indexer.Count);
        Assert.Equal(["a", "b", "c"], indexer.ListKeys().Order());
        Assert.Equal(["a", "b"], indexer.IndexKeys("byValue", "y").Order());
        Assert.Equal(["x", "y"], indexer.ListIndexFuncValues("first").Order());
    }

    [Fact]
    public void TryLoad_changes_nothing_when_two_objects_share_a_key_or_the_store_is_not_empty()
    {
        var indexer = NewIndexer();
        Assert.False(indexer.TryLoad(["a", "a"], [O("a", 1, "x"), O("a", 2, "y")]));
        Assert.Equal(0, indexer.Count);
        Assert.Empty(indexer.ListIndexFuncValues("byValue"));

        indexer.Upsert("z", O("z", 1, "x"));
        Assert.False(indexer.TryLoad(["a"], [O("a", 1, "x")]));
        Assert.Equal(["z"], indexer.ListKeys());
    }

    [Fact]
    public void The_namespace_index_reads_the_namespace_directly_with_the_same_result_as_its_function()
    {
        var indexer = new Indexer<V1ConfigMap>(CacheKeys.MetaNamespaceKey, StandardIndexes.NamespaceIndexers<V1ConfigMap>());
        V1ConfigMap Cm(string ns, string name, string rv) => new() { Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, ResourceVersion = rv } };
        Assert.True(indexer.TryLoad(["a/x", "b/y", "z"], [Cm("a", "x", "1"), Cm("b", "y", "1"), Cm("", "z", "1")]));
        indexer.Upsert("a/x", Cm("a", "x", "2"));
        indexer.Upsert("b/w", Cm("b", "w", "1"));

        Assert.Equal(["a", "b"], indexer.ListIndexFuncValues(StandardIndexes.Namespace).Order());
        Assert.Equal(["b/w", "b/y"], indexer.IndexKeys(StandardIndexes.Namespace, "b").Order());
        Assert.Equal("2", indexer.ByIndex(StandardIndexes.Namespace, "a").Single().Metadata.ResourceVersion);
        var func = StandardIndexes.NamespaceIndexFunc<V1ConfigMap>();
        Assert.Equal(["a"], func(Cm("a", "x", "1")));
        Assert.Empty(func(Cm("", "z", "1")));
    }
}
