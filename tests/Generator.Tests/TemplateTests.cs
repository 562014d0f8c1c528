using KubeInformers.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace KubeInformers.Generator.Tests;

/// <summary>
/// The <c>kubeinformers-operator</c> template as a user meets it: installed from its package into an isolated template
/// hive, instantiated, restored against the locally packed KubeInformers packages (plus the normal feed for everything
/// else), built, and its emulator-backed tests run.
/// </summary>
[Collection(LocalPackagesCollection.Name)]
public class TemplateTests(LocalPackages packages, ITestOutputHelper log)
{
    [Fact]
    public async Task OperatorTemplate_Instantiates_Builds_AndItsTestsPass()
    {
        Assert.True(packages.Pack.ExitCode == 0, packages.Pack.Describe());
        log.WriteLine($"pack (4 packages): {packages.Pack.Elapsed.TotalSeconds:0} s");
        var work = Directory.CreateDirectory(Path.Combine(packages.Scratch, "template")).FullName;
        var hive = Path.Combine(work, "hive");
        var restored = Path.Combine(work, "packages");
        var userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // The local feed first; the user's sources (inherited from the user-level NuGet.Config) for third-party packages,
        // served from the user's package folder as a read-only fallback; the new packages extract into a folder of the test's.
        await File.WriteAllTextAsync(Path.Combine(work, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="kubeinformers-local" value="{packages.Folder}" />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{restored}" />
              </config>
              <fallbackPackageFolders>
                <add key="user" value="{userPackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        var steps = new List<DotnetCli.Result>();
        async Task<DotnetCli.Result> Step(string[] args, string directory, int minutes)
        {
            var result = await DotnetCli.RunAsync(args, directory, TimeSpan.FromMinutes(minutes));
            log.WriteLine($"{result.Command}: exit {result.ExitCode}, {result.Elapsed.TotalSeconds:0} s");
            steps.Add(result);
            Assert.True(result.ExitCode == 0, result.Describe());
            return result;
        }

        await Step(["new", "install", packages.PathOf("KubeInformers.Templates"), "--debug:custom-hive", hive], work, 3);
        var created = await Step(["new", "kubeinformers-operator", "-n", "ShopOperator", "-o", "ShopOperator", "--debug:custom-hive", hive], work, 3);
        var root = Path.Combine(work, "ShopOperator");

        // sourceName: the sample's names became the project's; the packages are this build's.
        var project = await File.ReadAllTextAsync(Path.Combine(root, "ShopOperator", "ShopOperator.csproj"));
        Assert.Contains($"<KubeInformersVersion>{packages.Version}</KubeInformersVersion>", project);
        Assert.Contains("namespace ShopOperator;", await File.ReadAllTextAsync(Path.Combine(root, "ShopOperator", "WebAppReconciler.cs")));
        Assert.Contains("namespace ShopOperator.Tests;", await File.ReadAllTextAsync(Path.Combine(root, "ShopOperator.Tests", "ShopOperatorTests.cs")));
        foreach (var file in new[] { "ShopOperator.slnx", "Dockerfile", "README.md", "deploy/operator.yaml", "ShopOperator.Tests/ShopOperator.Tests.csproj" })
        {
            Assert.True(File.Exists(Path.Combine(root, file)), $"{file} missing; `dotnet new` said:\n{created.Output}");
        }

        await Step(["build", "ShopOperator.slnx", "-c", "Release", "-nologo"], root, 8);
        var test = await Step(["test", "ShopOperator.slnx", "-c", "Release", "--no-build", "-nologo"], root, 5);
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+1,", test.Output);
        Assert.True(File.Exists(Path.Combine(restored, "kubeinformers", packages.Version, $"kubeinformers.{packages.Version}.nupkg")),
            "KubeInformers was not restored from the local feed");

        log.WriteLine($"template steps: {steps.Sum(s => s.Elapsed.TotalSeconds):0} s; with the pack: {(packages.Pack.Elapsed + steps.Aggregate(TimeSpan.Zero, (t, s) => t + s.Elapsed)).TotalSeconds:0} s");
    }
}
