using System.Security.Cryptography.X509Certificates;
using KubeInformers.Emulator;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace KubeInformers.Hosting.Tests;

/// <summary>Hosting reads kubeconfig files with KubeInformers' fast loader by default, KubernetesClient's on request; both give the same configuration.</summary>
public class KubeconfigLoaderChoiceTests
{
    [Fact]
    public async Task FastAndKubernetesClientLoaders_BuildTheSameConfigurationFromTheEmulatorsKubeconfig()
    {
        await using var emulator = await KubernetesEmulator.StartAsync();
        var path = Path.Combine(Path.GetTempPath(), "kubeinformers-loader-" + Guid.NewGuid().ToString("N") + ".kubeconfig");
        emulator.WriteKubeconfig(path);
        try
        {
            var fast = KubernetesClientFactory.BuildConfiguration(null, path, null, useKubernetesClientLoader: false);
            var theirs = KubernetesClientFactory.BuildConfiguration(null, path, null, useKubernetesClientLoader: true);
            // The emulator's file is inside the fast reader's subset: no fallback to KubernetesClient's loader was reported.
            using var degraded = new MetricCollector<long>(null, "KubeInformers", "kubeinformers.runtime.degraded");
            degraded.RecordObservableInstruments();
            Assert.DoesNotContain(degraded.GetMeasurementSnapshot(), m => (string?)m.Tags["feature"] == "kubeconfig_fast_reader");
            Assert.Equal(theirs.Host, fast.Host);
            Assert.Equal(theirs.AccessToken, fast.AccessToken);
            Assert.Equal(theirs.CurrentContext, fast.CurrentContext);
            Assert.Equal(theirs.Namespace, fast.Namespace);
            Assert.Equal(
                theirs.SslCaCerts?.Cast<X509Certificate2>().Select(c => c.Thumbprint),
                fast.SslCaCerts?.Cast<X509Certificate2>().Select(c => c.Thumbprint));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
