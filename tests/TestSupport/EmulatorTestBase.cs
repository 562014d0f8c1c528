using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using Xunit;

namespace KubeInformers.TestSupport;

/// <summary>
/// Per test: a fresh in-process emulator and a client for it, both disposed after the test (xunit creates the class
/// once per test and calls <see cref="InitializeAsync"/> before it and <see cref="DisposeAsync"/> after it). A
/// subclass names emulator options with <see cref="Options"/>, namespaces to seed with <see cref="Namespaces"/>, and
/// adds its own setup by overriding <see cref="InitializeAsync"/> and calling this one first.
/// </summary>
public abstract class EmulatorTestBase : IAsyncLifetime
{
    /// <summary>The emulator serving this test.</summary>
    protected KubernetesEmulator Emulator { get; private set; } = null!;

    /// <summary>A client of <see cref="Emulator"/>.</summary>
    protected Kubernetes Client { get; private set; } = null!;

    /// <summary>The emulator's options (default: none, the emulator's defaults).</summary>
    protected virtual EmulatorOptions? Options => null;

    /// <summary>Namespaces seeded before the test (default: none beyond the emulator's own).</summary>
    protected virtual IReadOnlyList<string> Namespaces => [];

    /// <summary>Starts the emulator within <see cref="Wait.Default"/>, creates the client and seeds <see cref="Namespaces"/>.</summary>
    public virtual async Task InitializeAsync()
    {
        Emulator = await KubernetesEmulator.StartAsync(Options, Wait.Timeout()).ConfigureAwait(false);
        Client = Emulator.CreateClient();
        foreach (var name in Namespaces)
        {
            Emulator.Seed(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        }
    }

    /// <summary>Disposes the client and stops the emulator.</summary>
    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync().ConfigureAwait(false);
    }
}
