using System.Diagnostics;

namespace KubeInformers.Samples.Tests;

/// <summary>
/// A native executable run by a test: its stdout and stderr kept line by line (thread-safe), bounded waits for a line or
/// for the exit, and on dispose the process (still running) killed. <see cref="Describe"/> gives both streams for
/// failure messages.
/// </summary>
internal sealed class NativeRun : IDisposable
{
    private readonly Process _process;
    private readonly LineWriter _output = new();
    private readonly LineWriter _errors = new();

    private NativeRun(Process process) => _process = process;

    /// <summary>The lines written to stdout so far.</summary>
    public IReadOnlyList<string> Output => _output.Lines;

    /// <summary>The lines written to stderr so far.</summary>
    public IReadOnlyList<string> Errors => _errors.Lines;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="binary"/> with <paramref name="args"/>.</summary>
    public static NativeRun Start(string binary, params string[] args)
    {
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        var run = new NativeRun(new Process { StartInfo = psi });
        run._process.OutputDataReceived += (_, e) => { if (e.Data is not null) run._output.WriteLine(e.Data); };
        run._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) run._errors.WriteLine(e.Data); };
        run._process.Start();
        run._process.BeginOutputReadLine();
        run._process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Waits until a stdout line matches <paramref name="match"/> and returns it; throws naming <paramref name="what"/> (with both streams) after <paramref name="timeout"/> or if the process exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan timeout)
    {
        string? found = null;
        var exited = false;
        await Wait.UntilAsync(
            () => (found = Output.FirstOrDefault(match)) is not null || (exited = HasExited),
            () => what + "\n" + Describe(),
            timeout);
        if (found is null && exited)
        {
            _process.WaitForExit(); // drains the streams
            found = Output.FirstOrDefault(match) ?? throw new InvalidOperationException($"the binary exited ({_process.ExitCode}) before {what}\n{Describe()}");
        }
        return found!;
    }

    /// <summary>Waits for the exit (streams drained) and returns the exit code; throws after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the binary did not exit within {timeout}\n{Describe()}");
        }
        return _process.ExitCode;
    }

    /// <summary>Both streams, for failure messages.</summary>
    public string Describe() =>
        "--- stdout ---\n" + string.Join('\n', Output.TakeLast(30)) + "\n--- stderr ---\n" + string.Join('\n', Errors.TakeLast(30));

    /// <summary>Kills the process if it still runs.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
