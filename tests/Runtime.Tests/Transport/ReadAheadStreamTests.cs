using System.Threading.Channels;
using Xunit;

namespace KubeInformers.Tests.Transport;

public sealed class ReadAheadStreamTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Bytes_come_out_in_order_and_unchanged_whatever_the_read_sizes()
    {
        var data = new byte[300_000];
        new Random(7).NextBytes(data);
        foreach (var (chunk, readSize) in new[] { (1, 7), (1000, 1), (64 * 1024, 100_000), (5, 64 * 1024) })
        {
            await using var stream = new ReadAheadStream(new MemoryStream(data), chunkSize: chunk, maxChunks: 3);
            var copy = new MemoryStream();
            var buffer = new byte[readSize];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                copy.Write(buffer, 0, n);
            }

            Assert.Equal(data, copy.ToArray());
            Assert.Equal(0, await stream.ReadAsync(buffer));
        }
    }

    [Fact]
    public async Task A_source_error_comes_after_the_bytes_that_preceded_it_and_is_the_sources_own()
    {
        var error = new IOException("connection reset");
        var source = new ScriptedStream();
        source.Enqueue([1, 2, 3]);
        source.Enqueue([4, 5]);
        source.Fail(error);
        await using var stream = new ReadAheadStream(source, chunkSize: 16, maxChunks: 1);

        var got = new List<byte>();
        var buffer = new byte[2];
        var thrown = await Assert.ThrowsAsync<IOException>(async () =>
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                got.AddRange(buffer.AsSpan(0, n).ToArray());
            }
        });

        Assert.Same(error, thrown);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, got);
    }

    [Fact]
    public async Task It_holds_at_most_the_configured_chunks_ahead_of_the_reader()
    {
        var source = new ScriptedStream();
        for (var i = 0; i < 20; i++)
        {
            source.Enqueue([(byte)i]);
        }

        await using var stream = new ReadAheadStream(source, chunkSize: 8, maxChunks: 2);
        var buffer = new byte[1];
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(1, await stream.ReadAsync(buffer));
            Assert.Equal(i, buffer[0]);
            source.Consumed = i + 1;
            if (i == 0)
            {
                // Let the pump run ahead as far as it may: the chunk the reader holds, two queued, one waiting for room.
                await Until(() => source.Reads >= 4, "the pump to fill the channel");
            }
        }

        // The k-th read of the source (1-based) happened only once the reader had taken at least k - 4 chunks.
        Assert.All(source.ConsumedAtRead.Select((consumed, i) => (Read: i + 1, Consumed: consumed)),
            r => Assert.True(r.Consumed >= r.Read - 4, $"read {r.Read} of the source happened when the reader had taken only {r.Consumed} chunks"));
    }

    [Fact]
    public async Task Cancelling_a_read_cancels_only_that_read()
    {
        var source = new ScriptedStream();
        await using var stream = new ReadAheadStream(source, chunkSize: 8, maxChunks: 2);
        using var cts = new CancellationTokenSource();
        var pending = stream.ReadAsync(new byte[4], cts.Token).AsTask();
        await source.WaitUntilBlockedAsync(Deadline);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        source.Enqueue([9]);
        var buffer = new byte[4];
        Assert.Equal(1, await stream.ReadAsync(buffer));
        Assert.Equal(9, buffer[0]);
    }

    [Fact]
    public async Task Disposing_stops_the_pump_and_disposes_the_source()
    {
        var source = new ScriptedStream();
        source.Enqueue([1]);
        var stream = new ReadAheadStream(source, chunkSize: 8, maxChunks: 2);
        var buffer = new byte[1];
        Assert.Equal(1, await stream.ReadAsync(buffer));
        await source.WaitUntilBlockedAsync(Deadline);

        await stream.DisposeAsync();

        Assert.True(source.Disposed);
        await Until(() => source.ReadCancelled, "the pump's pending read to be cancelled");
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await stream.ReadAsync(buffer));
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Yield();
            Thread.Yield();
        }
    }

    /// <summary>A source that returns queued chunks one per read, blocks when none is queued, and can fail.</summary>
    private sealed class ScriptedStream : Stream
    {
        private readonly Channel<object> _script = Channel.CreateUnbounded<object>();
        private readonly SemaphoreSlim _blocked = new(0);
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);
        public volatile int Consumed;
        public List<int> ConsumedAtRead { get; } = [];
        public bool Disposed { get; private set; }
        public bool ReadCancelled { get; private set; }

        public void Enqueue(byte[] chunk) => _script.Writer.TryWrite(chunk);
        public void Fail(Exception error) => _script.Writer.TryWrite(error);

        /// <summary>Waits until a read found nothing queued and is waiting for the script.</summary>
        public async Task WaitUntilBlockedAsync(TimeSpan timeout)
        {
            if (!await _blocked.WaitAsync(timeout))
            {
                Assert.Fail("The source was never read while empty.");
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (ConsumedAtRead) ConsumedAtRead.Add(Consumed);
            Interlocked.Increment(ref _reads);
            if (!_script.Reader.TryRead(out var next))
            {
                _blocked.Release();
                try
                {
                    next = await _script.Reader.ReadAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    ReadCancelled = true;
                    throw;
                }
            }

            if (next is Exception e)
            {
                throw e;
            }

            var chunk = (byte[])next;
            chunk.CopyTo(buffer);
            return chunk.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
