using System.Globalization;
using System.Text.RegularExpressions;
using KubeInformers.Benchmarks.Soak;
using Xunit.Abstractions;

namespace KubeInformers.Reliability.Tests.Soak;

/// <summary>
/// The soak, run briefly: it must match the model, converge, lose nothing, break no contract, stop, say it did not judge
/// flatness, and write its samples; the flatness verdict flags growth; bad arguments are rejected clearly.
/// </summary>
public sealed class SoakSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_short_soak_converges_loses_nothing_matches_the_model_and_writes_its_samples()
    {
        var csv = Path.Combine(Path.GetTempPath(), $"ki-soak-{Guid.NewGuid():N}.csv");
        var png = Path.ChangeExtension(csv, ".png");
        try
        {
            using var writer = new StringWriter();
            var code = await SoakCommand.RunAsync(
                ["soak", "--seconds", "8", "--objects", "600", "--churn", "150", "--fault-seconds", "1", "--sample-seconds", "2", "--csv", csv, "--plot", png],
                writer, CancellationToken.None);
            var text = writer.ToString();
            output.WriteLine(text);

            // 8 seconds cannot tell a warm-up from a trend: the soak says it did not judge flatness, and succeeds only
            // because every other check passed.
            Assert.Equal(0, code);
            Assert.Contains("server vs model:    equal", text, StringComparison.Ordinal);
            Assert.Contains("converged:          yes", text, StringComparison.Ordinal);
            Assert.Contains("lost:               0 ", text, StringComparison.Ordinal);
            Assert.Contains("contract breaks:    0", text, StringComparison.Ordinal);
            Assert.Contains("stopped:            every informer within 10 s", text, StringComparison.Ordinal);
            Assert.Matches(@"flat:\s+not judged \(\d samples, 6 needed\)", text);
            var faults = int.Parse(Regex.Match(text, @"faults injected:\s+(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(faults, 2, 20);
            var writes = int.Parse(Regex.Match(text, @"writes:\s+(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
            // On a loaded shared machine the write rate falls far below 150/s (93 writes in 8 s were seen at load 108): assert
            // that churn ran, not its speed.
            Assert.True(writes >= 10, $"only {writes} writes in 8 s at 150/s");

            var lines = await File.ReadAllLinesAsync(csv);
            Assert.StartsWith("seconds,heap_mb,threads,sockets,open_watches,pending_max", lines[0], StringComparison.Ordinal);
            Assert.InRange(lines.Length - 1, 1, 5);
            var signature = new byte[8];
            await using (var file = File.OpenRead(png))
            {
                Assert.Equal(8, await file.ReadAsync(signature));
            }

            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, signature);
        }
        finally
        {
            File.Delete(csv);
            File.Delete(png);
        }
    }

    [Fact]
    public void Flatness_is_judged_on_the_first_and_last_thirds_and_not_at_all_with_too_few_samples()
    {
        static SoakSample S(int minute, double heapMb, int threads = 30, int sockets = 12, int pending = 5) =>
            new(TimeSpan.FromMinutes(minute), (long)(heapMb * 1048576), threads, sockets, 3, pending, minute * 6000, minute, "");

        var flat = Enumerable.Range(1, 9).Select(m => S(m, 100 + (m % 2))).ToList();
        var growingHeap = Enumerable.Range(1, 9).Select(m => S(m, 100 + (m * 10))).ToList();
        var leakingThreads = Enumerable.Range(1, 9).Select(m => S(m, 100, threads: 30 + (m * 3))).ToList();
        var growingBuffer = Enumerable.Range(1, 9).Select(m => S(m, 100, pending: m * 100)).ToList();

        Assert.True(SoakFlatness.Judge(flat, 6) is { Judged: true, Flat: true });
        Assert.True(SoakFlatness.Judge(growingHeap, 6) is { Judged: true, Flat: false });
        Assert.True(SoakFlatness.Judge(leakingThreads, 6) is { Judged: true, Flat: false });
        Assert.True(SoakFlatness.Judge(growingBuffer, 6) is { Judged: true, Flat: false });
        Assert.True(SoakFlatness.Judge(growingHeap.Take(5).ToList(), 6) is { Judged: false });
        Assert.Contains("GROWING", SoakFlatness.Judge(growingHeap, 6).Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--minutes", "x")]
    [InlineData("--objects", "-5")]
    [InlineData("--bogus", "1")]
    public async Task Bad_arguments_are_rejected_with_the_usage(string option, string value)
    {
        using var writer = new StringWriter();
        var code = await SoakCommand.RunAsync(["soak", option, value], writer, CancellationToken.None);

        Assert.Equal(64, code);
        Assert.Contains(option, writer.ToString(), StringComparison.Ordinal);
        Assert.Contains("Usage: soak", writer.ToString(), StringComparison.Ordinal);
    }
}
