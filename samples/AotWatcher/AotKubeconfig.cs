extern alias aot;
using k8s;
using AotConfiguration = aot::k8s.KubernetesClientConfiguration;

namespace AotWatcher;

/// <summary>
/// Loads a kubeconfig with KubernetesClient.Aot's loader (source-generated YAML, safe under Native AOT) and carries
/// every connection setting over to KubernetesClient's configuration, which the informers' client is built from.
/// Exec plugins and other token sources come across as a token provider that asks the Aot configuration's provider.
/// Stateless and thread-safe.
/// </summary>
public static class AotKubeconfig
{
    /// <summary>
    /// The configuration of the kubeconfig at <paramref name="path"/>, or (null) of <c>KUBECONFIG</c> / <c>~/.kube/config</c>
    /// / in-cluster, as <c>BuildDefaultConfig</c> chooses.
    /// </summary>
    public static KubernetesClientConfiguration Load(string? path)
    {
        var source = path is null ? AotConfiguration.BuildDefaultConfig() : AotConfiguration.BuildConfigFromConfigFile(path);
        var config = new KubernetesClientConfiguration
        {
            Host = source.Host,
            Namespace = source.Namespace,
            SkipTlsVerify = source.SkipTlsVerify,
            TlsServerName = source.TlsServerName,
            SslCaCerts = source.SslCaCerts,
            ClientCertificateData = source.ClientCertificateData,
            ClientCertificateKeyData = source.ClientCertificateKeyData,
            ClientCertificateFilePath = source.ClientCertificateFilePath,
            ClientKeyFilePath = source.ClientKeyFilePath,
            ClientCertificateKeyStoreFlags = source.ClientCertificateKeyStoreFlags,
            AccessToken = source.AccessToken,
            Username = source.Username,
            Password = source.Password,
            DisableHttp2 = source.DisableHttp2,
            HttpClientTimeout = source.HttpClientTimeout,
            UserAgent = source.UserAgent,
        };
        if (source.TokenProvider is { } tokens)
            config.TokenProvider = new TokenProviderBridge(tokens);
        return config;
    }

    private sealed class TokenProviderBridge(aot::k8s.Authentication.ITokenProvider inner) : k8s.Authentication.ITokenProvider
    {
        public Task<System.Net.Http.Headers.AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
            inner.GetAuthenticationHeaderAsync(cancellationToken);
    }
}
