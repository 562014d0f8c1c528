using k8s.Models;

namespace KubeInformers.Tests.Cache;

public sealed class CacheKeysTests
{
    [Fact]
    public void MetaNamespaceKey_IsNamespaceSlashName_OrNameForClusterScoped()
    {
        Assert.Equal("ns/p", CacheKeys.MetaNamespaceKey(new V1Pod { Metadata = new() { Name = "p", NamespaceProperty = "ns" } }));
        Assert.Equal("n1", CacheKeys.MetaNamespaceKey(new V1Node { Metadata = new() { Name = "n1" } }));
    }

    [Fact]
    public void MetaNamespaceKey_WithoutName_Throws()
    {
        Assert.Throws<ArgumentException>(() => CacheKeys.MetaNamespaceKey(new V1Pod { Metadata = new() { GenerateName = "p-" } }));
        Assert.Throws<ArgumentException>(() => CacheKeys.MetaNamespaceKey(new V1Pod()));
    }

    [Fact]
    public void For_And_Split_RoundTrip()
    {
        Assert.Equal("ns/n", CacheKeys.For("ns", "n"));
        Assert.Equal("n", CacheKeys.For(null, "n"));
        Assert.Equal("n", CacheKeys.For("", "n"));
        Assert.Equal(("ns", "n"), CacheKeys.Split("ns/n"));
        Assert.Equal(("", "n"), CacheKeys.Split("n"));
    }

    [Fact]
    public void Split_WithTwoSlashes_ThrowsFormatException()
        => Assert.Throws<FormatException>(() => CacheKeys.Split("a/b/c"));
}
