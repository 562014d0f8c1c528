using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeInformers;

/// <summary>
/// Decodes the two timestamp shapes the API server writes (<c>metav1.Time</c>, <c>2024-05-01T12:30:05Z</c>, and
/// <c>metav1.MicroTime</c>, <c>2024-05-01T12:30:05.123456Z</c>) straight from their UTF-8 bytes, and hands every other
/// value to KubernetesClient's own converter, so the result is always the one that converter gives (a UTC
/// <see cref="DateTime"/>). Thread-safe and stateless.
/// </summary>
/// <remarks>
/// KubernetesClient's converter parses with <c>DateTimeOffset.TryParseExact</c> and a list of formats; matching its
/// <c>Z</c> goes through culture-aware string comparison, which made timestamps most of the CPU time of a cold first
/// list (a realistic Pod carries about ten). Parsing the fixed shapes here gives the same values without it.
/// </remarks>
internal sealed class KubernetesTimestampConverter(JsonConverter<DateTime> fallback) : JsonConverter<DateTime>
{
    /// <summary>The converter that decodes and encodes everything this one does not parse itself.</summary>
    public JsonConverter<DateTime> Fallback { get; } = fallback ?? throw new ArgumentNullException(nameof(fallback));

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence
            && TryParse(reader.ValueSpan, out var value))
        {
            return value;
        }

        return Fallback.Read(ref reader, typeToConvert, options);
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => Fallback.Write(writer, value, options);

    /// <summary>
    /// Parses <c>yyyy-MM-ddTHH:mm:ssZ</c> or <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c> (exactly six fraction digits) into a UTC
    /// <see cref="DateTime"/>; false for anything else, including out-of-range fields.
    /// </summary>
    internal static bool TryParse(ReadOnlySpan<byte> s, out DateTime value)
    {
        value = default;
        if ((s.Length != 20 && s.Length != 27)
            || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[^1] != 'Z'
            || (s.Length == 27 && s[19] != '.'))
        {
            return false;
        }

        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        var micro = 0;
        if (s.Length == 27 && !Digits(s, 20, 6, out micro))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(micro * 10L);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
    }
}
