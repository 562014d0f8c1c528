using System.Globalization;

namespace KubeInformers.Tests.Cache;

using Obj = StoreTestObject;

/// <summary>
/// The informer's relist diff (cache before + full list → adds, updates, resyncs and tombstones), tested as the pure
/// function it is: the changes are what client-go's DeltaFIFO Replace followed by its pop loop reports (SEMANTICS 1–5, 24).
/// </summary>
public sealed class RelistDiffTests
{
    private static Obj O(string name, int rv) => new(name, rv);

    // Rv 0 stands for an object without a resourceVersion.
    private static string? Rv(Obj o) => o.Rv == 0 ? null : o.Rv.ToString(CultureInfo.InvariantCulture);

    private static RelistChange<Obj>[] Diff(Indexer<Obj> cache, params Obj[] list)
        => RelistDiff.Compute([.. list.Select(Obj.Key)], list, cache, Rv);

    private static string Show(RelistChange<Obj> c) => $"{c.Kind} {c.Key} {c.Object}{(c.Old is null ? "" : " old " + c.Old)}";

    [Fact]
    public void Into_an_empty_cache_every_listed_object_is_an_add_in_list_order()
    {
        var changes = Diff(StoreTestKnown.With(), O("b", 2), O("a", 1), O("c", 3));

        Assert.Equal(["Added b b@2", "Added a a@1", "Added c c@3"], changes.Select(Show));
    }

    [Fact]
    public void Changed_objects_are_updates_unchanged_ones_resyncs_new_ones_adds_and_vanished_ones_tombstones()
    {
        var cache = StoreTestKnown.With(O("foo", 5), O("bar", 6), O("baz", 7));

        var changes = Diff(cache, O("foo", 5), O("bar", 8), O("new", 1));

        Assert.Equal(
            ["Resynced foo foo@5 old foo@5", "Updated bar bar@8 old bar@6", "Added new new@1", "DeletedFinalStateUnknown baz baz@7"],
            changes.Select(Show));
    }

    [Fact]
    public void The_tombstone_carries_the_cached_object_and_an_empty_list_tombstones_every_cached_key_in_cache_key_order()
    {
        var bar = O("bar", 6);
        var cache = StoreTestKnown.With(O("foo", 5), bar, O("baz", 7));

        var changes = Diff(cache);

        Assert.Equal(cache.ListKeys(), changes.Select(c => c.Key));
        Assert.All(changes, c => Assert.Equal(RelistChangeKind.DeletedFinalStateUnknown, c.Kind));
        Assert.Same(bar, Assert.Single(changes, c => c.Key == "bar").Object);
    }

    [Fact]
    public void A_key_listed_twice_gives_its_changes_one_after_the_other_the_second_an_update_of_the_first()
    {
        var changes = Diff(StoreTestKnown.With(O("b", 1)), O("a", 1), O("b", 2), O("a", 3), O("c", 4), O("b", 2));

        Assert.Equal(
            ["Added a a@1", "Updated a a@3 old a@1", "Updated b b@2 old b@1", "Resynced b b@2 old b@2", "Added c c@4"],
            changes.Select(Show));
    }

    [Fact]
    public void Objects_without_a_resourceVersion_on_both_sides_count_as_unchanged_and_one_gaining_one_as_updated()
    {
        var changes = Diff(StoreTestKnown.With(O("a", 0), O("b", 0)), O("a", 0), O("b", 4));

        Assert.Equal([RelistChangeKind.Resynced, RelistChangeKind.Updated], changes.Select(c => c.Kind));
    }

    [Fact]
    public void Computing_the_diff_changes_nothing_in_the_cache()
    {
        var foo = O("foo", 5);
        var cache = StoreTestKnown.With(foo, O("bar", 6));

        Diff(cache, O("foo", 9), O("new", 1));

        Assert.Equal(2, cache.Count);
        Assert.Same(foo, cache.GetByKey("foo"));
        Assert.Null(cache.GetByKey("new"));
    }

    [Fact]
    public void Keys_and_objects_of_different_lengths_are_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => RelistDiff.Compute(["a", "b"], [O("a", 1)], StoreTestKnown.With(), Rv));
        Assert.Contains("2 keys for 1 objects", ex.Message, StringComparison.Ordinal);
    }
}
