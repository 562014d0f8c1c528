using System.Security.Cryptography.X509Certificates;
using k8s;
using KubeInformers.Benchmarks.EndToEnd;

namespace KubeInformers.Benchmarks.Tests;

/// <summary>
/// The harness's <c>--tls</c> server: its certificate names 127.0.0.1 for server authentication, the kubeconfig it
/// writes makes KubernetesClient verify the server against that certificate (a client without it is refused), and the
/// <c>ours</c> path connects early over it while <c>ours-late</c> does not.
/// </summary>
public sealed class TlsServerTests
{
    [Fact]
    public void The_certificate_is_for_server_authentication_at_127_0_0_1_and_holds_its_key()
    {
        using var certificate = SelfSignedCertificate.Create();

        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(certificate.Subject, certificate.Issuer);
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal([System.Net.IPAddress.Loopback], san.EnumerateIPAddresses());
        var eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Contains(eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.1");
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", SelfSignedCertificate.Pem(certificate), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ours", 1)]
    [InlineData("ours-late", 0)]
    public async Task A_client_from_the_kubeconfig_verifies_the_server_and_syncs_connecting_early_only_on_ours(string path, int versionRequests)
    {
        using var certificate = SelfSignedCertificate.Create();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        const int pods = 50;
        await using var server = await StaticPodServer.StartAsync(pods, PodMix.ReplicaSets, 0, cts.Token, certificate);
        var directory = Directory.CreateTempSubdirectory("kubeinformers-tls-").FullName;
        try
        {
            Assert.Equal(Uri.UriSchemeHttps, server.BaseUri.Scheme);
            var kubeconfig = server.WriteKubeconfig(directory);
            var text = await File.ReadAllTextAsync(kubeconfig, cts.Token);
            Assert.Contains("certificate-authority-data: ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("insecure-skip-tls-verify", text, StringComparison.Ordinal);

            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            var cache = await SyncPaths.RunAsync(path, client, null, pods, cts.Token);
            try
            {
                Assert.Equal(pods, SyncPaths.Count(cache));
                // The early connection's request is awaited by the first list, so it has been answered by now.
                Assert.Equal(versionRequests, server.VersionRequests);
            }
            finally
            {
                await SyncPaths.ReleaseAsync(cache);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_certificate_is_refused()
    {
        using var certificate = SelfSignedCertificate.Create();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var server = await StaticPodServer.StartAsync(5, PodMix.ReplicaSets, 0, cts.Token, certificate);
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.BaseUri.ToString() });

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cts.Token));

        Assert.IsType<System.Security.Authentication.AuthenticationException>(ex.InnerException);
    }
}
