using System.Globalization;

namespace KubeInformers.Emulator;

/// <summary>
/// The standalone entry point: <c>--port N</c>, <c>--kubeconfig FILE</c>, <c>--seed FILE.yaml|json</c>,
/// <c>--token T</c>, <c>--tls</c>, <c>--no-watch-cache</c>. Prints the URL, then serves until cancelled (Ctrl+C).
/// </summary>
public static class EmulatorProgram
{
    /// <summary>Parses the command line, runs the emulator until <paramref name="cancellationToken"/> fires, and returns the exit code.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="output">Where to print the URL and messages.</param>
    /// <param name="cancellationToken">Stops the emulator.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var options = new EmulatorOptions();
        string? kubeconfig = null;
        var seeds = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--port":
                        options.Port = int.Parse(Next(), CultureInfo.InvariantCulture);
                        break;
                    case "--kubeconfig":
                        kubeconfig = Next();
                        break;
                    case "--seed":
                        seeds.Add(Next());
                        break;
                    case "--token":
                        options.Token = Next();
                        break;
                    case "--token-file":
                        options.Token = (await File.ReadAllTextAsync(Next(), cancellationToken).ConfigureAwait(false)).Trim();
                        break;
                    case "--admin-token":
                        options.AdminToken = Next();
                        break;
                    case "--cert-dir":
                        options.CertificateDirectory = Next();
                        break;
                    case "--tls":
                        options.UseTls = true;
                        break;
                    case "--no-watch-cache":
                        options.ServeListsFromWatchCache = false;
                        break;
                    case "--help" or "-h":
                        await output.WriteLineAsync(Usage).ConfigureAwait(false);
                        return 0;
                    default:
                        throw new ArgumentException($"unknown argument '{args[i]}'");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or IOException or UnauthorizedAccessException)
            {
                await output.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                await output.WriteLineAsync(Usage).ConfigureAwait(false);
                return 2;
            }
        }

        if (options.Token is null && Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment)
        {
            options.Token = fromEnvironment;
        }

        if (options.Token is { Length: > 0 } && !options.UseTls)
        {
            await output.WriteLineAsync("warning: --token without --tls: kubectl does not send a token over http; add --tls to use it from kubectl").ConfigureAwait(false);
        }

        await using var emulator = await KubernetesEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
        foreach (var seed in seeds)
        {
            try
            {
                var n = emulator.SeedText(await File.ReadAllTextAsync(seed, cancellationToken).ConfigureAwait(false));
                await output.WriteLineAsync($"seeded {n} objects from {seed}").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or FormatException or InvalidOperationException or UnauthorizedAccessException)
            {
                await output.WriteLineAsync($"error: seeding from {seed} failed: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        if (kubeconfig is not null)
        {
            emulator.WriteKubeconfig(kubeconfig);
            await output.WriteLineAsync($"kubeconfig written to {kubeconfig}").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"Kubernetes emulator listening on {emulator.BaseUri}").ConfigureAwait(false);
        await output.WriteLineAsync("Fault injection: POST /emulator/faults/{close-watches|reset-watches|fail|latency|compact|stall-watches|resume-watches|malformed-line|restart|unreachable|reachable|clear}. Ctrl+C stops.").ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    /// <summary>The environment variable the token is read from when neither <c>--token</c> nor <c>--token-file</c> is given.</summary>
    public const string TokenVariable = "KUBE_EMULATOR_TOKEN";

    private const string Usage = """
        usage: kube-emulator [options]
          --port N              TCP port on 127.0.0.1 (0 picks a free one; default 0)
          --kubeconfig FILE     write a kubeconfig for the emulator (mode 0600)
          --seed FILE           seed objects from a JSON or YAML file (repeatable)
          --token T             require "Authorization: Bearer T" (also for the admin endpoint)
          --token-file FILE     read the token from FILE (keeps it out of the process list)
                                without --token/--token-file, the token is read from $KUBE_EMULATOR_TOKEN
          --admin-token T       a separate token for /emulator/faults/* (default: the token)
          --tls                 serve HTTPS with a self-signed certificate; kubectl sends a token only over
                                HTTPS, so use --tls with --token when kubectl is the client
          --cert-dir DIR        keep the TLS certificate in DIR (tls.crt, tls.key) and reuse it at the next start
          --no-watch-cache      behave like a server run with --watch-cache=false (paginated lists at
                                resourceVersion=0, exact-version relists, no BOOKMARK events)
          --help                this text
        """;
}
