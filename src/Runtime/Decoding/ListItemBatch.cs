namespace KubeInformers;

/// <summary>
/// Complete list items copied out of the read buffer for one worker: their bytes, and for each item where it starts in
/// <see cref="Bytes"/>, its length, where it starts in the response body and its index in the list (for error messages).
/// </summary>
/// <remarks>
/// Filled by <see cref="ListBodyParser{T}"/> on the reading thread, then handed whole to <see cref="ListBatchDecoder{T}"/>;
/// never shared between threads while it is written. Its buffer comes from <see cref="ListBatchBuffers"/> and goes back
/// there once the batch is decoded.
/// </remarks>
internal sealed class ListItemBatch(byte[] bytes)
{
    /// <summary>The items' bytes, one after another (replaced by a larger array when an item does not fit).</summary>
    public byte[] Bytes = bytes;

    /// <summary>How many bytes of <see cref="Bytes"/> are used.</summary>
    public int Length;

    /// <summary>The items, in list order.</summary>
    public readonly List<(int Start, int Length, long BodyOffset, int Index)> Items = [];
}
