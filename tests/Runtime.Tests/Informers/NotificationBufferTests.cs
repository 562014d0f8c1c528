using KubeInformers.Tests.TestSupport;

namespace KubeInformers.Tests.Informers;

/// <summary>The buffer between the informer and one handler's loop: order, growth, parking and completion.</summary>
public sealed class NotificationBufferTests
{
    private sealed record Item(int N);

    private static Notification<Item> Update(int n) => new(NotificationKind.Update, new Item(n), new Item(n - 1), false);

    private static List<int> TakeAll(NotificationBuffer<Item> buffer, int batchSize = 5)
    {
        var batch = new Notification<Item>[batchSize];
        var seen = new List<int>();
        int n;
        while ((n = buffer.TryTake(batch, out _)) > 0)
        {
            seen.AddRange(batch.Take(n).Select(x => x.Object.N));
        }

        return seen;
    }

    [Fact]
    public void Items_are_read_in_write_order_across_wraparound_growth_and_bulk_initial_adds()
    {
        var buffer = new NotificationBuffer<Item>();
        var expected = new List<int>();
        var next = 0;
        var read = new List<int>();
        var batch = new Notification<Item>[7];
        for (var round = 0; round < 40; round++)
        {
            // Write more than is read each round so the ring wraps and grows while holding items.
            for (var i = 0; i < round % 9 + 3; i++)
            {
                Assert.True(buffer.TryWrite(Update(next)));
                expected.Add(next++);
            }

            if (round % 10 == 5)
            {
                var initial = Enumerable.Range(next, 30).Select(i => new Item(i)).ToArray();
                Assert.Equal(30, buffer.WriteInitialAdds(initial));
                expected.AddRange(initial.Select(x => x.N));
                next += 30;
            }

            var n = buffer.TryTake(batch, out _);
            read.AddRange(batch.Take(n).Select(x => x.Object.N));
        }

        read.AddRange(TakeAll(buffer));
        Assert.Equal(expected, read);
        Assert.Equal(0, buffer.Count);
    }

    [Fact]
    public async Task A_parked_reader_is_woken_by_a_write_on_another_thread_than_the_writer()
    {
        var buffer = new NotificationBuffer<Item>();
        var batch = new Notification<Item>[4];
        Assert.Equal(0, buffer.TryTake(batch, out var wait));
        Assert.False(wait.IsCompleted);

        var writerThread = Environment.CurrentManagedThreadId;
        var resumedOn = -1;
        var resumed = Task.Run(async () =>
        {
            var more = await wait.ConfigureAwait(false);
            resumedOn = Environment.CurrentManagedThreadId;
            return more;
        });

        // Written from a dedicated thread that blocks until the write returns: the reader must not run inline on it.
        var thread = new Thread(() =>
        {
            writerThread = Environment.CurrentManagedThreadId;
            buffer.TryWrite(Update(1));
        });
        thread.Start();
        thread.Join();

        Assert.True(await Wait.ForAsync(resumed, "the reader to wake"));
        Assert.NotEqual(writerThread, resumedOn);
        Assert.Equal([1], TakeAll(buffer));

        // The wait is reusable: a second park and wake works the same way.
        Assert.Equal(0, buffer.TryTake(batch, out var second));
        buffer.TryWrite(Update(2));
        Assert.True(await Wait.ForAsync(second.AsTask(), "the second wake"));
        Assert.Equal([2], TakeAll(buffer));
    }

    [Fact]
    public async Task Completion_refuses_writes_lets_the_reader_drain_and_then_reports_the_end()
    {
        var buffer = new NotificationBuffer<Item>();
        var batch = new Notification<Item>[4];
        Assert.Equal(0, buffer.TryTake(batch, out var parked));

        buffer.TryWrite(Update(1));
        Assert.True(await Wait.ForAsync(parked.AsTask(), "the wake"));
        buffer.Complete();
        buffer.Complete();

        Assert.False(buffer.TryWrite(Update(2)));
        Assert.Equal(0, buffer.WriteInitialAdds([new Item(3)]));
        Assert.Equal([1], TakeAll(buffer));
        Assert.Equal(0, buffer.TryTake(batch, out var end));
        Assert.True(end.IsCompleted);
        Assert.False(await end);
    }

    [Fact]
    public async Task Completing_wakes_a_parked_reader_with_false()
    {
        var buffer = new NotificationBuffer<Item>();
        Assert.Equal(0, buffer.TryTake(new Notification<Item>[1], out var parked));

        buffer.Complete();

        Assert.False(await Wait.ForAsync(parked.AsTask(), "the reader to learn the end"));
    }
}
