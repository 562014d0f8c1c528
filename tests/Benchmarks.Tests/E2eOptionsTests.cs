using KubeInformers.Benchmarks.EndToEnd;

namespace KubeInformers.Benchmarks.Tests;

/// <summary>The harness's command line: other programs join a run as cold paths with <c>--exe NAME=BINARY</c>, and <c>--ratio-to PATH</c> adds a path every other one is compared with.</summary>
public sealed class E2eOptionsTests
{
    [Fact]
    public void Exe_adds_a_named_cold_path_run_from_the_binary()
    {
        var options = E2eOptions.Parse(["--cold-paths", "client-node", "--exe", "rev-a=/tmp/a/Probe", "--exe", "rev-b=relative/Probe"]);

        Assert.Equal(["client-node", "rev-a", "rev-b"], options.ColdPaths);
        Assert.Equal("/tmp/a/Probe", options.ExternalPaths["rev-a"]);
        Assert.Equal(Path.GetFullPath("relative/Probe"), options.ExternalPaths["rev-b"]);
    }

    [Fact]
    public void Exe_given_twice_with_one_name_keeps_the_last_binary_and_one_path()
    {
        var options = E2eOptions.Parse(["--cold-paths", "client-node", "--exe", "x=/one", "--exe", "x=/two"]);

        Assert.Equal(["client-node", "x"], options.ColdPaths);
        Assert.Equal("/two", options.ExternalPaths["x"]);
    }

    [Theory]
    [InlineData("rev-a")]
    [InlineData("=/bin/probe")]
    [InlineData("rev-a=")]
    public void Exe_without_a_name_and_a_binary_is_refused(string spec)
    {
        var ex = Assert.Throws<ArgumentException>(() => E2eOptions.Parse(["--exe", spec]));
        Assert.Contains("NAME=BINARY", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ours")]
    [InlineData("client-node")]
    [InlineData("aot")]
    public void Exe_may_not_take_the_name_of_a_harness_path(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => E2eOptions.Parse(["--exe", name + "=/bin/probe"]));
        Assert.Contains("harness's own paths", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ratio_to_names_a_cold_path_to_compare_every_path_with()
    {
        var options = E2eOptions.Parse(["--cold-paths", "client-node", "--exe", "rev-a=/tmp/a/Probe", "--exe", "rev-b=/tmp/b/Probe", "--ratio-to", "rev-a"]);

        Assert.Equal("rev-a", options.RatioTo);
        Assert.Null(E2eOptions.Parse(["--cold-paths", "client-node"]).RatioTo);
    }

    [Fact]
    public void Ratio_to_a_path_that_is_not_measured_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => E2eOptions.Parse(["--cold-paths", "ours,client-node", "--ratio-to", "rev-a"]));
        Assert.Contains("--ratio-to rev-a", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ours, client-node", ex.Message, StringComparison.Ordinal);
    }
}
