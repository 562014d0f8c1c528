using KubeInformers.Benchmarks.Soak;
using Xunit.Abstractions;

namespace KubeInformers.Reliability.Tests.Soak;

/// <summary>The soak mode, run briefly: it must converge, lose nothing and report; and reject bad arguments clearly.</summary>
public sealed class SoakSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_short_soak_converges_and_loses_nothing()
    {
        using var writer = new StringWriter();
        var code = await SoakCommand.RunAsync(
            ["soak", "--seconds", "8", "--objects", "600", "--churn", "150", "--fault-seconds", "1", "--sample-seconds", "2"], writer, CancellationToken.None);
        var text = writer.ToString();
        output.WriteLine(text);

        Assert.Contains("lost:               0 ", text, StringComparison.Ordinal);
        Assert.Contains("contract breaks:    0", text, StringComparison.Ordinal);
        Assert.Contains("faults injected:", text, StringComparison.Ordinal);
        // Exit code 2 only says memory or threads were not flat, which 8 seconds of warm-up cannot judge.
        Assert.Contains(code, new[] { 0, 2 });
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
