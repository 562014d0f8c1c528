using KubeInformers.Tests.TestSupport;

namespace KubeInformers.Tests.Cache;

using Obj = StoreTestObject;

/// <summary>DeltaFifo behaviours from SEMANTICS.md 1–13 (client-go tools/cache/delta_fifo_test.go).</summary>
public sealed class DeltaFifoTests
{
    private static Obj O(string name, int rv) => new(name, rv);

    private static DeltaFifo<Obj> NewFifo(IKnownObjects<Obj>? known = null, bool emitReplaced = false, Func<Obj, Obj>? transform = null)
        => new(new DeltaFifoOptions<Obj>
        {
            KeyFunc = Obj.Key,
            KnownObjects = known,
            EmitDeltaTypeReplaced = emitReplaced,
            Transform = transform,
        });

    private static async Task<(Delta<Obj>[] Deltas, bool IsInInitialList)> PopAsync(DeltaFifo<Obj> fifo)
    {
        Delta<Obj>[]? popped = null;
        var initial = false;
        await Wait.ForAsync(
            fifo.PopAsync((deltas, isInInitialList) =>
            {
                popped = [.. deltas];
                initial = isInInitialList;
            }).AsTask(),
            "a pop");
        return (popped!, initial);
    }

    private static async Task<Dictionary<string, Delta<Obj>[]>> PopAllAsync(DeltaFifo<Obj> fifo)
    {
        var result = new Dictionary<string, Delta<Obj>[]>();
        while (fifo.Count > 0)
        {
            var (deltas, _) = await PopAsync(fifo);
            result.Add(deltas[^1].Object.Name, deltas);
        }

        return result;
    }

    private static Delta<Obj> D(DeltaType type, Obj obj, bool tombstone = false) => new(type, obj, tombstone);

    [Fact] // 1
    public async Task Replace_QueuesTombstonesWithKnownState_AndHasSyncedOnlyAfterAllArePoppedAsInitialList()
    {
        var known = StoreTestKnown.With(O("foo", 5), O("bar", 6), O("baz", 7));
        var fifo = NewFifo(known);

        fifo.Replace([O("foo", 5)], "0");

        Assert.False(fifo.HasSynced);
        var popped = new Dictionary<string, Delta<Obj>[]>();
        for (var i = 0; i < 3; i++)
        {
            Assert.False(fifo.HasSynced);
            var (deltas, initial) = await PopAsync(fifo);
            Assert.True(initial);
            popped.Add(deltas[0].Object.Name, deltas);
        }

        Assert.True(fifo.HasSynced);
        Assert.Equal([D(DeltaType.Sync, O("foo", 5))], popped["foo"]);
        Assert.Equal([D(DeltaType.Deleted, O("bar", 6), tombstone: true)], popped["bar"]);
        Assert.Equal([D(DeltaType.Deleted, O("baz", 7), tombstone: true)], popped["baz"]);
    }

    [Fact]
    public async Task Replace_WithEmitDeltaTypeReplaced_RecordsReplaced()
    {
        var fifo = NewFifo(StoreTestKnown.With(), emitReplaced: true);

        fifo.Replace([O("foo", 5)], "0");

        var (deltas, _) = await PopAsync(fifo);
        Assert.Equal([D(DeltaType.Replaced, O("foo", 5))], deltas);
    }

    [Fact] // 2
    public void Replace_TombstoneOfQueuedKeyCarriesNewestQueuedObject()
    {
        var fifo = NewFifo(StoreTestKnown.With(O("foo", 5)));

        fifo.Add(O("baz", 10));
        fifo.Replace([O("foo", 5)], "0");

        Assert.True(fifo.TryGetDeltas("baz", out var deltas));
        Assert.Equal([D(DeltaType.Added, O("baz", 10)), D(DeltaType.Deleted, O("baz", 10), tombstone: true)], deltas);
    }

    [Fact] // 3
    public void Replace_AfterDeleteAndReAdd_TombstoneCarriesTheReAddedObject()
    {
        var fifo = NewFifo(StoreTestKnown.With(O("foo", 5), O("bar", 6)));

        fifo.Delete(O("bar", 6));
        fifo.Add(O("bar", 100));
        fifo.Replace([O("foo", 5)], "0");

        Assert.True(fifo.TryGetDeltas("bar", out var deltas));
        Assert.Equal(
            [D(DeltaType.Deleted, O("bar", 6)), D(DeltaType.Added, O("bar", 100)), D(DeltaType.Deleted, O("bar", 100), tombstone: true)],
            deltas);
    }

    [Fact] // 4
    public void Replace_AfterARealDelete_AddsNoSecondTombstone()
    {
        var fifo = NewFifo();

        fifo.Add(O("x", 1));
        fifo.Delete(O("x", 1));
        fifo.Replace([], "0");

        Assert.True(fifo.TryGetDeltas("x", out var deltas));
        Assert.Equal([D(DeltaType.Added, O("x", 1)), D(DeltaType.Deleted, O("x", 1))], deltas);
    }

    [Fact] // 5
    public void Replace_AfterDeleteOfSameKey_KeepsDeleteThenSync()
    {
        var fifo = NewFifo(StoreTestKnown.With(O("foo", 0)));

        fifo.Delete(O("foo", 0));
        fifo.Replace([O("foo", 1)], "0");

        Assert.True(fifo.TryGetDeltas("foo", out var deltas));
        Assert.Equal([D(DeltaType.Deleted, O("foo", 0)), D(DeltaType.Sync, O("foo", 1))], deltas);
    }

    [Fact] // 6
    public async Task Resync_SkipsKeyWithQueuedUpdate()
    {
        var fifo = NewFifo(StoreTestKnown.With(O("foo", 5)));

        fifo.Update(O("foo", 6));
        fifo.Resync();

        var (deltas, _) = await PopAsync(fifo);
        Assert.Equal([D(DeltaType.Updated, O("foo", 6))], deltas);
        Assert.Equal(0, fifo.Count);
    }

    [Fact] // 7
    public async Task Resync_QueuesOneSyncPerKnownKey()
    {
        var fifo = NewFifo(StoreTestKnown.With(O("foo", 5), O("bar", 6)));

        fifo.Resync();

        var popped = await PopAllAsync(fifo);
        Assert.Equal([D(DeltaType.Sync, O("foo", 5))], popped["foo"]);
        Assert.Equal([D(DeltaType.Sync, O("bar", 6))], popped["bar"]);
        Assert.Equal(2, popped.Count);
    }

    [Fact] // 7
    public void Resync_SkipsKeyWithQueuedDelete()
    {
        var fifo = NewFifo(StoreTestKnown.With(O("foo", 5)));

        fifo.Delete(O("foo", 5));
        fifo.Resync();

        Assert.True(fifo.TryGetDeltas("foo", out var deltas));
        Assert.Equal([D(DeltaType.Deleted, O("foo", 5))], deltas);
    }

    [Fact]
    public void Resync_WithoutKnownObjects_DoesNothing()
    {
        var fifo = NewFifo();

        fifo.Resync();

        Assert.Equal(0, fifo.Count);
    }

    [Fact] // 8
    public void ConsecutiveDeletes_CollapseKeepingTheOlder()
    {
        var fifo = NewFifo(StoreTestKnown.With(O("x", 1)));

        fifo.Delete(O("x", 1));
        fifo.Delete(O("x", 2));

        Assert.True(fifo.TryGetDeltas("x", out var deltas));
        Assert.Equal([D(DeltaType.Deleted, O("x", 1))], deltas);
    }

    [Fact] // 8
    public void ConsecutiveDeletes_WhenTheOlderIsATombstone_KeepTheNewer()
    {
        var fifo = NewFifo(StoreTestKnown.With(O("x", 1)));

        fifo.Replace([], "0");
        fifo.Delete(O("x", 2));

        Assert.True(fifo.TryGetDeltas("x", out var deltas));
        Assert.Equal([D(DeltaType.Deleted, O("x", 2))], deltas);
    }

    [Fact] // 9
    public void DeleteAfterAdd_OfUnknownKey_KeepsBothDeltas()
    {
        var fifo = NewFifo(StoreTestKnown.With());

        fifo.Add(O("foo", 5));
        fifo.Delete(O("foo", 6));

        Assert.True(fifo.TryGetDeltas("foo", out var deltas));
        Assert.Equal([D(DeltaType.Added, O("foo", 5)), D(DeltaType.Deleted, O("foo", 6))], deltas);
    }

    [Fact]
    public void Delete_OfKeyNeitherQueuedNorKnown_IsDropped()
    {
        var withKnown = NewFifo(StoreTestKnown.With(O("other", 1)));
        var withoutKnown = NewFifo();

        withKnown.Delete(O("foo", 1));
        withoutKnown.Delete(O("foo", 1));

        Assert.Equal(0, withKnown.Count);
        Assert.Equal(0, withoutKnown.Count);
    }

    [Fact] // 10
    public async Task KeyReAddedWhileQueued_KeepsItsPlaceInLine()
    {
        var fifo = NewFifo();

        fifo.Add(O("foo", 10));
        fifo.Add(O("bar", 1));
        fifo.Add(O("foo", 11));
        fifo.Add(O("foo", 13));
        fifo.Add(O("zab", 30));

        Assert.Equal(["foo", "bar", "zab"], fifo.ListKeys());
        var (first, _) = await PopAsync(fifo);
        Assert.Equal([D(DeltaType.Added, O("foo", 10)), D(DeltaType.Added, O("foo", 11)), D(DeltaType.Added, O("foo", 13))], first);
        Assert.Equal("bar", (await PopAsync(fifo)).Deltas[0].Object.Name);
        Assert.Equal("zab", (await PopAsync(fifo)).Deltas[0].Object.Name);
    }

    [Fact] // moved from the informer's former drain tests, through the public pop
    public async Task Pop_GivesEachKeyOnce_InQueueOrder_WithItsDeltasOldestFirst()
    {
        var fifo = NewFifo();
        fifo.Add(O("a", 1));
        fifo.Add(O("b", 2));
        fifo.Update(O("a", 3));
        fifo.Update(O("c", 4));
        fifo.Update(O("b", 5));
        fifo.Delete(O("a", 6));

        var popped = new List<string>();
        while (fifo.Count > 0)
        {
            var (deltas, initial) = await PopAsync(fifo);
            Assert.False(initial);
            popped.Add(string.Join(",", deltas.Select(d => $"{d.Type} {d.Object}")));
        }

        Assert.Equal(["Added a@1,Updated a@3,Deleted a@6", "Added b@2,Updated b@5", "Updated c@4"], popped);
    }

    [Fact] // 11
    public void HasSynced_IsFalseWhenNothingHappened()
        => Assert.False(NewFifo().HasSynced);

    [Fact] // 11
    public void HasSynced_IsTrueAfterAnAddBeforeAnyReplace()
    {
        var fifo = NewFifo();

        fifo.Add(O("a", 1));

        Assert.True(fifo.HasSynced);
    }

    [Fact] // 11
    public void HasSynced_IsTrueAfterAnEmptyReplace()
    {
        var fifo = NewFifo();

        fifo.Replace([], "0");

        Assert.True(fifo.HasSynced);
    }

    [Fact] // 11
    public async Task HasSynced_AfterReplaceOfTwo_IsTrueOnlyAfterTwoPops_AndLaterPopsAreNotInitial()
    {
        var fifo = NewFifo();

        fifo.Replace([O("a", 1), O("b", 2)], "0");
        Assert.False(fifo.HasSynced);
        Assert.True((await PopAsync(fifo)).IsInInitialList);
        Assert.False(fifo.HasSynced);
        Assert.True((await PopAsync(fifo)).IsInInitialList);
        Assert.True(fifo.HasSynced);

        fifo.Add(O("c", 3));
        Assert.False((await PopAsync(fifo)).IsInInitialList);
    }

    [Fact] // 11
    public void HasSynced_OnlyTheFirstReplaceCounts()
    {
        var fifo = NewFifo();

        fifo.Replace([], "0");
        fifo.Replace([O("a", 1)], "1");

        Assert.True(fifo.HasSynced);
    }

    [Fact] // 12
    public async Task Transform_RunsOncePerObject_AndNeverOnTombstonesOrResync()
    {
        var calls = new List<string>();
        Obj Transform(Obj o)
        {
            Assert.Null(o.Values); // never given an object that was already transformed
            lock (calls)
            {
                calls.Add(o.ToString());
            }

            return o with { Values = ["transformed"] };
        }

        var known = new Indexer<Obj>(Obj.Key);
        var fifo = NewFifo(known, emitReplaced: true, transform: Transform);

        fifo.Add(O("a", 1));
        fifo.Update(O("a", 2));
        fifo.Replace([O("b", 3)], "3");     // a's queued deltas get a tombstone: no transform
        fifo.Delete(O("b", 4));
        fifo.Delete(O("never-seen", 1));    // dropped: no transform

        // The consumer applies what it pops, then a resync re-queues the known (already transformed) objects.
        var popped = new List<Delta<Obj>>();
        while (fifo.Count > 0)
        {
            await fifo.PopAsync((deltas, _) =>
            {
                popped.AddRange(deltas);
                var last = deltas[^1];
                if (last.Type == DeltaType.Deleted)
                {
                    known.Delete(last.Object);
                }
                else
                {
                    known.Update(last.Object);
                }
            });
        }

        known.Add(new Obj("c", 5, ["transformed"]));
        fifo.Resync();
        while (fifo.Count > 0)
        {
            await fifo.PopAsync((deltas, _) => popped.AddRange(deltas));
        }

        Assert.Equal(["a@1", "a@2", "b@3", "b@4"], calls);
        Assert.All(popped, d => Assert.Equal(["transformed"], d.Object.Values!));
        Assert.Contains(popped, d => d.IsFinalStateUnknown && d.Object.Name == "a" && d.Object.Rv == 2);
        Assert.Contains(popped, d => d.Type == DeltaType.Sync && d.Object.Name == "c");
    }

    [Fact] // 21 at the queue level: what a relist after a missed watch delete must produce
    public async Task Relist_AfterTheConsumerAppliedTheFirstList_TombstonesOnlyWhatVanished()
    {
        var cache = new Indexer<Obj>(Obj.Key);
        var fifo = NewFifo(cache, emitReplaced: true);
        async Task DrainAsync(List<Delta<Obj>> seen)
        {
            while (fifo.Count > 0)
            {
                await fifo.PopAsync((deltas, _) =>
                {
                    foreach (var d in deltas)
                    {
                        seen.Add(d);
                        if (d.Type == DeltaType.Deleted)
                        {
                            cache.Delete(d.Object);
                        }
                        else
                        {
                            cache.Update(d.Object);
                        }
                    }
                });
            }
        }

        fifo.Replace([O("a", 1), O("b", 1), O("c", 1)], "1");
        await DrainAsync([]);
        Assert.True(fifo.HasSynced);

        fifo.Update(O("a", 2));                       // watch event
        fifo.Replace([O("a", 2), O("c", 1)], "5");  // relist: b was deleted while disconnected
        var seen = new List<Delta<Obj>>();
        await DrainAsync(seen);

        Assert.Equal(
            [D(DeltaType.Updated, O("a", 2)), D(DeltaType.Replaced, O("a", 2)), D(DeltaType.Replaced, O("c", 1)), D(DeltaType.Deleted, O("b", 1), tombstone: true)],
            seen);
        Assert.Equal(["a", "c"], cache.ListKeys().Order());
    }

    [Fact] // 13
    public async Task Close_UnblocksAWaitingPopWithFifoClosedException()
    {
        var fifo = NewFifo();
        var pop = fifo.PopAsync((_, _) => Assert.Fail("nothing was queued")).AsTask();
        Assert.False(pop.IsCompleted);

        fifo.Close();

        await Assert.ThrowsAsync<FifoClosedException>(() => Wait.ForAsync(pop, "the pop to end"));
        Assert.True(fifo.IsClosed);
        await Assert.ThrowsAsync<FifoClosedException>(() => fifo.PopAsync((_, _) => { }).AsTask());
    }

    [Fact]
    public async Task PopAsync_WaitingForAnItem_ReceivesItWhenAdded()
    {
        var fifo = NewFifo();
        Delta<Obj>[]? popped = null;
        var pop = fifo.PopAsync((deltas, _) => popped = [.. deltas]).AsTask();
        Assert.False(pop.IsCompleted);

        fifo.Add(O("a", 1));

        await Wait.ForAsync(pop, "the pop to receive the item");
        Assert.Equal([D(DeltaType.Added, O("a", 1))], popped!);
    }

    [Fact]
    public async Task PopAsync_Cancelled_ThrowsAndLosesNothing()
    {
        var fifo = NewFifo();
        using var cts = new CancellationTokenSource();
        var pop = fifo.PopAsync((_, _) => Assert.Fail("cancelled pop must not process"), cts.Token).AsTask();

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Wait.ForAsync(pop, "the cancelled pop"));
        fifo.Add(O("a", 1));
        Assert.Equal("a", (await PopAsync(fifo)).Deltas[0].Object.Name);
    }

    [Fact]
    public async Task PopAsync_ProcessorException_PropagatesAndTheQueueStaysUsable()
    {
        var fifo = NewFifo();
        fifo.Add(O("a", 1));
        fifo.Add(O("b", 1));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => fifo.PopAsync((_, _) => throw new InvalidOperationException("boom")).AsTask());

        Assert.Equal("boom", ex.Message);
        Assert.Equal(["b"], fifo.ListKeys());
        Assert.Equal("b", (await PopAsync(fifo)).Deltas[0].Object.Name);
    }

    [Fact]
    public void PopAsync_OfAQueuedKey_CompletesSynchronouslyWithoutAllocating()
    {
        var fifo = NewFifo();
        for (var i = 0; i < 20; i++)
        {
            fifo.Add(O("k" + i, i));
        }

        DeltaProcessor<Obj> process = static (_, _) => { };
        Assert.True(fifo.PopAsync(process).IsCompletedSuccessfully); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            var pop = fifo.PopAsync(process);
            Assert.True(pop.IsCompletedSuccessfully);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(9, fifo.Count);
    }

    [Fact]
    public void Replace_WithAnObjectWithoutKey_FailsAndChangesNothing()
    {
        var fifo = new DeltaFifo<Obj>(new DeltaFifoOptions<Obj>
        {
            KeyFunc = o => o.Name.Length == 0 ? throw new ArgumentException("no name") : o.Name,
        });
        fifo.Add(O("a", 1));

        Assert.Throws<ArgumentException>(() => fifo.Replace([O("b", 1), O("", 1)], "1"));

        Assert.Equal(["a"], fifo.ListKeys());
    }

    [Fact]
    public async Task PopAsync_ManyConsumers_EachKeyIsPoppedExactlyOnce()
    {
        var fifo = NewFifo();
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        var consumers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await fifo.PopAsync((deltas, _) => seen.Add(deltas[0].Object.Name));
                }
            }
            catch (FifoClosedException)
            {
            }
        })).ToArray();

        for (var i = 0; i < 2000; i++)
        {
            fifo.Add(O("k" + i, i));
        }

        await Wait.UntilAsync(() => seen.Count == 2000 && fifo.Count == 0, "all 2000 keys popped");
        fifo.Close();
        await Wait.ForAsync(Task.WhenAll(consumers), "consumers to stop");
        Assert.Equal(2000, seen.Distinct().Count());
    }
}
