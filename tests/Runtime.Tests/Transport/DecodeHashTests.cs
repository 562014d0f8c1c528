using System.Text;

namespace KubeInformers.Tests.Transport;

/// <summary>
/// The decode caches' key hash (<c>Utf8ValueCache.Hash</c>) reads eight bytes at a time and the tail as an overlapping
/// word: every byte of a key of any length must count, and keys a cluster writes must spread over the slots.
/// </summary>
public sealed class DecodeHashTests
{
    [Fact]
    public void Changing_any_one_byte_of_a_key_of_any_length_up_to_80_changes_its_hash()
    {
        var random = new Random(20261202);
        for (var length = 1; length <= 80; length++)
        {
            var key = new byte[length];
            random.NextBytes(key);
            var original = Utf8ValueCache<string>.Hash(key);
            for (var i = 0; i < length; i++)
            {
                var changed = (byte[])key.Clone();
                changed[i] ^= (byte)(1 << (i % 8));
                Assert.True(original != Utf8ValueCache<string>.Hash(changed), $"length {length}: flipping a bit of byte {i} left the hash unchanged");
            }
        }
    }

    [Fact]
    public void Keys_that_differ_only_in_length_hash_differently()
    {
        // A zero tail must not vanish: "a", "a\0", "a\0\0"... are different keys.
        var hashes = new HashSet<uint>();
        for (var length = 0; length <= 40; length++)
        {
            var key = new byte[length];
            if (length > 0) key[0] = (byte)'a';
            Assert.True(hashes.Add(Utf8ValueCache<string>.Hash(key)), $"the key of length {length} collides with a shorter one");
        }
    }

    [Theory]
    [InlineData("uid")]
    [InlineData("pod-name")]
    [InlineData("container-id")]
    public void Keys_as_a_cluster_writes_them_fill_the_slots_as_random_keys_would(string kind)
    {
        // 16,384 distinct keys into 16,384 slots: uniformly random slots leave about 1 - 1/e (63.2 %) of them occupied.
        const int slots = 16_384;
        var used = new HashSet<uint>();
        for (var i = 0; i < slots; i++)
        {
            var key = kind switch
            {
                "uid" => new Guid(i, (short)(i >> 16), 0x4abc, 1, 2, 3, 4, 5, 6, 7, 8).ToString(),
                "pod-name" => $"checkout-7d9f8c6b5-{i:x5}",
                _ => $"containerd://{i:x8}{new string('0', 56)}",
            };
            used.Add(Utf8ValueCache<string>.Hash(Encoding.ASCII.GetBytes(key)) & (slots - 1));
        }

        var occupied = used.Count / (double)slots;
        Assert.InRange(occupied, 0.60, 0.67);
    }
}
