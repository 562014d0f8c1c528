using System.Diagnostics;
using System.Text;

namespace KubeInformers.Generator.Tests.Infrastructure;

/// <summary>
/// Runs the <c>dotnet</c> CLI from a test with a deadline: stdout and stderr are captured together, the process tree is
/// killed when the deadline passes, and the result says what ran, how long it took and what it printed. The test host's
/// own MSBuild and test-platform variables are not passed on, so the child builds as it would from a shell.
/// </summary>
public static class DotnetCli
{
    public sealed record Result(string Command, int ExitCode, TimeSpan Elapsed, string Output)
    {
        public string Describe() => $"`{Command}` exited {ExitCode} after {Elapsed.TotalSeconds:0} s:\n{Output}";
    }

    public static async Task<Result> RunAsync(IReadOnlyList<string> args, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet", args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || k.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var command = "dotnet " + string.Join(' ', args);
        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"`{command}` did not finish within {timeout.TotalMinutes:0} min:\n{Tail(output)}");
        }
        process.WaitForExit(); // drains the redirected streams
        return new Result(command, process.ExitCode, watch.Elapsed, Tail(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Tail(StringBuilder output)
    {
        lock (output)
        {
            const int max = 12_000; // the end holds the errors and the summary
            return output.Length <= max ? output.ToString() : "…" + output.ToString(output.Length - max, max);
        }
    }
}
