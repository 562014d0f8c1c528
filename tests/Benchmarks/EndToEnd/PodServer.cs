using k8s;
using k8s.Models;
using KubeInformers.Emulator;

namespace KubeInformers.Benchmarks.EndToEnd;

/// <summary>The emulator, seeded with realistic Pods, as the harness's API server on loopback.</summary>
public sealed class PodServer : IAsyncDisposable
{
    private readonly KubernetesEmulator _emulator;
    private readonly int _count;

    private PodServer(KubernetesEmulator emulator, int count)
    {
        _emulator = emulator;
        _count = count;
    }

    /// <summary>The server's address.</summary>
    public Uri BaseUri => _emulator.BaseUri;

    /// <summary>Starts an emulator holding <paramref name="pods"/> realistic Pods.</summary>
    public static async Task<PodServer> StartAsync(int pods, CancellationToken ct)
    {
        var emulator = await KubernetesEmulator.StartAsync(new EmulatorOptions { HistoryMaxEvents = 200_000 }, ct).ConfigureAwait(false);
        var namespaces = Enumerable.Range(0, pods).Select(i => RealisticPods.Key(i).Namespace).Distinct().ToList();
        foreach (var ns in namespaces)
        {
            try
            {
                emulator.Seed(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } });
            }
            catch (InvalidOperationException)
            {
                // The emulator creates the standard namespaces itself.
            }
        }
        emulator.SeedMany(Enumerable.Range(0, pods).Select(i =>
        {
            var p = RealisticPods.Create(i);
            p.Metadata.ResourceVersion = null;
            p.Metadata.Uid = null;
            return p;
        }));
        return new PodServer(emulator, pods);
    }

    /// <summary>A KubernetesClient client for the server.</summary>
    public Kubernetes CreateClient() => _emulator.CreateClient();

    /// <summary>Makes <paramref name="count"/> label changes to the seeded Pods over HTTP, from four concurrent writers.</summary>
    public async Task UpdateManyAsync(int count, CancellationToken ct)
    {
        using var client = CreateClient();
        var next = -1;
        async Task Writer()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var (ns, name) = RealisticPods.Key(i % _count);
                var patch = new V1Patch("{\"metadata\":{\"labels\":{\"generation-mark\":\"g" + i + "\"}}}", V1Patch.PatchType.MergePatch);
                await client.CoreV1.PatchNamespacedPodAsync(patch, name, ns, cancellationToken: ct).ConfigureAwait(false);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Writer())).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _emulator.DisposeAsync();
}
