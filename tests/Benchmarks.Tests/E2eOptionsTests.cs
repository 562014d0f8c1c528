using KubeInformers.Benchmarks.EndToEnd;

namespace KubeInformers.Benchmarks.Tests;

/// <summary>The harness's command line: other programs join a run as cold paths with <c>--exe NAME=BINARY</c>.</summary>
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
}
