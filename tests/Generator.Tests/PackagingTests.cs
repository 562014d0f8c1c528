using System.IO.Compression;
using KubeInformers.Generator.Tests.Infrastructure;

namespace KubeInformers.Generator.Tests;

/// <summary>The KubeInformers package carries the runtime in lib/net10.0 and the generator and code fixes in analyzers/dotnet/cs.</summary>
[Collection(LocalPackagesCollection.Name)]
public class PackagingTests(LocalPackages packages)
{
    [Fact]
    public void PackedPackageHasRuntimeAndGeneratorLayout()
    {
        Assert.True(packages.Pack.ExitCode == 0, packages.Pack.Describe());
        var package = packages.PathOf("KubeInformers");
        Assert.True(File.Exists(package), $"{package} was not packed:\n{string.Join("\n", Directory.GetFiles(packages.Folder))}");
        using var archive = ZipFile.OpenRead(package);
        var entries = archive.Entries.Select(e => e.FullName).ToList();

        Assert.Contains("lib/net10.0/KubeInformers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/KubeInformers.Generator.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/KubeInformers.CodeFixes.dll", entries);
        Assert.Contains("build/KubeInformers.props", entries);
        Assert.Contains("buildTransitive/KubeInformers.props", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generator", StringComparison.Ordinal));
        Assert.Equal(2, entries.Count(e => e.StartsWith("analyzers/", StringComparison.Ordinal) && e.EndsWith(".dll", StringComparison.Ordinal)));

        using var nuspec = new StreamReader(archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var manifest = nuspec.ReadToEnd();
        Assert.Contains("<id>KubeInformers</id>", manifest);
        Assert.DoesNotContain("Generator", manifest); // the generator and code fixes are packed, not dependencies
        Assert.DoesNotContain("CodeFixes", manifest);
    }
}
