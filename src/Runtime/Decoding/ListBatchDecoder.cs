using System.Runtime.CompilerServices;
using System.Text.Json;

namespace KubeInformers;

/// <summary>
/// Decodes the <see cref="ListItemBatch">batches</see> of one list response on worker threads while the reading thread
/// reads on, each item with the type's <see cref="ItemDecoder{T}"/>, and returns the items in the order of the batches.
/// At most <c>2 × parallelism</c> batches are held at once; the first failing item in list order is the error.
/// </summary>
/// <remarks>
/// Called by <see cref="ListBodyReader"/> only, from the reading loop: <see cref="AddAsync"/>, <see cref="CompleteAsync"/>
/// and <see cref="AbandonAsync"/> are not thread-safe among themselves (one caller, one at a time); the workers touch only
/// their own batch and the thread-safe <see cref="ListBatchBuffers"/>.
/// </remarks>
internal sealed class ListBatchDecoder<T>(string resource, ItemDecoder<T> decoder, int parallelism, ListBatchBuffers buffers) where T : class
{
    /// <summary>An item sits two levels deep in the list (its object and the items array): its depth limit counts from there.</summary>
    private static readonly JsonReaderState s_itemState = new(new JsonReaderOptions { MaxDepth = 64 - 2 });

    private readonly SemaphoreSlim _slots = new(2 * parallelism);
    private readonly Queue<Task<T[]>> _pending = new();
    private readonly List<T> _items = [];

    /// <summary>Whether a batch went to a worker (false while everything was decoded inline).</summary>
    public bool Started { get; private set; }

    /// <summary>
    /// Hands a batch to a worker, waiting for a free slot, and collects the batches already done; with
    /// <paramref name="inline"/>, decodes it on the calling thread instead (the whole list fits in one batch, or the
    /// reading has failed and the earlier items must be checked in order).
    /// </summary>
    public async ValueTask AddAsync(ListItemBatch batch, bool inline, CancellationToken cancellationToken)
    {
        if (inline)
        {
            try
            {
                _items.AddRange(Decode(batch));
            }
            finally
            {
                buffers.Return(batch.Bytes);
            }

            return;
        }

        Started = true;
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        _pending.Enqueue(Task.Run(() =>
        {
            try
            {
                return Decode(batch);
            }
            finally
            {
                buffers.Return(batch.Bytes);
                _slots.Release();
            }
        }, CancellationToken.None));

        // Collect finished batches in order, so the first error surfaces early and the queue stays short.
        while (_pending.TryPeek(out var head) && head.IsCompleted)
        {
            _items.AddRange(await _pending.Dequeue().ConfigureAwait(false));
        }
    }

    /// <summary>Waits for every batch handed out and returns all items in list order; throws the first item's error.</summary>
    public async Task<List<T>> CompleteAsync()
    {
        while (_pending.TryDequeue(out var task))
        {
            _items.AddRange(await task.ConfigureAwait(false));
        }

        return _items;
    }

    /// <summary>After a failure or cancellation: waits for the workers (so their buffers go back) and observes their errors.</summary>
    public async Task AbandonAsync()
    {
        while (_pending.TryDequeue(out var task))
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The caller already has an error of its own.
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private T[] Decode(ListItemBatch batch)
    {
        var result = new T[batch.Items.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var (start, length, bodyOffset, index) = batch.Items[i];
            try
            {
                result[i] = decoder.DecodeWhole(batch.Bytes, start, length, s_itemState);
            }
            catch (JsonException ex)
            {
                var path = ex.Path is { Length: > 1 } p ? p[1..] : "";
                var position = bodyOffset + (ex.LineNumber is 0 ? ex.BytePositionInLine ?? 0 : 0);
                throw DecodeErrors.InvalidList(resource, position, $"$.items[{index}]{path}", ex);
            }
            catch (Exception ex) when (DecodeErrors.IsConversionError(ex))
            {
                throw DecodeErrors.UnconvertibleListItem(resource, bodyOffset, $"$.items[{index}]", ex);
            }
        }

        return result;
    }
}
