namespace KubeInformers;

/// <summary>
/// The batch buffers of one list response, reused while it is read and dropped after it (not pooled for the process, so
/// nothing stays allocated once the list is decoded). A batch is handed to a worker once it holds
/// <see cref="BatchBytes"/>; its buffer has room for one more item of common size.
/// </summary>
/// <remarks>
/// Thread-safe: the reading thread rents, workers return. After <see cref="Clear"/> returned buffers are dropped.
/// </remarks>
internal sealed class ListBatchBuffers(int batchBytes)
{
    private readonly int _size = batchBytes + (64 * 1024);
    private readonly Stack<byte[]> _free = new();
    private bool _closed;

    /// <summary>The smallest batch handed to a worker, in bytes.</summary>
    public int BatchBytes => batchBytes;

    /// <summary>A buffer of at least <paramref name="minimum"/> bytes: a returned one when it fits, else a new one.</summary>
    public byte[] Rent(int minimum)
    {
        lock (_free)
        {
            if (minimum <= _size && _free.TryPop(out var reused))
            {
                return reused;
            }
        }

        return new byte[Math.Max(_size, minimum)];
    }

    /// <summary>Gives a buffer back for the next batch (buffers of another size are left to the garbage collector).</summary>
    public void Return(byte[] buffer)
    {
        if (buffer.Length == _size)
        {
            lock (_free)
            {
                if (!_closed)
                {
                    _free.Push(buffer);
                }
            }
        }
    }

    /// <summary>Drops the free buffers once the list is read, whoever still holds this object.</summary>
    public void Clear()
    {
        lock (_free)
        {
            _closed = true;
            _free.Clear();
        }
    }
}
