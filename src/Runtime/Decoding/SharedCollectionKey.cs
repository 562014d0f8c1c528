using System.ComponentModel;

namespace KubeInformers;

/// <summary>
/// What <see cref="CompiledReaderContext.FindShared"/> hands a generated reader on a miss, to give back to
/// <see cref="CompiledReaderContext.ShareMap{T}"/> or <see cref="CompiledReaderContext.ShareList{T}"/> with the collection it
/// then read: the collection's cache key in a pooled buffer (none when sharing is off or the value is too long). Used
/// once, by the thread that got it. Called by generated code only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct SharedCollectionKey
{
    internal SharedCollectionKey(byte[] buffer, int length)
    {
        Buffer = buffer;
        Length = length;
    }

    /// <summary>The pooled buffer holding the key, or null for no key.</summary>
    internal byte[]? Buffer { get; }

    /// <summary>The key's length in <see cref="Buffer"/>.</summary>
    internal int Length { get; }
}
