using System.Globalization;

namespace DeploymentWatcher;

/// <summary>The command line of the sample.</summary>
public sealed record WatcherArguments
{
    /// <summary>Watch only this namespace (null: all).</summary>
    public string? Namespace { get; init; }

    /// <summary>Resync period (zero: none).</summary>
    public TimeSpan Resync { get; init; }

    /// <summary>A kubeconfig file to use.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Use the embedded emulator even when a kubeconfig exists.</summary>
    public bool ForceEmulator { get; init; }

    /// <summary>Stop after this many event lines (null: run until Ctrl+C).</summary>
    public int? ExitAfter { get; init; }

    /// <summary>Pause between two demo changes on the emulator.</summary>
    public TimeSpan DemoInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether to print usage and exit.</summary>
    public bool Help { get; init; }

    /// <summary>The usage text.</summary>
    public const string Usage = """
        Usage: DeploymentWatcher [options]
          -n, --namespace NS     watch one namespace (default: all namespaces)
          --resync SECONDS       re-deliver every cached Deployment every SECONDS (default: 0, off)
          --kubeconfig FILE      watch the cluster of this kubeconfig
          --emulator             use the embedded API emulator even if a kubeconfig exists
          --exit-after N         stop after N event lines
          --demo-interval MS     milliseconds between demo changes on the emulator (default 2000)
          -h, --help             show this help
        Without a kubeconfig (no --kubeconfig, KUBECONFIG unset, no ~/.kube/config) the embedded emulator starts
        and a demo script creates, scales, relabels, deletes and re-creates Deployments.
        """;

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad value; the message says which.</exception>
    public static WatcherArguments Parse(IReadOnlyList<string> args)
    {
        var result = new WatcherArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"Option {arg} needs a value.");
                }
                return args[++i];
            }
            int Number(int min)
            {
                var text = Value();
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min)
                {
                    throw new ArgumentException($"Option {arg} needs a whole number of at least {min}, not '{text}'.");
                }
                return n;
            }
            result = arg switch
            {
                "-n" or "--namespace" => result with { Namespace = Value() },
                "--resync" => result with { Resync = TimeSpan.FromSeconds(Number(0)) },
                "--kubeconfig" => result with { Kubeconfig = Value() },
                "--emulator" => result with { ForceEmulator = true },
                "--exit-after" => result with { ExitAfter = Number(1) },
                "--demo-interval" => result with { DemoInterval = TimeSpan.FromMilliseconds(Number(1)) },
                "-h" or "--help" => result with { Help = true },
                _ => throw new ArgumentException($"Unknown option '{arg}'."),
            };
        }
        return result;
    }
}
