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

        // The Dockerfile, without docker: its build stage's COPY and RUN dotnet lines replayed in a scratch directory, then the
        // ENTRYPOINT's assembly run from the publish output the final stage copies.
        var image = await ReplayDockerfileAsync(root, Path.Combine(work, "docker"), Step);
        var manifests = Path.Combine(work, "docker-manifests");
        await Step([image.EntryAssembly, $"--manifests={manifests}"], image.AppDirectory, 2);
        Assert.True(File.Exists(Path.Combine(manifests, "informer-rbac.yaml")), "the published operator did not write its manifests");

        log.WriteLine($"template steps: {steps.Sum(s => s.Elapsed.TotalSeconds):0} s; with the pack: {(packages.Pack.Elapsed + steps.Aggregate(TimeSpan.Zero, (t, s) => t + s.Elapsed)).TotalSeconds:0} s");
    }

    /// <summary>The final stage's working directory (where the publish output landed) and the assembly its ENTRYPOINT runs.</summary>
    private sealed record ReplayedImage(string AppDirectory, string EntryAssembly);

    /// <summary>
    /// Replays <paramref name="context"/>'s Dockerfile without docker: a container path <c>/x</c> becomes
    /// <c><paramref name="scratch"/>/x</c>; <c>COPY</c> from the context copies files or folders; <c>RUN dotnet …</c> runs
    /// the same command with the same arguments in the stage's <c>WORKDIR</c>; <c>COPY --from=stage</c> copies between
    /// scratch folders. Any other <c>RUN</c>, or an instruction not listed, fails (so a Dockerfile this cannot check is
    /// noticed). Not checked: the base images, <c>USER</c>, <c>EXPOSE</c>, and restoring without the test's NuGet.config
    /// (the packages come from its local feed here; in a container they must be on a feed the build can reach).
    /// </summary>
    private static async Task<ReplayedImage> ReplayDockerfileAsync(string context, string scratch, Func<string[], string, int, Task<DotnetCli.Result>> step)
    {
        // Each stage's filesystem is a folder of its own: scratch/<stage name or number>.
        var stage = "";
        var stages = 0;
        string InStage(string name, string path, string workdir) =>
            Path.Combine(scratch, name, (path.StartsWith('/') ? path : workdir.TrimEnd('/') + "/" + path).TrimStart('/'));
        string InContainer(string path, string workdir) => InStage(stage, path, workdir);
        var workdir = "/";
        string[]? entrypoint = null;
        var dotnetRuns = 0;
        foreach (var raw in await File.ReadAllLinesAsync(Path.Combine(context, "Dockerfile")))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var args = parts.Skip(1).ToArray();
            switch (parts[0].ToUpperInvariant())
            {
                case "FROM":
                    stage = args is [_, var keyword, var name] && keyword.Equals("AS", StringComparison.OrdinalIgnoreCase) ? name : (stages++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    workdir = "/";
                    break;
                case "WORKDIR":
                    workdir = args.Single();
                    Directory.CreateDirectory(InContainer(workdir, "/"));
                    break;
                case "COPY":
                    var fromStage = args[0].StartsWith("--from=", StringComparison.Ordinal);
                    var (source, target) = fromStage
                        ? (InStage(args[0]["--from=".Length..], args[1], "/"), InContainer(args[2], workdir))
                        : (Path.Combine(context, args[0]), InContainer(args[1], workdir));
                    if (Directory.Exists(source))
                    {
                        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(d => d is "bin" or "obj"))) // as a .dockerignore would
                        {
                            var to = Path.Combine(target, Path.GetRelativePath(source, file));
                            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                            File.Copy(file, to, overwrite: true);
                        }
                    }
                    else
                    {
                        Assert.True(File.Exists(source), $"COPY source {args[0]} is not in the build context");
                        var to = args[^1].EndsWith('/') ? Path.Combine(target, Path.GetFileName(source)) : target;
                        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                        File.Copy(source, to, overwrite: true);
                    }
                    break;
                case "RUN":
                    Assert.True(args[0] == "dotnet" && !line.Any(c => c is '"' or '\'' or '&' or '|' or ';' or '$'), $"cannot replay without docker: {line}");
                    await step([.. args.Skip(1).Select(a => a.StartsWith('/') ? InContainer(a, "/") : a)], InContainer(workdir, "/"), 8);
                    dotnetRuns++;
                    break;
                case "ENTRYPOINT":
                    entrypoint = System.Text.Json.JsonSerializer.Deserialize<string[]>(line["ENTRYPOINT".Length..]);
                    break;
                case "USER" or "EXPOSE":
                    break;
                default:
                    Assert.Fail($"the Dockerfile replay does not know {parts[0]}: {line}");
                    break;
            }
        }

        Assert.True(dotnetRuns >= 2, "expected the Dockerfile to restore and publish with dotnet");
        Assert.True(entrypoint is ["dotnet", _, ..], $"ENTRYPOINT is not [\"dotnet\", \"X.dll\", …]: {string.Join(' ', entrypoint ?? [])}");
        var app = InContainer(workdir, "/");
        var assembly = Path.Combine(app, entrypoint![1]);
        Assert.True(File.Exists(assembly), $"ENTRYPOINT runs {entrypoint[1]}, which the publish output in {app} does not have");
        Assert.True(File.Exists(Path.ChangeExtension(assembly, ".runtimeconfig.json")), $"{entrypoint[1]} has no runtimeconfig.json: `dotnet {entrypoint[1]}` cannot run it");
        return new ReplayedImage(app, assembly);
    }
}
