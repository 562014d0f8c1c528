using System.ComponentModel;
using System.Diagnostics;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>
/// The @kubernetes/client-node informer (tests/Benchmarks/Peers/client-node, version pinned by its package-lock.json)
/// as a peer path in the cold runs: same server, same data, same kubeconfig file, same clock. Installs its packages
/// with <c>npm ci</c> when <c>node_modules</c> is missing, and fails with a message saying what to install when
/// <c>node</c> or <c>npm</c> is absent. Not thread-safe: the harness calls it from one thread.
/// </summary>
public static class ClientNodePeer
{
    /// <summary>The peer's folder in the source tree, found by walking up from the benchmark's output folder.</summary>
    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "Benchmarks", "Peers", "client-node");
                if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
            }
            throw new InvalidOperationException($"tests/Benchmarks/Peers/client-node was not found above {AppContext.BaseDirectory}; run the harness from the repository's build output.");
        }
    }

    /// <summary>Checks that node and npm run, and runs <c>npm ci</c> when the peer's packages are not installed.</summary>
    public static async Task EnsureInstalledAsync(TextWriter log, CancellationToken ct)
    {
        var dir = Directory;
        var version = await RunToolAsync("node", ["--version"], dir, ct).ConfigureAwait(false);
        log.WriteLine($"client-node peer: node {version.Trim()}");
        if (System.IO.Directory.Exists(Path.Combine(dir, "node_modules", "@kubernetes", "client-node"))) return;
        log.WriteLine("client-node peer: node_modules is missing, running npm ci");
        await RunToolAsync("npm", ["ci", "--no-audit", "--no-fund"], dir, ct).ConfigureAwait(false);
    }

    /// <summary>The process that runs the peer once against <paramref name="kubeconfig"/>.</summary>
    public static ProcessStartInfo StartInfo(string kubeconfig, int objects, int events)
    {
        var dir = Directory;
        var psi = new ProcessStartInfo("node") { WorkingDirectory = dir };
        foreach (var a in new[] { "--expose-gc", Path.Combine(dir, "informer.mjs"), "--kubeconfig", kubeconfig, "--objects", objects.ToString(System.Globalization.CultureInfo.InvariantCulture), "--events", events.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        return psi;
    }

    private static async Task<string> RunToolAsync(string tool, string[] args, string workingDirectory, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(tool) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"The client-node peer needs '{tool}' on PATH (Node.js 18 or later with npm): {e.Message}. Install Node.js, or leave the peer out with --no-peer.", e);
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync(ct);
            var stderr = await p.StandardError.ReadToEndAsync(ct).ConfigureAwait(false);
            await p.WaitForExitAsync(ct).ConfigureAwait(false);
            if (p.ExitCode != 0) throw new InvalidOperationException($"'{tool} {string.Join(' ', args)}' failed ({p.ExitCode}) in {workingDirectory}: {stderr}");
            return await stdout.ConfigureAwait(false);
        }
    }
}
