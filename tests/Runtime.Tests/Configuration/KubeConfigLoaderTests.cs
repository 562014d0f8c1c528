using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.KubeConfigModels;

namespace KubeInformers.Tests.Configuration;

/// <summary>
/// The fast kubeconfig loader against KubernetesClient's own YAML loader (the oracle, independent code): for every file
/// of the corpus both produce the same model and the same client configuration.
/// </summary>
public sealed class KubeConfigLoaderTests : IDisposable
{
    private readonly KubeconfigCorpus _corpus = new();

    public void Dispose() => _corpus.Dispose();

    public static TheoryData<string> SupportedNames() => new(KubeconfigCorpus.Supported.Keys);

    public static TheoryData<string> UnsupportedNames() => new(KubeconfigCorpus.Unsupported.Keys);

    [Theory]
    [MemberData(nameof(SupportedNames))]
    public void SupportedFileIsReadWithoutFallbackIntoTheModelKubernetesClientBuilds(string name)
    {
        var text = _corpus.Expand(KubeconfigCorpus.Supported[name]);
        var ours = KubeConfig.Parse(text); // throws KubeConfigBeyondSubsetException if it would fall back
        var theirs = KubernetesYaml.Deserialize<K8SConfiguration>(text);
        Assert.Equal(KubernetesYaml.Serialize(theirs), KubernetesYaml.Serialize(ours));
    }

    [Theory]
    [MemberData(nameof(SupportedNames))]
    public void SupportedFileBuildsTheConfigurationKubernetesClientBuilds(string name)
    {
        var path = _corpus.Write(name + ".yaml", KubeconfigCorpus.Supported[name]);
        AssertSameConfiguration(
            () => KubernetesClientConfiguration.BuildConfigFromConfigFile(path),
            () => KubeConfig.BuildConfigFromConfigFile(path));
        Assert.Equal(KubernetesClientConfiguration.LoadKubeConfig(path).FileName, KubeConfig.LoadKubeConfig(new FileInfo(path)).FileName);
    }

    [Fact]
    public void CurrentContextAndMasterUrlOverridesAreKubernetesClients()
    {
        var path = _corpus.Write("switch.yaml", KubeconfigCorpus.Supported["basic-auth-and-switch"]);
        AssertSameConfiguration(
            () => KubernetesClientConfiguration.BuildConfigFromConfigFile(path, currentContext: "second"),
            () => KubeConfig.BuildConfigFromConfigFile(path, currentContext: "second"));
        AssertSameConfiguration(
            () => KubernetesClientConfiguration.BuildConfigFromConfigFile(path, currentContext: "second", masterUrl: "https://override.example:1234"),
            () => KubeConfig.BuildConfigFromConfigFile(path, currentContext: "second", masterUrl: "https://override.example:1234"));
        AssertSameConfiguration(
            () => KubernetesClientConfiguration.BuildConfigFromConfigFile(path, currentContext: "missing"),
            () => KubeConfig.BuildConfigFromConfigFile(path, currentContext: "missing"));
        var second = KubeConfig.BuildConfigFromConfigFile(path, currentContext: "second");
        Assert.Equal("kube-system", second.Namespace);
        Assert.Equal(Path.Combine(_corpus.Directory, "client.key"), second.ClientKeyFilePath);
    }

    [Fact]
    public void RelativePathsResolveAgainstTheWorkingDirectoryWhenAskedLikeKubernetesClient()
    {
        var path = _corpus.Write("relative.yaml", KubeconfigCorpus.Supported["minikube-extensions"]);
        Assert.Null(KubeConfig.LoadKubeConfig(new FileInfo(path), useRelativePaths: false).FileName);
        Assert.Equal(
            KubernetesClientConfiguration.LoadKubeConfig(path, useRelativePaths: false).FileName,
            KubeConfig.LoadKubeConfig(new FileInfo(path), useRelativePaths: false).FileName);
    }

    [Theory]
    [MemberData(nameof(UnsupportedNames))]
    public void UnsupportedConstructFallsBackAndStillBuildsKubernetesClientsConfiguration(string name)
    {
        var text = _corpus.Expand(KubeconfigCorpus.Unsupported[name]);
        Assert.Throws<KubeConfigBeyondSubsetException>(() => KubeConfig.Parse(text));
        var path = _corpus.Write(name + ".yaml", KubeconfigCorpus.Unsupported[name]);
        AssertSameConfiguration(
            () => KubernetesClientConfiguration.BuildConfigFromConfigFile(path),
            () => KubeConfig.BuildConfigFromConfigFile(path));
        Assert.Contains(RuntimeDegradations.Reported, d => d.Feature == KubeConfig.FallbackFeature); // KubeConfigFallbackReportTests: once, with the cause
        Assert.Equal(
            KubernetesYaml.Serialize(KubernetesClientConfiguration.LoadKubeConfig(path)),
            KubernetesYaml.Serialize(KubeConfig.LoadKubeConfig(new FileInfo(path))));
    }

    [Fact]
    public void MalformedFileThrowsAnErrorNamingTheFileAndLine()
    {
        var path = _corpus.Write("malformed.yaml", """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: "https://unterminated.example
            users: []
            """);
        var error = Assert.Throws<KubeConfigFormatException>(() => KubeConfig.BuildConfigFromConfigFile(path));
        Assert.Equal(Path.GetFullPath(path), error.FilePath);
        Assert.InRange(error.Line, 6, 7);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"line {error.Line}", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<YamlDotNet.Core.YamlException>(error.InnerException);
    }

    [Fact]
    public void MissingFileThrowsKubernetesClientsError()
    {
        var path = Path.Combine(_corpus.Directory, "absent.yaml");
        var theirs = Assert.Throws<k8s.Exceptions.KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
        var ours = Assert.Throws<k8s.Exceptions.KubeConfigException>(() => KubeConfig.BuildConfigFromConfigFile(path));
        Assert.Equal(theirs.Message, ours.Message);
    }

    [Fact]
    public void TwoFilesMergeAsKubernetesClientsDefaultConfigMergesThem()
    {
        var first = _corpus.Write("first.yaml", KubeconfigCorpus.Supported["basic-auth-and-switch"]);
        var second = _corpus.Write("second.yaml", """
            apiVersion: v1
            kind: Config
            current-context: from-second
            preferences:
              colors: true
            clusters:
            - name: one
              cluster:
                server: https://shadowed.example
            - name: three
              cluster:
                server: https://three.example
                certificate-authority: ca.crt
            contexts:
            - name: from-second
              context:
                cluster: three
                user: carol
            users:
            - name: carol
              user:
                token: carol-token
            """);
        var previous = Environment.GetEnvironmentVariable("KUBECONFIG");
        Environment.SetEnvironmentVariable("KUBECONFIG", first + ":" + second);
        try
        {
            AssertSameConfiguration(KubernetesClientConfiguration.BuildDefaultConfig, KubeConfig.BuildDefaultConfig);
            var merged = KubeConfig.BuildDefaultConfig();
            Assert.Equal("first", merged.CurrentContext); // the first file's current-context wins
            Assert.StartsWith("http://one.example:8080", merged.Host, StringComparison.Ordinal); // and its cluster "one"
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", previous);
        }

        // The merge itself, context "from-second" only in the second file, its relative path against the first file's directory.
        var model = KubeConfig.LoadKubeConfig(new FileInfo(first));
        KubeConfigMerger.Merge(model, KubeConfig.LoadKubeConfig(new FileInfo(second)));
        Assert.Equal(["one", "two", "three"], model.Clusters.Select(c => c.Name));
        Assert.Equal("http://one.example:8080", model.Clusters.First().ClusterEndpoint.Server);
        Assert.Equal(Path.GetFullPath(first), model.FileName);
        var fromSecond = KubernetesClientConfiguration.BuildConfigFromConfigObject(model, "from-second");
        Assert.Equal("carol-token", fromSecond.AccessToken);
        Assert.Null(model.Preferences); // the first file has no preferences, so KubernetesClient's merge adds none
    }

    internal static void AssertSameConfiguration(Func<KubernetesClientConfiguration> theirs, Func<KubernetesClientConfiguration> ours)
    {
        KubernetesClientConfiguration? expected = null, actual = null;
        Exception? expectedError = null, actualError = null;
        try { expected = theirs(); } catch (Exception ex) { expectedError = ex; }
        try { actual = ours(); } catch (Exception ex) { actualError = ex; }
        if (expectedError is not null)
        {
            Assert.NotNull(actualError);
            Assert.Equal(expectedError.GetType(), actualError.GetType());
            Assert.Equal(expectedError.Message, actualError.Message);
            return;
        }
        Assert.Null(actualError);
        Assert.Equal(Describe(expected!), Describe(actual!));
    }

    /// <summary>Every setting a client is built from, as text.</summary>
    internal static string Describe(KubernetesClientConfiguration c) => string.Join('\n',
        $"Host={c.Host}",
        $"CurrentContext={c.CurrentContext}",
        $"Namespace={c.Namespace}",
        $"AccessToken={c.AccessToken}",
        $"Username={c.Username}",
        $"Password={c.Password}",
        $"ClientCertificateData={c.ClientCertificateData}",
        $"ClientCertificateKeyData={c.ClientCertificateKeyData}",
        $"ClientCertificateFilePath={c.ClientCertificateFilePath}",
        $"ClientKeyFilePath={c.ClientKeyFilePath}",
        $"SslCaCerts={(c.SslCaCerts is null ? "none" : string.Join(',', c.SslCaCerts.Cast<X509Certificate2>().Select(x => x.Thumbprint)))}",
        $"SkipTlsVerify={c.SkipTlsVerify}",
        $"TlsServerName={c.TlsServerName}",
        $"TokenProvider={c.TokenProvider?.GetType().FullName}");
}
