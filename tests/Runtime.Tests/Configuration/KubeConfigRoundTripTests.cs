using CsCheck;
using k8s;
using k8s.KubeConfigModels;

namespace KubeInformers.Tests.Configuration;

/// <summary>
/// Property: any kubeconfig model written by KubernetesClient's own YAML writer (<see cref="KubernetesYaml.Serialize"/>)
/// reads back, through the fast loader, into the model KubernetesClient's YAML reader gives for the same text.
/// Single-line strings are read without fallback; strings with line breaks may fall back, and the file loader's
/// answer is then still KubernetesClient's.
/// </summary>
public sealed class KubeConfigRoundTripTests
{
    private static readonly string[] Words = ["null", "~", "true", "False", "yes", "123", "0x1f", "1.5", "-", "- a", "a: b", "#x", "a #b", "'", "\"", "{}", "[]", "&a", "*a", "!t", "|", ">", "%", "@", "`", "?", ",", "", " ", "é中", "\\", "\t", "https://h:6443/p?q=1#f"];

    private static readonly Gen<string> Word = Gen.Int[0, Words.Length - 1].Select(i => Words[i]);

    private static readonly Gen<string> SingleLine = Gen.Frequency(
        (3, Gen.String[Gen.Char["abcXYZ09:#'\"-{}[]&*!|>%@`,?~ é\\\t/."], 0, 24]),
        (2, Word),
        (1, Gen.String[Gen.Char.AlphaNumeric, 100, 400]));

    private static readonly Gen<string> AnyLine = Gen.Frequency((6, SingleLine), (1, Gen.String[Gen.Char["ab \n\r"], 1, 8]));

    private static Gen<K8SConfiguration> Configuration(Gen<string> text)
    {
        var maybe = Gen.Frequency((4, text.Select(s => (string?)s)), (1, Gen.Const((string?)null)));
        var stringList = maybe.Select(s => s ?? "x").List[0, 3].Select(l => (IList<string>)l);
        var stringMap = Gen.Select(text, maybe).List[0, 3].Select(pairs =>
        {
            var map = new Dictionary<string, string>();
            foreach (var (k, v) in pairs)
            {
                map[k] = v!;
            }
            return map;
        });
        var cluster = Gen.Select(maybe, maybe, maybe, maybe, Gen.Bool).Select((name, server, ca, tls, skip) => new Cluster
        {
            Name = name,
            ClusterEndpoint = new ClusterEndpoint { Server = server, CertificateAuthorityData = ca, TlsServerName = tls, SkipTlsVerify = skip },
        });
        var context = Gen.Select(maybe, maybe, maybe, maybe).Select((name, c, u, ns) => new Context
        {
            Name = name,
            ContextDetails = new ContextDetails { Cluster = c, User = u, Namespace = ns },
        });
        var exec = Gen.Select(maybe, maybe, stringList, stringMap.List[0, 2], Gen.Bool).Select((cmd, api, args, env, info) => new ExternalExecution
        {
            Command = cmd,
            ApiVersion = api,
            Arguments = args,
            EnvironmentVariables = env,
            ProvideClusterInfo = info,
        });
        var user = Gen.Select(maybe, Gen.Select(maybe, maybe, maybe, maybe), stringList, stringMap, Gen.Select(exec.Null(), Gen.Select(maybe, stringMap).Select((n, c) => new AuthProvider { Name = n, Config = c }).Null()))
            .Select((name, secrets, groups, extra, plugins) => new User
            {
                Name = name,
                UserCredentials = new UserCredentials
                {
                    Token = secrets.Item1,
                    UserName = secrets.Item2,
                    Password = secrets.Item3,
                    ClientCertificateData = secrets.Item4,
                    ImpersonateGroups = groups,
                    ImpersonateUserExtra = extra,
                    ExternalExecution = plugins.Item1,
                    AuthProvider = plugins.Item2,
                },
            });
        return Gen.Select(maybe, maybe, cluster.List[0, 3], context.List[0, 3], user.List[0, 3]).Select((current, kind, clusters, contexts, users) => new K8SConfiguration
        {
            ApiVersion = "v1",
            Kind = kind,
            CurrentContext = current,
            Clusters = clusters,
            Contexts = contexts,
            Users = users,
        });
    }

    /// <summary>Strings as kubeconfig writers have them: names, URLs, tokens, paths, words YAML would type.</summary>
    private static readonly Gen<string> KubeconfigLike = Gen.Frequency(
        (3, Gen.String[Gen.Char["abcXYZ09:/.-_=@ "], 1, 24].Where(s => s[0] is not ' ' and not '-' and not ':' && s[^1] != ' ')),
        (2, Gen.Int[0, 15].Select(i => Words[i] is var w && w is "-" or "- a" or "#x" or "&a" or "*a" or "!t" or "|" or ">" or "%" or "@" or "`" or "?" or "," ? "word" : Words[i])),
        (1, Gen.String[Gen.Char.AlphaNumeric, 100, 400]));

    [Fact]
    public void KubeconfigLikeStringsWrittenByKubernetesYamlReadBackWithoutFallbackIntoItsModel()
    {
        Configuration(KubeconfigLike).Sample(model =>
        {
            var text = KubernetesYaml.Serialize(model);
            var theirs = KubernetesYaml.Deserialize<K8SConfiguration>(text);
            var ours = KubeConfig.Parse(text);
            Assert.Equal(KubernetesYaml.Serialize(theirs), KubernetesYaml.Serialize(ours));
        }, iter: 300);
    }

    [Fact]
    public void ArbitrarySingleLineStringsEitherReadBackIntoItsModelOrFallBack()
    {
        Configuration(SingleLine).Sample(model =>
        {
            var text = KubernetesYaml.Serialize(model);
            K8SConfiguration theirs;
            try
            {
                theirs = KubernetesYaml.Deserialize<K8SConfiguration>(text);
            }
            catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or InvalidOperationException)
            {
                // KubernetesYaml writes some strings its own reader rejects: the fast reader must not accept them either.
                Assert.Throws<KubeConfigBeyondSubsetException>(() => KubeConfig.Parse(text));
                return;
            }
            K8SConfiguration ours;
            try
            {
                ours = KubeConfig.Parse(text);
            }
            catch (KubeConfigBeyondSubsetException)
            {
                return; // the loader falls back to KubernetesClient's reader for this file
            }
            Assert.Equal(KubernetesYaml.Serialize(theirs), KubernetesYaml.Serialize(ours));
        }, iter: 300);
    }

    [Fact]
    public void AnyStringsWrittenByKubernetesYamlLoadThroughTheFileLoaderIntoItsModel()
    {
        var directory = Directory.CreateTempSubdirectory("kubeinformers-roundtrip-").FullName;
        try
        {
            var file = Path.Combine(directory, "config");
            Configuration(AnyLine).Sample(model =>
            {
                var text = KubernetesYaml.Serialize(model);
                File.WriteAllText(file, text);
                    K8SConfiguration theirs;
                try
                {
                    theirs = KubernetesClientConfiguration.LoadKubeConfig(file);
                }
                catch (Exception unreadable)
                {
                    // KubernetesYaml writes some strings its own reader rejects: the fast loader fails the same way
                    // (a YAML syntax error as KubeConfigFormatException naming the file, anything else unchanged).
                    var error = Assert.ThrowsAny<Exception>(() => KubeConfig.LoadKubeConfig(new FileInfo(file)));
                    if (unreadable is YamlDotNet.Core.YamlException)
                    {
                        var format = Assert.IsType<KubeConfigFormatException>(error);
                        Assert.Equal(unreadable.Message, format.InnerException?.Message);
                        Assert.Equal(file, format.FilePath);
                    }
                    else
                    {
                        Assert.Equal(unreadable.GetType(), error.GetType());
                        Assert.Equal(unreadable.Message, error.Message);
                    }
                    return;
                }
                var ours = KubeConfig.LoadKubeConfig(new FileInfo(file));
                Assert.Equal(KubernetesYaml.Serialize(theirs), KubernetesYaml.Serialize(ours));
                Assert.Equal(theirs.FileName, ours.FileName);
            }, iter: 200, threads: 1);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
