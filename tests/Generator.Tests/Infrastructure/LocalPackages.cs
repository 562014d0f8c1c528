namespace KubeInformers.Generator.Tests.Infrastructure;

/// <summary>
/// The repository's packages (KubeInformers, KubeInformers.Hosting, KubeInformers.Emulator, KubeInformers.Templates),
/// packed once per test run into a temporary folder with a version of their own (<c>0.1.0-local.{timestamp}</c>), so a
/// consumer's restore can never pick a stale copy from a package cache. Shared by the tests of
/// <see cref="LocalPackagesCollection"/>; deleted after them.
/// </summary>
public sealed class LocalPackages : IAsyncLifetime
{
    private static readonly string[] Projects =
        ["src/Runtime/Runtime.csproj", "src/Hosting/Hosting.csproj", "src/Emulator/Emulator.csproj", "templates/KubeInformers.Templates/KubeInformers.Templates.csproj"];

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("kubeinformers-packages-");

    /// <summary>The folder holding the .nupkg files (a NuGet source).</summary>
    public string Folder => Path.Combine(_root.FullName, "feed");

    /// <summary>A scratch folder next to the feed, deleted with it.</summary>
    public string Scratch => Path.Combine(_root.FullName, "scratch");

    /// <summary>The packages' version.</summary>
    public string Version { get; } = "0.1.0-local." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What packing took.</summary>
    public DotnetCli.Result Pack { get; private set; } = null!;

    /// <summary>The path of package <paramref name="id"/>.</summary>
    public string PathOf(string id) => Path.Combine(Folder, $"{id}.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Scratch);
        // One solution of the four projects: one restore, one build graph, one pack.
        var solution = Path.Combine(_root.FullName, "packages.slnx");
        await File.WriteAllTextAsync(solution, "<Solution>\n"
            + string.Concat(Projects.Select(p => $"  <Project Path=\"{Path.Combine(TestCompilation.RepositoryRoot, p)}\" />\n"))
            + "</Solution>\n");
        Pack = await DotnetCli.RunAsync(["pack", solution, "-c", "Release", "-o", Folder, "-p:VersionSuffix=" + Version["0.1.0-".Length..], "-nologo", "-v", "quiet"],
            _root.FullName, TimeSpan.FromMinutes(10));
    }

    public Task DisposeAsync()
    {
        _root.Delete(recursive: true);
        // The consumers' restores put this version into the NuGet cache; it is never used again.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "kubeinformers", "kubeinformers.hosting", "kubeinformers.emulator", "kubeinformers.templates" })
        {
            var cached = Path.Combine(cache, id, Version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>The tests that consume <see cref="LocalPackages"/> (run one after the other, sharing one pack).</summary>
[CollectionDefinition(Name)]
public sealed class LocalPackagesCollection : ICollectionFixture<LocalPackages>
{
    public const string Name = "Local packages";
}
