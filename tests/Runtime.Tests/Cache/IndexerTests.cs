using k8s.Models;

namespace KubeInformers.Tests.Cache;

using Obj = StoreTestObject;

/// <summary>Indexer behaviours (SEMANTICS.md 30–31 and client-go thread_safe_store_test.go / index_test.go).</summary>
public sealed class IndexerTests
{
    private const string ByValue = "by-value";

    private static Indexer<Obj> NewIndexer()
        => new(Obj.Key, new Dictionary<string, IndexFunc<Obj>> { [ByValue] = o => o.Values ?? [] });

    private static string[] Names(IEnumerable<Obj> objects) => [.. objects.Select(o => o.Name).Order()];

    [Fact] // 30
    public void MultiValuedIndex_FollowsUpdatesAndDeletes_AndPrunesEmptySets()
    {
        var indexer = NewIndexer();
        indexer.Add(new Obj("a", 1, ["x", "y"]));
        indexer.Add(new Obj("b", 1, ["y"]));

        Assert.Equal(["a"], Names(indexer.ByIndex(ByValue, "x")));
        Assert.Equal(["a", "b"], Names(indexer.ByIndex(ByValue, "y")));

        indexer.Update(new Obj("a", 2, ["z"]));

        Assert.Empty(indexer.ByIndex(ByValue, "x"));
        Assert.Equal(["b"], Names(indexer.ByIndex(ByValue, "y")));
        Assert.Equal(["a"], Names(indexer.ByIndex(ByValue, "z")));
        Assert.Equal(["y", "z"], indexer.ListIndexFuncValues(ByValue).Order());

        indexer.Delete(new Obj("b", 2));

        Assert.Equal(["z"], indexer.ListIndexFuncValues(ByValue));
        Assert.Empty(indexer.IndexKeys(ByValue, "y"));
    }

    [Fact]
    public void Upsert_ReturnsTheReplacedObject_AndIndexesTheNewOne()
    {
        var indexer = NewIndexer();
        var first = new Obj("a", 1, ["x"]);
        var second = new Obj("a", 2, ["y"]);

        Assert.Null(indexer.Upsert(first));
        Assert.Same(first, indexer.Upsert(second));

        Assert.Equal(1, indexer.Count);
        Assert.Same(second, indexer.GetByKey("a"));
        Assert.Empty(indexer.ByIndex(ByValue, "x"));
        Assert.Equal(["a"], Names(indexer.ByIndex(ByValue, "y")));
    }

    [Fact] // 30
    public void Delete_OfLastObjectWithAValue_RemovesTheValueFromTheIndex()
    {
        var indexer = NewIndexer();
        indexer.Add(new Obj("a", 1, ["x"]));

        indexer.Delete(new Obj("a", 1, ["x"]));

        Assert.Empty(indexer.ListIndexFuncValues(ByValue));
        Assert.Equal(0, indexer.Count);
    }

    [Fact] // 31
    public void AddIndexers_AfterItemsExist_IndexesThem()
    {
        var indexer = new Indexer<Obj>(Obj.Key);
        indexer.Add(new Obj("a", 1, ["x"]));
        indexer.Add(new Obj("b", 1, ["x", "y"]));

        indexer.AddIndexers(new Dictionary<string, IndexFunc<Obj>> { [ByValue] = o => o.Values ?? [] });

        Assert.Equal(["a", "b"], Names(indexer.ByIndex(ByValue, "x")));
        Assert.Equal(["b"], indexer.IndexKeys(ByValue, "y"));
        Assert.Contains(ByValue, indexer.Indexers.Keys);

        indexer.Add(new Obj("c", 1, ["y"]));
        Assert.Equal(["b", "c"], Names(indexer.ByIndex(ByValue, "y")));
    }

    [Fact] // 31
    public void AddIndexers_WithADuplicateName_ThrowsAndKeepsTheExistingIndex()
    {
        var indexer = NewIndexer();
        indexer.Add(new Obj("a", 1, ["x"]));

        var ex = Assert.Throws<ArgumentException>(() => indexer.AddIndexers(new Dictionary<string, IndexFunc<Obj>>
        {
            ["other"] = _ => ["o"],
            [ByValue] = _ => ["never"],
        }));

        Assert.Contains(ByValue, ex.Message);
        Assert.Equal(["a"], Names(indexer.ByIndex(ByValue, "x")));
        Assert.DoesNotContain("other", indexer.Indexers.Keys);
    }

    [Fact]
    public void UnknownIndexName_ThrowsKeyNotFoundNamingTheIndex()
    {
        var indexer = NewIndexer();

        var ex = Assert.Throws<KeyNotFoundException>(() => indexer.ByIndex("nope", "x"));
        Assert.Contains("'nope'", ex.Message);
        Assert.Contains(ByValue, ex.Message);
        Assert.Throws<KeyNotFoundException>(() => indexer.IndexKeys("nope", "x"));
        Assert.Throws<KeyNotFoundException>(() => indexer.ListIndexFuncValues("nope"));
        Assert.Throws<KeyNotFoundException>(() => indexer.Index("nope", new Obj("a", 1)));
    }

    [Fact]
    public void Replace_SwapsContentAndRebuildsIndexes()
    {
        var indexer = NewIndexer();
        indexer.Add(new Obj("old", 1, ["x"]));

        indexer.Replace([new Obj("a", 2, ["x"]), new Obj("b", 2, ["y"])]);

        Assert.Null(indexer.GetByKey("old"));
        Assert.Equal(2, indexer.Count);
        Assert.Equal(["a", "b"], indexer.ListKeys().Order());
        Assert.Equal(["a"], Names(indexer.ByIndex(ByValue, "x")));
        Assert.Equal(["b"], Names(indexer.ByIndex(ByValue, "y")));
    }

    [Fact]
    public void GetByKey_ReturnsTheStoredObjectOrNull()
    {
        var indexer = NewIndexer();
        var a = new Obj("a", 1);
        indexer.Add(a);

        Assert.Same(a, indexer.GetByKey("a"));
        Assert.Null(indexer.GetByKey("missing"));
        Assert.True(indexer.TryGetByKey("a", out var found));
        Assert.Same(a, found);
        Assert.False(indexer.TryGetByKey("missing", out _));
    }

    [Fact]
    public void GetByKey_DoesNotAllocate()
    {
        var indexer = NewIndexer();
        for (var i = 0; i < 100; i++)
        {
            indexer.Add(new Obj("k" + i, i));
        }

        var keys = Enumerable.Range(0, 100).Select(i => "k" + i).ToArray();
        _ = indexer.GetByKey(keys[0]); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        var found = 0;
        foreach (var key in keys)
        {
            if (indexer.GetByKey(key) is not null)
            {
                found++;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(100, found);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ByIndex_AllocatesOnlyItsResultArray()
    {
        var indexer = NewIndexer();
        for (var i = 0; i < 10; i++)
        {
            indexer.Add(new Obj("k" + i, i, ["shared"]));
        }

        _ = indexer.ByIndex(ByValue, "shared"); // warm up (JIT, per-thread lock state)
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = indexer.ByIndex(ByValue, "shared");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10, result.Count);
        Assert.True(allocated <= 24 + (8 * 10), $"ByIndex allocated {allocated} bytes for a 10-element result");
    }

    [Fact]
    public void Index_ReturnsObjectsSharingAnyValue()
    {
        var indexer = NewIndexer();
        indexer.Add(new Obj("a", 1, ["x"]));
        indexer.Add(new Obj("b", 1, ["y"]));
        indexer.Add(new Obj("c", 1, ["x", "y"]));
        indexer.Add(new Obj("d", 1, ["z"]));

        Assert.Equal(["a", "b", "c"], Names(indexer.Index(ByValue, new Obj("probe", 0, ["x", "y"]))));
        Assert.Equal(["a", "c"], Names(indexer.Index(ByValue, new Obj("probe", 0, ["x"]))));
        Assert.Empty(indexer.Index(ByValue, new Obj("probe", 0, ["none"])));
    }

    [Fact]
    public void List_ReturnsEveryObject()
    {
        var indexer = NewIndexer();
        indexer.Add(new Obj("a", 1));
        indexer.Add(new Obj("b", 1));
        indexer.Update(new Obj("a", 2));

        Assert.Equal(["a", "b"], Names(indexer.List()));
        Assert.Equal(2, indexer.List().Single(o => o.Name == "a").Rv);
    }

    [Fact]
    public void NamespaceIndex_IndexesNamespacedObjectsOnly()
    {
        var indexer = new Indexer<V1Pod>(CacheKeys.MetaNamespaceKey, StandardIndexes.NamespaceIndexers<V1Pod>());
        indexer.Add(new V1Pod { Metadata = new V1ObjectMeta { Name = "p1", NamespaceProperty = "ns1" } });
        indexer.Add(new V1Pod { Metadata = new V1ObjectMeta { Name = "p2", NamespaceProperty = "ns2" } });
        indexer.Add(new V1Pod { Metadata = new V1ObjectMeta { Name = "cluster" } });

        Assert.Equal(["ns1/p1"], indexer.IndexKeys(StandardIndexes.Namespace, "ns1"));
        Assert.Equal(["ns1", "ns2"], indexer.ListIndexFuncValues(StandardIndexes.Namespace).Order());
        Assert.NotNull(indexer.GetByKey("cluster"));
    }

    [Fact]
    public async Task ConcurrentReadersWhileAWriterWrites_AlwaysSeeConsistentIndexes()
    {
        // Each object "k{i}" carries the value "v{rv % 3}"; a reader must never get an object from ByIndex("vN")
        // that does not carry "vN", nor see a torn List.
        var indexer = NewIndexer();
        const int Writes = 20_000;
        var writerDone = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var writer = Task.Run(() =>
        {
            for (var i = 0; i < Writes; i++)
            {
                var obj = new Obj("k" + (i % 50), i, ["v" + (i % 3)]);
                if (i % 7 == 0)
                {
                    indexer.Delete(obj);
                }
                else
                {
                    indexer.Update(obj);
                }

                if (i % 5000 == 0)
                {
                    indexer.Replace(indexer.List());
                }
            }

            Volatile.Write(ref writerDone, 1);
        });

        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var iterations = 0;
            while (Volatile.Read(ref writerDone) == 0 && iterations++ < 1_000_000)
            {
                var value = "v" + (iterations % 3);
                foreach (var o in indexer.ByIndex(ByValue, value))
                {
                    if (o is null || o.Values![0] != value)
                    {
                        failures.Enqueue($"ByIndex({value}) returned {o}");
                    }
                }

                foreach (var key in indexer.IndexKeys(ByValue, value))
                {
                    _ = indexer.GetByKey(key);
                }

                if (indexer.List().Any(o => o is null))
                {
                    failures.Enqueue("List returned a null entry");
                }
            }
        })).ToArray();

        await Wait.ForAsync(Task.WhenAll([writer, .. readers]), "writer and readers");
        Assert.Empty(failures);
        Assert.All(indexer.List(), o => Assert.Contains(o.Name, indexer.IndexKeys(ByValue, o.Values![0])));
    }
}
