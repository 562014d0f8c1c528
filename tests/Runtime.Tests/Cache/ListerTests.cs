using System.Diagnostics.CodeAnalysis;
using k8s.Models;

namespace KubeInformers.Tests.Cache;

/// <summary>Lister behaviours (SEMANTICS.md 32, client-go tools/cache/listers.go).</summary>
public sealed class ListerTests
{
    private static V1Pod Pod(string ns, string name, params (string Key, string Value)[] labels) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Labels = labels.Length == 0 ? null : labels.ToDictionary(l => l.Key, l => l.Value),
        },
    };

    private static Indexer<V1Pod> Cache(bool withNamespaceIndex = true)
    {
        var indexer = new Indexer<V1Pod>(CacheKeys.MetaNamespaceKey, withNamespaceIndex ? StandardIndexes.NamespaceIndexers<V1Pod>() : null);
        indexer.Add(Pod("a", "web-1", ("app", "web"), ("tier", "front")));
        indexer.Add(Pod("a", "db-1", ("app", "db")));
        indexer.Add(Pod("b", "web-2", ("app", "web"), ("tier", "back")));
        indexer.Add(Pod("b", "plain"));
        return indexer;
    }

    private static string[] Keys(IEnumerable<V1Pod> pods) => [.. pods.Select(p => CacheKeys.MetaNamespaceKey(p)).Order()];

    [Fact]
    public void List_WithoutSelector_ReturnsEverything()
    {
        var lister = new Lister<V1Pod>(Cache());

        Assert.Equal(["a/db-1", "a/web-1", "b/plain", "b/web-2"], Keys(lister.List()));
        Assert.Equal(4, lister.List(LabelSelector.Everything).Count);
        Assert.Equal(4, lister.List("").Count);
    }

    [Theory] // 32
    [InlineData("app=web", new[] { "a/web-1", "b/web-2" })]
    [InlineData("app!=web", new[] { "a/db-1", "b/plain" })]
    [InlineData("app in (db,web),tier", new[] { "a/web-1", "b/web-2" })]
    [InlineData("tier notin (front)", new[] { "a/db-1", "b/plain", "b/web-2" })]
    [InlineData("!app", new[] { "b/plain" })]
    [InlineData("app=none", new string[0])]
    public void List_WithLabelSelector_MatchesKubernetesSemantics(string selector, string[] expected)
    {
        var lister = new Lister<V1Pod>(Cache());

        Assert.Equal(expected, Keys(lister.List(selector)));
        Assert.Equal(expected, Keys(lister.List(LabelSelector.Parse(selector))));
    }

    [Fact]
    public void List_WithInvalidSelectorText_ThrowsFormatException()
        => Assert.Throws<FormatException>(() => new Lister<V1Pod>(Cache()).List("app=(x"));

    [Fact] // 32
    public void Get_OfMissingObject_ReturnsNull()
    {
        var lister = new Lister<V1Pod>(Cache());

        Assert.Null(lister.Get("a", "missing"));
        Assert.Null(lister.Namespace("a").Get("web-2"));
        Assert.Null(lister.Get("web-1"));
    }

    [Fact]
    public void Get_ReturnsTheSharedCachedObject()
    {
        var indexer = Cache();
        var lister = new Lister<V1Pod>(indexer);

        Assert.Same(indexer.GetByKey("a/web-1"), lister.Get("a", "web-1"));
        Assert.Same(indexer.GetByKey("b/web-2"), lister.Namespace("b").Get("web-2"));
    }

    [Fact]
    public void Get_OfClusterScopedObject_UsesTheNameAsKey()
    {
        var indexer = new Indexer<V1Node>(CacheKeys.MetaNamespaceKey);
        indexer.Add(new V1Node { Metadata = new V1ObjectMeta { Name = "n1" } });

        var lister = new Lister<V1Node>(indexer);

        Assert.Equal("n1", lister.Get("n1")?.Metadata.Name);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NamespaceLister_ListsOnlyItsNamespace_WithOrWithoutTheNamespaceIndex(bool withIndex)
    {
        var lister = new Lister<V1Pod>(Cache(withIndex));

        Assert.Equal(["a/db-1", "a/web-1"], Keys(lister.Namespace("a").List()));
        Assert.Equal(["b/web-2"], Keys(lister.Namespace("b").List("app=web")));
        Assert.Empty(lister.Namespace("c").List());
        Assert.Equal("b", lister.Namespace("b").NamespaceName);
    }

    [Fact]
    public void NamespaceLister_UsesTheNamespaceIndexInsteadOfScanning()
    {
        var counting = new CountingIndexer(Cache());
        var lister = new NamespaceLister<V1Pod>(counting, "a");

        Assert.Equal(["a/web-1"], Keys(lister.List("app=web")));
        Assert.Equal(0, counting.ListCalls);
        Assert.Equal(1, counting.ByIndexCalls);
    }

    [Fact]
    public void NamespaceLister_ForAllNamespaces_ListsEverything()
        => Assert.Equal(4, new Lister<V1Pod>(Cache()).Namespace("").List().Count);

    [Fact]
    public void ByIndex_ReadsTheNamedIndex()
    {
        var lister = new Lister<V1Pod>(Cache());

        Assert.Equal(["b/plain", "b/web-2"], Keys(lister.ByIndex(StandardIndexes.Namespace, "b")));
        Assert.Throws<KeyNotFoundException>(() => lister.ByIndex("nope", "b"));
    }

    [Fact]
    public void List_OverAnyIIndexer_Filters()
    {
        var lister = new Lister<V1Pod>(new CountingIndexer(Cache()));

        Assert.Equal(["a/web-1", "b/web-2"], Keys(lister.List("app=web")));
    }

    private sealed class CountingIndexer(Indexer<V1Pod> inner) : IIndexer<V1Pod>
    {
        public int ListCalls;
        public int ByIndexCalls;

        public int Count => inner.Count;
        public IReadOnlyDictionary<string, IndexFunc<V1Pod>> Indexers => inner.Indexers;
        public V1Pod? GetByKey(string key) => inner.GetByKey(key);
        public IReadOnlyList<V1Pod> List() { ListCalls++; return inner.List(); }
        public IReadOnlyList<V1Pod> ByIndex(string indexName, string indexedValue) { ByIndexCalls++; return inner.ByIndex(indexName, indexedValue); }
        public IReadOnlyList<string> IndexKeys(string indexName, string indexedValue) => inner.IndexKeys(indexName, indexedValue);
        public IReadOnlyList<string> ListIndexFuncValues(string indexName) => inner.ListIndexFuncValues(indexName);
        public IReadOnlyList<V1Pod> Index(string indexName, V1Pod obj) => inner.Index(indexName, obj);
        public IReadOnlyList<string> ListKeys() => inner.ListKeys();
        public bool TryGetByKey(string key, [MaybeNullWhen(false)] out V1Pod obj) => inner.TryGetByKey(key, out obj);
    }

    [Fact]
    public void Get_by_namespace_and_name_does_not_allocate_and_finds_the_same_objects()
    {
        var indexer = Cache();
        var lister = new Lister<V1Pod>(indexer);
        var namespaced = lister.Namespace("b");
        var longName = new string('x', 300); // longer than the stack buffer: the pooled path
        indexer.Add(Pod("b", longName));
        _ = lister.Get("a", "web-1"); // warm up
        _ = namespaced.Get("web-2");
        _ = lister.Get("b", longName);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var webA = lister.Get("a", "web-1");
        var webB = namespaced.Get("web-2");
        var missing = lister.Get("a", "nope");
        var longOne = lister.Get("b", longName);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Same(indexer.GetByKey("a/web-1"), webA);
        Assert.Same(indexer.GetByKey("b/web-2"), webB);
        Assert.Null(missing);
        Assert.Same(indexer.GetByKey("b/" + longName), longOne);
    }

    /// <summary>A cache of 3 namespaces × 40 pods; every 4th pod is app=web, the others app=db; an index by app.</summary>
    private static Indexer<V1Pod> BigCache()
    {
        var indexers = new Dictionary<string, IndexFunc<V1Pod>>(StandardIndexes.NamespaceIndexers<V1Pod>())
        {
            ["byApp"] = p => p.Metadata.Labels is { } l && l.TryGetValue("app", out var app) ? [app] : [],
        };
        var indexer = new Indexer<V1Pod>(CacheKeys.MetaNamespaceKey, indexers);
        foreach (var ns in new[] { "a", "b", "c" })
        {
            for (var i = 0; i < 40; i++)
            {
                indexer.Add(Pod(ns, "pod-" + i, ("app", i % 4 == 0 ? "web" : "db")));
            }
        }

        return indexer;
    }

    /// <summary>Bytes allocated by <paramref name="call"/> on this thread (after a warm-up call), and its result.</summary>
    private static (long Bytes, IReadOnlyList<V1Pod> Result) Allocated(Func<IReadOnlyList<V1Pod>> call)
    {
        _ = call(); // warm up: JIT, the pool's buffer, the lister's per-thread collector
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = call();
        return (GC.GetAllocatedBytesForCurrentThread() - before, result);
    }

    /// <summary>What an array of <paramref name="length"/> pods costs on this runtime: the result's own size.</summary>
    private static long ArrayBytes(int length)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var array = new V1Pod[length];
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(array);
        return bytes;
    }

    public static TheoryData<string> OnlyTheResultCases => new()
    {
        "lister, selector",
        "lister, ByIndex",
        "all-namespaces lister, selector",
        "namespace lister, no selector",
        "namespace lister without the namespace index, selector",
        "namespace lister, ByIndex matching only its namespace",
    };

    /// <summary>
    /// What one scan of the cache costs by itself (<see cref="Indexer{T}.ForEach"/> enumerates a concurrent dictionary,
    /// whose enumerator is an object): the same for any cache size, and not the lister's to save.
    /// </summary>
    private static long ScanBytes(Indexer<V1Pod> indexer)
    {
        var bytes = 0L;
        for (var i = 0; i < 2; i++) // the first pass warms up (the lambda's cached delegate is made on first use)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            indexer.ForEach(0, static (_, _) => { });
            bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        return bytes;
    }

    [Theory]
    [MemberData(nameof(OnlyTheResultCases))]
    public void List_and_ByIndex_allocate_only_their_result(string variant)
    {
        var indexer = BigCache();
        var lister = new Lister<V1Pod>(indexer);
        var everywhere = lister.Namespace("");
        var inB = lister.Namespace("b");
        var withoutIndex = WithoutNamespaceIndex(indexer);
        var inBScanning = new NamespaceLister<V1Pod>(withoutIndex, "b");
        var web = LabelSelector.Parse("app=web");
        var (call, scanned) = variant switch
        {
            "lister, selector" => (() => lister.List(web), indexer),
            "lister, ByIndex" => (() => lister.ByIndex("byApp", "web"), null),
            "all-namespaces lister, selector" => (() => everywhere.List(web), indexer),
            "namespace lister, no selector" => (() => inB.List(), null),
            "namespace lister without the namespace index, selector" => (() => inBScanning.List(web), withoutIndex),
            "namespace lister, ByIndex matching only its namespace" => ((Func<IReadOnlyList<V1Pod>>)(() => inB.ByIndex(StandardIndexes.Namespace, "b")), (Indexer<V1Pod>?)null),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };

        var (bytes, result) = Allocated(call);

        Assert.NotEmpty(result);
        Assert.Equal(ArrayBytes(result.Count) + (scanned is null ? 0 : ScanBytes(scanned)), bytes);
    }

    [Fact]
    public void NamespaceLister_with_a_selector_visits_the_namespace_index_and_allocates_only_its_result()
    {
        var lister = new Lister<V1Pod>(BigCache()).Namespace("b");
        var web = LabelSelector.Parse("app=web");
        var any = LabelSelector.Parse("app");

        var (bytes, result) = Allocated(() => lister.List(web));
        var (allBytes, all) = Allocated(() => lister.List(any));

        // The namespace holds 40 pods, 10 of them web: the result array is the only allocation, whatever matches.
        Assert.Equal(10, result.Count);
        Assert.All(result, p => Assert.Equal(("b", "web"), (p.Metadata.NamespaceProperty, p.Metadata.Labels["app"])));
        Assert.Equal(ArrayBytes(10), bytes);
        Assert.Equal(40, all.Count);
        Assert.Equal(ArrayBytes(40), allBytes);
    }

    [Fact]
    public void NamespaceLister_ByIndex_returns_only_the_namespace_s_objects()
    {
        var indexer = BigCache();
        var lister = new Lister<V1Pod>(indexer);

        var inB = lister.Namespace("b").ByIndex("byApp", "web");
        var everywhere = lister.Namespace("").ByIndex("byApp", "web");
        var overAnyIndexer = new NamespaceLister<V1Pod>(new CountingIndexer(indexer), "b").ByIndex("byApp", "web");

        Assert.Equal(10, inB.Count);
        Assert.All(inB, p => Assert.Equal("b", p.Metadata.NamespaceProperty));
        Assert.Equal(30, everywhere.Count);
        Assert.Equal(Keys(inB), Keys(overAnyIndexer));
        Assert.Throws<KeyNotFoundException>(() => lister.Namespace("b").ByIndex("nope", "web"));
    }

    [Fact]
    public void Filtering_in_place_never_changes_what_the_cache_or_an_earlier_result_holds()
    {
        var indexer = BigCache();
        var lister = new Lister<V1Pod>(indexer);
        var before = lister.Namespace("b").List();

        var web = lister.Namespace("b").List("app=web");
        var again = lister.Namespace("b").List();

        Assert.Equal(10, web.Count);
        Assert.Equal(Keys(before), Keys(again));
        Assert.Equal(40, indexer.ByIndex(StandardIndexes.Namespace, "b").Count);
        Assert.Equal(40, before.Distinct().Count());
    }

    private static Indexer<V1Pod> WithoutNamespaceIndex(Indexer<V1Pod> source)
    {
        var copy = new Indexer<V1Pod>(CacheKeys.MetaNamespaceKey);
        foreach (var pod in source.List())
        {
            copy.Add(pod);
        }

        return copy;
    }
}
