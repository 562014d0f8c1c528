using KubeInformers.Benchmarks.EndToEnd;

namespace KubeInformers.Benchmarks.Tests;

/// <summary>
/// The harness's command line: other programs join a run as cold paths with <c>--exe NAME=BINARY</c>,
/// <c>--ratio-to PATH</c> adds a path every other one is compared with, <c>--tls</c> serves over HTTPS, and a cold
/// path the harness does not know is refused.
/// </summary>
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

    [Fact]
    public void Tls_is_off_unless_asked_for_and_combines_with_the_other_options()
    {
        Assert.False(E2eOptions.Parse([]).Tls);

        var options = E2eOptions.Parse(["--cold", "--tls", "--cold-paths", "floor,ours,ours-late,client-node", "--ratio-to", "ours-late"]);

        Assert.True(options.Tls);
        Assert.True(options.Cold);
        Assert.Equal(["floor", "ours", "ours-late", "client-node"], options.ColdPaths);
        Assert.Equal("ours-late", options.RatioTo);
    }

    [Fact]
    public void Tls_after_quick_keeps_quick_mode_and_quick_after_tls_keeps_tls()
    {
        var tlsLast = E2eOptions.Parse(["--quick", "--tls"]);
        var tlsFirst = E2eOptions.Parse(["--tls", "--quick"]);

        Assert.All(new[] { tlsLast, tlsFirst }, o =>
        {
            Assert.True(o.Tls);
            Assert.True(o.Quick);
            Assert.Equal([200], o.Objects);
        });
    }

    [Fact]
    public void Ours_late_is_a_cold_path_that_watches()
    {
        Assert.Contains("ours-late", SyncPaths.All);
        Assert.True(SyncPaths.Watches("ours-late"));
        Assert.Contains("ConnectEarly = false", SyncPaths.Describe("ours-late"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--cold-paths", "ours,ours-early")]
    [InlineData("--all-unique-paths", "ours-latte")]
    [InlineData("--cold-paths", "aot")]
    public void An_unknown_cold_path_is_refused_with_the_known_ones(string option, string paths)
    {
        var ex = Assert.Throws<ArgumentException>(() => E2eOptions.Parse([option, paths]));

        Assert.Contains("Unknown cold path", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ours-late", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aot_paths_are_known_once_the_binary_is_given()
    {
        var options = E2eOptions.Parse(["--aot", "/tmp/AotWatcher", "--cold-paths", "ours,aot,aot-projection"]);

        Assert.Equal(["ours", "aot", "aot-projection"], options.ColdPaths);
    }
}
