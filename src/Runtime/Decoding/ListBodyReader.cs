using System.Buffers;
using System.Text.Json;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// Reads a list response (<c>{"kind":"…List","metadata":{…},"items":[…]}</c>) from a stream without buffering the
/// whole body, and decodes each item from its UTF-8 bytes with the type's <see cref="ItemDecoder{T}"/>. Called by
/// <c>HttpListWatch&lt;T&gt;</c> for each list page; each call is independent, so calls may run concurrently.
/// </summary>
/// <remarks>
/// The reading loop owns the buffer and feeds it to a <see cref="ListBodyParser{T}"/>. With a parallelism of one, items
/// are decoded on the reading thread as they arrive, and the buffer holds at most one item plus one read. With more,
/// the parser only finds where each item starts and ends (a scan for quotes, escapes and brackets with
/// <see cref="JsonValueScanner"/>, far cheaper than tokenizing) and hands batches of complete items
/// (<see cref="ListItemBatch"/>, buffers from <see cref="ListBatchBuffers"/>) to up to that many workers
/// (<see cref="ListBatchDecoder{T}"/>), which decode them while the next bytes arrive; items keep their order, and at
/// most two batches per worker are held. A short list that fits in one batch is decoded on the reading thread. Either
/// way each item is decoded by the same decoder with the same results and errors, except that a projection decoded from
/// a whole item skips large subtrees without validating them (<see cref="ProjectionSkipping"/>). Every error is a
/// <see cref="KubernetesDecodeException"/> (<see cref="DecodeErrors"/>) naming the first bad item in list order.
/// </remarks>
internal static class ListBodyReader
{
    private const int InitialBufferSize = 64 * 1024;

    /// <summary>The smallest batch of item bytes handed to a worker: about 75 realistic Pods of 6.8 KB.</summary>
    internal const int DefaultBatchBytes = 512 * 1024;

    /// <summary>
    /// How far an item may run without ending before the scanner calls the body malformed. The API server stores objects
    /// of at most a few megabytes, so only an unbalanced bracket or quote gets here; without the limit, the buffer would
    /// grow to hold the rest of the body first.
    /// </summary>
    internal const int DefaultMaxItemBytes = 64 * 1024 * 1024;

    /// <summary>The default number of threads that decode one list: the processors the process may use, at most four.</summary>
    public static int DefaultParallelism => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Reads a list body.</summary>
    /// <param name="stream">The response body.</param>
    /// <param name="resource">The resource, for error messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="compiledReaders">Whether items may be decoded by a generated <see cref="CompiledJsonReader{T}"/>.</param>
    /// <param name="parallelism">How many threads may decode items (1: only the reading thread).</param>
    /// <param name="batchBytes">The smallest batch handed to a worker (tests make it small).</param>
    /// <param name="maxItemBytes">How long an item may be when decoded by workers (tests make it small).</param>
    public static async Task<(List<T> Items, V1ListMeta? Metadata)> ReadAsync<T>(
        Stream stream, string resource, CancellationToken cancellationToken, bool compiledReaders = true, int parallelism = 1, int batchBytes = DefaultBatchBytes,
        int maxItemBytes = DefaultMaxItemBytes)
        where T : class
    {
        parallelism = Math.Clamp(parallelism, 1, 64);
        var decoder = ItemDecoder<T>.For(compiledReaders);
        var batches = parallelism > 1 ? new ListBatchBuffers(batchBytes) : null;
        var workers = batches is null ? null : new ListBatchDecoder<T>(resource, decoder, parallelism, batches);
        var parser = new ListBodyParser<T>(decoder, batches, maxItemBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var start = 0;
        var end = 0;
        var stalled = false;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                var final = read == 0;
                end += read;
                if (stalled && !final && end < buffer.Length)
                {
                    // The parser is in the middle of an item it could not finish; re-scanning it after every small read
                    // would cost O(item × reads). Fill the buffer first.
                    continue;
                }

                KubernetesDecodeException? error = null;
                try
                {
                    var consumed = parser.Feed(buffer.AsSpan(start, end - start), final);
                    stalled = consumed == 0;
                    start += consumed;
                }
                catch (JsonException ex)
                {
                    error = DecodeErrors.InvalidList(resource, parser.ErrorPosition(ex), ex.Path ?? "$", ex);
                }
                catch (Exception ex) when (DecodeErrors.IsConversionError(ex))
                {
                    error = DecodeErrors.UnconvertibleListItem(resource, parser.Consumed, null, ex);
                }

                if (error is null && final && !parser.Done)
                {
                    error = DecodeErrors.ListEndedEarly(resource, parser.Consumed);
                }

                if (error is not null)
                {
                    // Workers may hold earlier items that are bad: the first bad item in list order is the error.
                    if (workers is not null)
                    {
                        await workers.CompleteAsync().ConfigureAwait(false);
                        if (parser.TakeBatch(force: true) is { } earlier)
                        {
                            await workers.AddAsync(earlier, inline: true, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    throw error;
                }

                if (workers is not null && parser.TakeBatch(force: parser.Done) is { } batch)
                {
                    await workers.AddAsync(batch, inline: parser.Done && !workers.Started, cancellationToken).ConfigureAwait(false);
                }

                if (parser.Done)
                {
                    return (workers is null ? parser.Items : await workers.CompleteAsync().ConfigureAwait(false), parser.Metadata);
                }

                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, larger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            parser.ReleaseBatch();
            if (workers is not null)
            {
                await workers.AbandonAsync().ConfigureAwait(false);
            }

            batches?.Clear();
        }
    }
}
