namespace KubeInformers.Tests.Cache;

using Obj = StoreTestObject;

/// <summary>
/// The queue's internal consumer side used by the informer: <see cref="DeltaFifo{T}.TryPop"/> (drain on the producer's
/// thread, delta lists lent and reused) and <see cref="DeltaFifo{T}.ReplaceOrApply"/> (the first list applied directly).
/// </summary>
public sealed class DeltaFifoDrainTests
{
    private static Obj O(string name, int rv) => new(name, rv);

    private static DeltaFifo<Obj> NewFifo(IKnownObjects<Obj>? known = null, Func<Obj, Obj>? transform = null)
        => new(new DeltaFifoOptions<Obj> { KeyFunc = Obj.Key, KnownObjects = known, EmitDeltaTypeReplaced = true, Transform = transform });

    /// <summary>Pops everything with TryPop, copying each lent list: (key, deltas as text, isInInitialList).</summary>
    private static List<(string Key, string Deltas, bool Initial)> Drain(DeltaFifo<Obj> fifo)
    {
        var popped = new List<(string, string, bool)>();
        while (fifo.TryPop((key, deltas, initial) => popped.Add((key, string.Join(",", deltas.Select(d => $"{d.Type} {d.Object}{(d.IsFinalStateUnknown ? " unknown" : "")}")), initial))))
        {
        }

        return popped;
    }

    [Fact]
    public void TryPop_gives_each_key_once_in_queue_order_with_its_deltas_oldest_first_and_per_key_order_is_kept()
    {
        var fifo = NewFifo();
        fifo.Add(O("a", 1));
        fifo.Add(O("b", 2));
        fifo.Update(O("a", 3));
        fifo.Update(O("c", 4));
        fifo.Update(O("b", 5));
        fifo.Delete(O("a", 6));

        Assert.Equal(
            [("a", "Added a@1,Updated a@3,Deleted a@6", false), ("b", "Added b@2,Updated b@5", false), ("c", "Updated c@4", false)],
            Drain(fifo));
        Assert.Equal(0, fifo.Count);
    }

    [Fact]
    public void A_list_lent_to_the_processor_is_reused_empty_for_a_later_key()
    {
        var fifo = NewFifo();
        fifo.Add(O("a", 1));
        fifo.Update(O("a", 2));
        List<Delta<Obj>>? lent = null;
        Assert.True(fifo.TryPop((_, deltas, _) => lent = deltas));

        fifo.Add(O("b", 3));
        List<Delta<Obj>>? second = null;
        var seen = "";
        Assert.True(fifo.TryPop((_, deltas, _) => { second = deltas; seen = string.Join(",", deltas.Select(d => d.Object.ToString())); }));

        Assert.Same(lent, second); // reused, so popping a key allocates no list per change
        Assert.Equal("b@3", seen);  // and nothing of a's deltas remains in it
    }

    [Fact]
    public void TryPop_returns_false_when_empty_or_closed_and_a_throwing_processor_drops_only_that_key()
    {
        var fifo = NewFifo();
        Assert.False(fifo.TryPop((_, _, _) => Assert.Fail("nothing is queued")));

        fifo.Add(O("a", 1));
        fifo.Add(O("b", 2));
        Assert.Throws<InvalidOperationException>(() => fifo.TryPop((_, _, _) => throw new InvalidOperationException("processor bug")));
        Assert.Equal([("b", "Added b@2", false)], Drain(fifo));

        fifo.Add(O("c", 3));
        fifo.Close();
        Assert.False(fifo.TryPop((_, _, _) => Assert.Fail("a closed queue pops nothing")));
    }

    [Fact]
    public void Draining_after_every_write_keeps_client_go_relist_semantics()
    {
        // SEMANTICS 1 and 4 with a consumer that drains after each write: known objects are the consumer's store.
        var known = new Indexer<Obj>(Obj.Key);
        var fifo = NewFifo(known);
        void Apply() => fifo.TryPop((key, deltas, _) =>
        {
            foreach (var d in deltas)
            {
                if (d.Type == DeltaType.Deleted) known.Delete(d.Object); else known.Update(d.Object);
            }
        });

        fifo.Replace([O("foo", 5), O("bar", 6)], "1");
        Assert.False(fifo.HasSynced);
        while (fifo.Count > 0) Apply();
        Assert.True(fifo.HasSynced);

        fifo.Add(O("x", 7));
        Apply();
        fifo.Delete(O("x", 8));
        fifo.Replace([O("foo", 5)], "2");

        Assert.Equal(
            [("x", "Deleted x@8", false), ("foo", "Replaced foo@5", false), ("bar", "Deleted bar@6 unknown", false)],
            Drain(fifo));
    }

    [Fact]
    public void The_first_list_is_offered_directly_and_when_taken_the_queue_is_synced_with_nothing_queued()
    {
        var transformed = 0;
        var fifo = NewFifo(transform: o => { transformed++; return o with { Values = ["t"] }; });
        string[]? offeredKeys = null;
        Obj[]? offered = null;

        fifo.ReplaceOrApply([O("a", 1), O("b", 2)], (keys, objects) => { offeredKeys = keys; offered = objects; return true; });

        Assert.Equal(["a", "b"], offeredKeys!);
        Assert.Equal(["a@1", "b@2"], offered!.Select(o => o.ToString()));
        Assert.All(offered!, o => Assert.Equal(["t"], o.Values!)); // transformed before it is offered
        Assert.Equal(2, transformed);
        Assert.True(fifo.HasSynced);
        Assert.Equal(0, fifo.Count);
    }

    [Fact]
    public void A_declined_first_list_is_queued_as_usual_without_transforming_twice()
    {
        var transformed = 0;
        var fifo = NewFifo(transform: o => { transformed++; return o; });

        fifo.ReplaceOrApply([O("a", 1), O("a", 2), O("b", 3)], (_, _) => false);

        Assert.Equal(3, transformed);
        Assert.False(fifo.HasSynced);
        Assert.Equal([("a", "Replaced a@1,Replaced a@2", true), ("b", "Replaced b@3", true)], Drain(fifo));
        Assert.True(fifo.HasSynced);
    }

    [Fact]
    public void Only_the_first_list_with_nothing_ever_queued_is_offered()
    {
        var offers = 0;
        bool Take(string[] keys, Obj[] objects) { offers++; return true; }

        var afterAdd = NewFifo();
        afterAdd.Add(O("a", 1));
        Drain(afterAdd);
        afterAdd.ReplaceOrApply([O("b", 2)], Take);
        Assert.Equal(0, offers);
        Assert.Equal([("b", "Replaced b@2", false)], Drain(afterAdd));

        var relist = NewFifo();
        relist.ReplaceOrApply([O("a", 1)], Take);
        relist.ReplaceOrApply([O("a", 2)], Take);
        Assert.Equal(1, offers);
        Assert.Equal([("a", "Replaced a@2", false)], Drain(relist));
    }
}
