using System.ComponentModel;

namespace KubeInformers;

/// <summary>
/// What <see cref="CompiledReaderContext.FindShared"/> hands a generated reader on a miss, to give back to
/// <see cref="CompiledReaderContext.ShareMap{T}"/> or <see cref="CompiledReaderContext.ShareList{T}(SharedCollectionKey, T[])"/>
/// with the collection it then read: the collection's cache key in a pooled buffer (none when sharing is off or the
/// value is too long), and how many members the collection has. Used once, by the thread that got it. Called by
/// generated code only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct SharedCollectionKey
{
    // The count plus one, so that default (sharing off) means "not counted".
    private readonly int _countPlusOne;

    internal SharedCollectionKey(byte[]? buffer, int length, int count)
    {
        Buffer = buffer;
        Length = length;
        _countPlusOne = count + 1;
    }

    /// <summary>
    /// How many members the collection has (the property names of an object, the values of an array), counted while the
    /// key was made, so the reader can size the collection at once; -1 when not counted (sharing is off: read the plain
    /// mutable collection).
    /// </summary>
    public int Count => _countPlusOne - 1;

    /// <summary>The pooled buffer holding the key, or null for no key.</summary>
    internal byte[]? Buffer { get; }

    /// <summary>The key's length in <see cref="Buffer"/>.</summary>
    internal int Length { get; }
}
