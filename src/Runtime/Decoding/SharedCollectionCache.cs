using System.Buffers;
using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.Text.Json;

namespace KubeInformers;

/// <summary>
/// Shares repeated collections of immutable values (string lists, string maps such as labels and annotations, maps of
/// resource quantities such as a container's requests and limits) between decoded objects: a bounded
/// <see cref="Utf8ValueCache{TValue}"/> keyed by the collection's JSON tokens, admitting a collection on its second sight,
/// so the replicas of one ReplicaSet, or every container of one app, hold one copy. Every collection read this way is
/// read-only (<see cref="ReadOnlyCollection{T}"/>, <see cref="ReadOnlyDictionary{TKey, TValue}"/>), shared or not, so
/// changing one throws instead of changing other objects; generated <c>DeepCopy</c> gives mutable copies. Switched off
/// for the process by the <see cref="SwitchName"/> <see cref="AppContext"/> switch (collections are then plain mutable
/// <c>List</c>/<c>Dictionary</c>, unshared). Thread-safe: entries are immutable and a race only costs a miss.
/// </summary>
internal sealed class SharedCollectionCache
{
    /// <summary>The <see cref="AppContext"/> switch that, set to false before the first decode, turns sharing off.</summary>
    public const string SwitchName = "KubeInformers.Decoding.ShareReadOnlyCollections";

    private readonly Utf8ValueCache<object> _cache = new(slots: 4_096, maxLength: 1_024, admitOnSecondSight: true);

    /// <summary>Whether sharing is on (read once, when the decoder's context is made).</summary>
    public static bool EnabledBySwitch => !AppContext.TryGetSwitch(SwitchName, out var enabled) || enabled;

    /// <summary>
    /// At a collection's start token: the shared collection with the same tokens, or null and the key to share the
    /// collection under once it is read (none when the key would be longer than the cache keeps) and the collection's
    /// member count. Moves the reader to the collection's end; <see cref="CompiledReadResult.NeedMoreData"/> when the data
    /// ends first.
    /// </summary>
    /// <param name="reader">At the collection's start token.</param>
    /// <param name="kind">Which collection type the caller reads: part of the key, so a string map and a quantity map
    /// with the same JSON are two entries instead of evicting each other.</param>
    /// <param name="key">On a miss, the key to pass to <see cref="Offer"/> and the member count.</param>
    /// <param name="shared">On a hit, the shared collection.</param>
    public CompiledReadResult Find(ref Utf8JsonReader reader, int kind, out SharedCollectionKey key, out object? shared)
    {
        key = default;
        shared = null;

        var buffer = ArrayPool<byte>.Shared.Rent(512);
        var length = TokenKeys.Write(ref reader, ref buffer, _cache.MaxLength - sizeof(int), out var complete, out var count);
        if (!complete || length < 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!complete)
            {
                return CompiledReadResult.NeedMoreData;
            }

            key = new SharedCollectionKey(null, 0, count); // too long to share: read as it is, sized at once
            return CompiledReadResult.Done;
        }

        if (buffer.Length < length + sizeof(int))
        {
            // Rare: the tokens filled the buffer to within the kind's four bytes.
            var larger = ArrayPool<byte>.Shared.Rent(length + sizeof(int));
            buffer.AsSpan(0, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }

        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(length), kind);
        length += sizeof(int);

        if (_cache.TryGet(buffer.AsSpan(0, length), out shared))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return CompiledReadResult.Done;
        }

        key = new SharedCollectionKey(buffer, length, count);
        return CompiledReadResult.Done;
    }

    /// <summary>Offers <paramref name="value"/> to the cache under <paramref name="key"/> (kept on the key's second sight) and releases the key.</summary>
    public void Offer(SharedCollectionKey key, object value)
    {
        if (key.Buffer is { } buffer)
        {
            _cache.Set(buffer.AsSpan(0, key.Length), value);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
