using System.Diagnostics;

namespace KubeInformers.Generator.Tests.Infrastructure;

/// <summary>Runs the <c>dotnet</c> CLI as a child process, bounded by a deadline (the process tree is killed past it).</summary>
public static class DotnetCli
{
    /// <summary>Runs <c>dotnet {args}</c> in <paramref name="workingDirectory"/>; returns the exit code and the combined output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // No build servers left behind by the tests (they would outlive the test run and hold files).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
