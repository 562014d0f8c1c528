using System.Text;
using System.Text.Json;
using CsCheck;

namespace KubeInformers.Tests.Transport;

/// <summary>The list reader's item-boundary scanner must find exactly where a JSON value ends, for any content.</summary>
public sealed class JsonValueScannerTests
{
    // Strings full of what can fool a scanner: brackets, escaped quotes, runs of backslashes, unicode escapes.
    private static readonly Gen<string> StringContent = Gen.String[Gen.Char["ab{}[],:\"\\é中 "], 0, 80];

    private static string Quote(string s) =>
        "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static readonly Gen<string> Scalar = Gen.Frequency(
        (3, StringContent.Select(Quote)),
        (1, Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Int[0, 4].Select(i => new[] { "true", "false", "null", "\"\\u0041\\\\\"", "\"\\\\\\\\\\\"\"" }[i])));

    private static Gen<string> Value(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (2, Scalar),
            (1, Gen.Select(StringContent, Gen.Int[0, 2]).Array[0, 4].SelectMany(members =>
                Value(depth - 1).Array[members.Length].Select(values =>
                    "{" + string.Join(",", members.Select((m, i) => Quote(m.Item1 + i) + ":" + values[i])) + "}"))),
            (1, Value(depth - 1).Array[0, 4].Select(values => "[" + string.Join(", ", values) + "]")));

    private static readonly Gen<string> Containers = Value(4).Select(v => "{\"k\":" + v + "}");

    [Fact]
    public void The_scanner_finds_the_end_of_any_value_and_never_ends_early()
    {
        Gen.Select(Containers, Gen.Int[0, 1000]).Sample((json, cut) =>
        {
            Assert.True(IsValidJson(json), json);
            var bytes = Encoding.UTF8.GetBytes(json + ", {\"next\":\"]\"}");
            var length = Encoding.UTF8.GetByteCount(json);

            Assert.Equal(length, JsonValueScanner.ValueLength(bytes));
            Assert.Equal(length, JsonValueScanner.ValueLengthScalar(bytes));

            // Any prefix that stops inside the value does not end it.
            var prefix = bytes.AsSpan(0, cut % length);
            Assert.Equal(-1, JsonValueScanner.ValueLength(prefix));
            Assert.Equal(-1, JsonValueScanner.ValueLengthScalar(prefix));
        }, iter: 3000);
    }

    [Theory]
    [InlineData(62)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(127)]
    [InlineData(128)]
    public void Backslash_runs_and_quotes_across_a_64_byte_block_edge_are_handled(int offset)
    {
        // Place runs of one to four backslashes right before and across a block edge, before a quote or a bracket.
        for (var run = 1; run <= 4; run++)
        {
            var content = new string('a', Math.Max(0, offset - 3)) + new string('\\', run) + "\"]}" + new string('b', 70);
            var json = "{\"s\":" + Quote(content) + ",\"t\":[1,{}]}";
            Assert.True(IsValidJson(json));
            var bytes = Encoding.UTF8.GetBytes(json + "]]]");
            Assert.Equal(json.Length, JsonValueScanner.ValueLength(bytes));
        }
    }

    private static bool IsValidJson(string json)
    {
        try
        {
            using var _ = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
