using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace KubeInformers;

/// <summary>
/// Finds where a JSON object or array ends without tokenizing it: brackets are matched outside strings, and strings end
/// at the first quote not escaped by an odd run of backslashes. Nothing else is checked (the value is decoded, and so
/// validated, later). Processes 64 bytes per step with SIMD bit masks where the hardware has 256-bit vectors.
/// </summary>
internal static class JsonValueScanner
{
    private static readonly SearchValues<byte> s_structural = SearchValues.Create("\"{}[]"u8);
    private static readonly SearchValues<byte> s_stringEnd = SearchValues.Create("\"\\"u8);

    /// <summary>
    /// The length of the object or array that starts at <paramref name="data"/>[0] (which must be <c>{</c> or <c>[</c>),
    /// or -1 when it does not end within <paramref name="data"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ValueLength(ReadOnlySpan<byte> data) =>
        Vector256.IsHardwareAccelerated ? ValueLengthVectorized(data) : ValueLengthScalar(data, 0, 0, inString: false, escaped: false);

    /// <summary>The plain version (also the reference the tests compare with).</summary>
    internal static int ValueLengthScalar(ReadOnlySpan<byte> data) => ValueLengthScalar(data, 0, 0, inString: false, escaped: false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ValueLengthVectorized(ReadOnlySpan<byte> data)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        var quote = Vector256.Create((byte)'"');
        var backslash = Vector256.Create((byte)'\\');
        var lower = Vector256.Create((byte)0x20);
        var open = Vector256.Create((byte)'{'); // '[' | 0x20 == '{'
        var close = Vector256.Create((byte)'}'); // ']' | 0x20 == '}'

        var depth = 0;
        var inString = 0UL; // all ones while the previous block ended inside a string
        var escapeCarry = 0UL; // 1 when the first byte of this block is escaped
        var i = 0;
        for (; i + 64 <= data.Length; i += 64)
        {
            var a = Vector256.LoadUnsafe(ref start, (nuint)i);
            var b = Vector256.LoadUnsafe(ref start, (nuint)(i + 32));
            var quotes = Mask(Vector256.Equals(a, quote), Vector256.Equals(b, quote));
            var backslashes = Mask(Vector256.Equals(a, backslash), Vector256.Equals(b, backslash));
            var a2 = a | lower;
            var b2 = b | lower;
            var opens = Mask(Vector256.Equals(a2, open), Vector256.Equals(b2, open));
            var closes = Mask(Vector256.Equals(a2, close), Vector256.Equals(b2, close));

            if ((backslashes | escapeCarry) != 0)
            {
                quotes &= ~Escaped(backslashes, ref escapeCarry);
            }

            // Bit k of the prefix XOR is set when an odd number of quotes lies at or before k: inside a string
            // (the opening quote included, the closing one not).
            var strings = PrefixXor(quotes) ^ inString;
            inString = (ulong)((long)strings >> 63);

            var brackets = (opens | closes) & ~strings;
            while (brackets != 0)
            {
                var bit = BitOperations.TrailingZeroCount(brackets);
                if (((opens >> bit) & 1) != 0)
                {
                    depth++;
                }
                else if (--depth == 0)
                {
                    return i + bit + 1;
                }

                brackets &= brackets - 1;
            }
        }

        return ValueLengthScalar(data, i, depth, inString != 0, escapeCarry != 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mask(Vector256<byte> low, Vector256<byte> high) =>
        low.ExtractMostSignificantBits() | ((ulong)high.ExtractMostSignificantBits() << 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PrefixXor(ulong x)
    {
        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        return x;
    }

    /// <summary>The bytes of a block escaped by a backslash (a backslash that is itself escaped escapes nothing).</summary>
    private static ulong Escaped(ulong backslashes, ref ulong carry)
    {
        var escaped = carry;
        carry = 0;
        var pending = backslashes & ~escaped;
        while (pending != 0)
        {
            var bit = BitOperations.TrailingZeroCount(pending);
            if (bit == 63)
            {
                carry = 1; // escapes the first byte of the next block
                break;
            }

            var next = 1UL << (bit + 1);
            escaped |= next;
            pending &= ~next;
            pending &= pending - 1;
        }

        return escaped;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ValueLengthScalar(ReadOnlySpan<byte> data, int i, int depth, bool inString, bool escaped)
    {
        while (i < data.Length)
        {
            if (escaped)
            {
                escaped = false;
                i++;
                continue;
            }

            if (inString)
            {
                var found = data[i..].IndexOfAny(s_stringEnd);
                if (found < 0)
                {
                    return -1;
                }

                i += found;
                if (data[i] == (byte)'"')
                {
                    inString = false;
                }
                else
                {
                    escaped = true;
                }

                i++;
                continue;
            }

            var next = data[i..].IndexOfAny(s_structural);
            if (next < 0)
            {
                return -1;
            }

            i += next;
            switch (data[i])
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    break;
                default:
                    if (--depth == 0)
                    {
                        return i + 1;
                    }

                    break;
            }

            i++;
        }

        return -1;
    }
}
