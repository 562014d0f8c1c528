using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace KubeInformers.Samples.Tests;

/// <summary>
/// Publishes samples/AotWatcher with Native AOT once per test class (<c>dotnet publish -c Release -r linux-x64</c> into a
/// temporary directory, with every project's bin/obj under a temporary <c>--artifacts-path</c> so the publish is complete
/// each time (an incremental one would skip ILCompiler and print no warnings) and leaves the repository's outputs alone;
/// build servers off so no process outlives it), and keeps what the tests read: the exit code, the
/// whole log, the wall time, the native binary and the trim/AOT warnings (IL2xxx/IL3xxx) the publish printed. The
/// publish is bounded by <see cref="PublishDeadline"/>; the directory is deleted on dispose. Needs clang and lld
/// (.ci/run installs them). Read-only after <see cref="InitializeAsync"/>.
/// </summary>
public sealed partial class AotWatcherPublish : IAsyncLifetime
{
    /// <summary>The publish's deadline: a full Native AOT publish takes minutes on two shared cores.</summary>
    public static readonly TimeSpan PublishDeadline = TimeSpan.FromMinutes(30);

    private readonly StringBuilder _log = new();

    /// <summary>The repository root (from the test assembly's metadata).</summary>
    public static string RepositoryRoot { get; } = typeof(AotWatcherPublish).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The publish directory.</summary>
    public string OutputDirectory { get; } = Path.Combine(Path.GetTempPath(), "kubeinformers-aotwatcher-" + Guid.NewGuid().ToString("N"));

    /// <summary>The native executable.</summary>
    public string Binary => Path.Combine(OutputDirectory, "AotWatcher");

    /// <summary>The publish's exit code (-1 if it ran past <see cref="PublishDeadline"/> and was killed).</summary>
    public int ExitCode { get; private set; }

    /// <summary>How long the publish took.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Everything the publish printed, stdout and stderr interleaved.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Each distinct trim/AOT warning the publish printed, as (code, origin, text); origin is the assembly or member it names.</summary>
    public IReadOnlyList<(string Code, string Origin, string Text)> Warnings { get; private set; } = [];

    /// <summary>The last <paramref name="lines"/> lines of the publish log, for failure messages.</summary>
    public string LogTail(int lines = 40) =>
        string.Join('\n', Log.Split('\n').TakeLast(lines));

    /// <summary>Runs the publish.</summary>
    public async Task InitializeAsync()
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "publish", Path.Combine("samples", "AotWatcher", "AotWatcher.csproj"), "-c", "Release", "-r", "linux-x64", "-o", OutputDirectory, "--artifacts-path", OutputDirectory + "-artifacts", "--disable-build-servers", "-nologo" })
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(PublishDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            ExitCode = process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Append($"(killed: the publish ran past {PublishDeadline})");
            ExitCode = -1;
        }
        Elapsed = clock.Elapsed;
        Warnings = ParseWarnings(Log);
    }

    /// <summary>Deletes the publish and artifacts directories.</summary>
    public Task DisposeAsync()
    {
        foreach (var directory in new[] { OutputDirectory, OutputDirectory + "-artifacts", OutputDirectory + "-kubeconfigs" })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        return Task.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.Append(line).Append('\n');
        }
    }

    private static List<(string Code, string Origin, string Text)> ParseWarnings(string log)
    {
        // "ILC : AOT analysis warning IL3050: KubeInformers.X.M(): Using member …" or
        // "… warning IL2104: Assembly 'KubernetesClient' produced trim warnings. …", each possibly repeated in the summary.
        var found = new List<(string, string, string)>();
        foreach (Match match in WarningLine().Matches(log))
        {
            var code = match.Groups["code"].Value;
            var text = match.Groups["text"].Value.Trim();
            var assembly = AssemblyOrigin().Match(text);
            var origin = assembly.Success ? assembly.Groups["name"].Value : text.Split(": ", 2)[0];
            if (!found.Exists(w => w.Item1 == code && w.Item3 == text))
            {
                found.Add((code, origin, text));
            }
        }
        return found;
    }

    [GeneratedRegex(@"warning (?<code>IL[23]\d{3}): (?<text>[^\r\n]*?)(?: \[[^\]\r\n]*\])?\r?$", RegexOptions.Multiline)]
    private static partial Regex WarningLine();

    [GeneratedRegex(@"^Assembly '(?<name>[^']+)' produced")]
    private static partial Regex AssemblyOrigin();
}
