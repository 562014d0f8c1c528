using System.Diagnostics;
using System.Text;
using k8s;

namespace KubeInformers.Emulator.Tests;

/// <summary>
/// The standalone emulator (the built executable, as a user runs it) with a kubeconfig, and a way to run the real
/// kubectl against it. kubectl is found through $KUBECTL, then /usr/bin/kubectl and the PATH; without it every
/// session test fails with a message saying how to install it (CI's .ci/run installs it).
/// </summary>
public sealed class KubectlSession : IAsyncLifetime
{
    private Process? _emulator;
    private readonly StringBuilder _output = new();
    private readonly DirectoryInfo _dir = System.IO.Directory.CreateTempSubdirectory("kubectl-session-");

    public string Kubeconfig => Path.Combine(_dir.FullName, "kubeconfig");

    public string SessionDirectory => _dir.FullName;

    public Kubernetes Client { get; private set; } = null!;

    public static string? KubectlPath()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } fromEnv)
        {
            candidates.Add(fromEnv);
        }

        candidates.Add("/usr/bin/kubectl");
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Where(p => p.Length > 0).Select(p => Path.Combine(p, "kubectl")));
        return candidates.FirstOrDefault(System.IO.File.Exists);
    }

    public async Task InitializeAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "KubeInformers.Emulator.Tool.dll");
        _emulator = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet", [dll, "--port", "0", "--kubeconfig", Kubeconfig]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false },
        };
        _emulator.OutputDataReceived += (_, e) =>
        {
            lock (_output)
            {
                _output.AppendLine(e.Data);
            }
        };
        _emulator.Start();
        _emulator.BeginOutputReadLine();
        _emulator.BeginErrorReadLine();
        await Wait.UntilAsync(() =>
        {
            lock (_output)
            {
                return _output.ToString().Contains("listening on", StringComparison.Ordinal);
            }
        }, "the standalone emulator prints its URL", TimeSpan.FromSeconds(60));
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig));
    }

    /// <summary>Runs kubectl with the session's kubeconfig; returns its exit code and output. Bounded by <paramref name="seconds"/>.</summary>
    public async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string args, string? stdin = null, int seconds = 60)
    {
        var kubectl = KubectlPath() ?? throw new Xunit.Sdk.XunitException(
            "kubectl is not installed: the kubectl session tests need it (apt-get install kubernetes-client, or set KUBECTL to a kubectl binary). .ci/run installs it.");
        var start = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = SessionDirectory,
        };
        foreach (var a in SplitArgs(args))
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["KUBECONFIG"] = Kubeconfig;
        start.Environment["HOME"] = SessionDirectory; // kubectl's discovery cache stays in the session's directory
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"kubectl {args} did not finish within {seconds} s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running kubectl (e.g. <c>get -w</c>) whose output lines are collected; the caller kills it.</summary>
    public Process Start(string args, StringBuilder lines)
    {
        var kubectl = KubectlPath() ?? throw new Xunit.Sdk.XunitException("kubectl is not installed (see KubectlSession).");
        var start = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = SessionDirectory };
        foreach (var a in SplitArgs(args))
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["KUBECONFIG"] = Kubeconfig;
        start.Environment["HOME"] = SessionDirectory;
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            lock (lines)
            {
                lines.AppendLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (lines)
            {
                lines.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Writes a file into the session directory and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(SessionDirectory, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private static IEnumerable<string> SplitArgs(string args)
    {
        // Space-separated; single quotes group (no escapes needed by these tests).
        var current = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in args)
        {
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    yield return current.ToString();
                }

                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }

        if (any)
        {
            yield return current.ToString();
        }
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_emulator is not null)
        {
            try
            {
                _emulator.Kill(entireProcessTree: true);
                await _emulator.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            }
            catch (InvalidOperationException)
            {
            }

            _emulator.Dispose();
        }

        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
