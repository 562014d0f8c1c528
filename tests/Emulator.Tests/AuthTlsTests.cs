using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

public sealed class AuthTlsTests
{
    [Fact]
    public async Task Bearer_token_is_required_when_configured()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { Token = "s3cret" });
        using var client = emu.CreateClient();
        using var anonymous = new Kubernetes(new KubernetesClientConfiguration { Host = emu.BaseUri.ToString() });
        using var wrong = new Kubernetes(new KubernetesClientConfiguration { Host = emu.BaseUri.ToString(), AccessToken = "nope" });

        var ok = await client.CoreV1.ListNamespaceAsync(cancellationToken: Timeout());
        var noToken = await Assert.ThrowsAsync<HttpOperationException>(() => anonymous.CoreV1.ListNamespaceAsync(cancellationToken: Timeout()));
        var badToken = await Assert.ThrowsAsync<HttpOperationException>(() => wrong.CoreV1.ListNamespaceAsync(cancellationToken: Timeout()));

        Assert.Contains(ok.Items, n => n.Metadata.Name == "default");
        foreach (var ex in new[] { noToken, badToken })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, ex.Response.StatusCode);
            AssertStatus(JsonNode.Parse(ex.Response.Content)!.AsObject(), 401, "Unauthorized");
        }
    }

    [Fact]
    public async Task Tls_serves_https_with_a_self_signed_CA_the_created_client_trusts()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { UseTls = true, Token = "t" });
        using var client = emu.CreateClient();

        var list = await client.CoreV1.ListNamespaceAsync(cancellationToken: Timeout());
        var start = emu.ResourceVersion;
        await using var watch = new WatchTests.TypedWatch<k8s.Models.V1ConfigMap>((onError, ct) => client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: start, onError: onError, cancellationToken: ct));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("over-tls"), "default", cancellationToken: Timeout());
        var ev = await watch.NextAsync();

        Assert.Equal("https", emu.BaseUri.Scheme);
        Assert.NotEmpty(list.Items);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", emu.CertificateAuthorityPem);
        Assert.Equal("over-tls", ev.Object.Metadata.Name);
    }

    [Fact]
    public async Task Tls_rejects_a_client_that_does_not_trust_the_certificate()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { UseTls = true });
        using var untrusting = new Kubernetes(new KubernetesClientConfiguration { Host = emu.BaseUri.ToString() });

        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.CoreV1.ListNamespaceAsync(cancellationToken: Timeout()));
    }

    [Fact]
    public async Task Written_kubeconfig_works_with_KubernetesClient_including_tls_and_token()
    {
        await using var emu = await KubernetesEmulator.StartAsync(new EmulatorOptions { UseTls = true, Token = "abc" });
        var path = Path.Combine(Path.GetTempPath(), $"emu-{Guid.NewGuid():N}.kubeconfig");
        try
        {
            emu.WriteKubeconfig(path);
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            using var client = new Kubernetes(config);

            var ns = await client.CoreV1.ReadNamespaceAsync("default", cancellationToken: Timeout());

            Assert.Equal("default", ns.Metadata.Name);
            Assert.Equal("default", config.Namespace);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
