using System.Diagnostics;
using System.IO.Compression;
using KubeInformers.Generator.Tests.Infrastructure;

namespace KubeInformers.Generator.Tests;

/// <summary>The KubeInformers package carries the runtime in lib/net10.0 and the generator and code fixes in analyzers/dotnet/cs.</summary>
public class PackagingTests
{
    [Fact]
    public async Task PackedPackageHasRuntimeAndGeneratorLayout()
    {
        var output = Directory.CreateTempSubdirectory("kubeinformers-pack-");
        try
        {
            var project = Path.Combine(TestCompilation.RepositoryRoot, "src", "Runtime", "Runtime.csproj");
            var start = new ProcessStartInfo("dotnet", ["pack", project, "-c", "Release", "-o", output.FullName, "-nologo", "-v", "quiet"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("dotnet pack did not finish within 3 minutes");
            }

            Assert.True(process.ExitCode == 0, $"dotnet pack failed:\n{await stdout}\n{await stderr}");
            var package = Assert.Single(Directory.GetFiles(output.FullName, "KubeInformers.*.nupkg"));
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
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
