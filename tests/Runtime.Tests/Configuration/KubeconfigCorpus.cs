using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KubeInformers.Tests.Configuration;

/// <summary>
/// Kubeconfig files as their writers produce them (kubectl, kind, minikube, cloud CLIs), written into a fresh temporary
/// directory with the certificate, key and exec-plugin files they refer to. Each entry is a name and the file's text;
/// <c>{CA}</c>, <c>{CERT}</c>, <c>{KEY}</c> and <c>{EXEC}</c> are replaced with real base64 PEM data and the plugin's path.
/// </summary>
internal sealed class KubeconfigCorpus : IDisposable
{
    public KubeconfigCorpus()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("kubeinformers-kubeconfig-").FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=kubeinformers-test-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CaPem = cert.ExportCertificatePem();
        KeyPem = key.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(Path.Combine(Directory, "ca.crt"), CaPem);
        File.WriteAllText(Path.Combine(Directory, "client.crt"), CaPem);
        File.WriteAllText(Path.Combine(Directory, "client.key"), KeyPem);
        ExecPlugin = Path.Combine(Directory, "plugin.sh");
        File.WriteAllText(ExecPlugin, "#!/bin/sh\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s-%s\"}}' \"$PLUGIN_TOKEN\" \"$1\"\n");
        File.SetUnixFileMode(ExecPlugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Directory { get; }

    public string CaPem { get; }

    public string KeyPem { get; }

    public string ExecPlugin { get; }

    public string Write(string name, string template)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, Expand(template));
        return path;
    }

    public string Expand(string template) => template
        .Replace("{CA}", Base64(CaPem), StringComparison.Ordinal)
        .Replace("{CERT}", Base64(CaPem), StringComparison.Ordinal)
        .Replace("{KEY}", Base64(KeyPem), StringComparison.Ordinal)
        .Replace("{EXEC}", ExecPlugin, StringComparison.Ordinal);

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Files the fast reader reads itself (no fallback).</summary>
    public static readonly IReadOnlyDictionary<string, string> Supported = new Dictionary<string, string>
    {
        ["kubectl-cert"] = """
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: {CA}
                server: https://127.0.0.1:6443
              name: kind-kind
            contexts:
            - context:
                cluster: kind-kind
                user: kind-kind
              name: kind-kind
            current-context: kind-kind
            kind: Config
            preferences: {}
            users:
            - name: kind-kind
              user:
                client-certificate-data: {CERT}
                client-key-data: {KEY}
            """,
        ["token-namespace-tls"] = """
            # written by hand
            apiVersion: v1
            kind: Config
            current-context: dev   # trailing comment
            clusters:
              - name: dev-cluster
                cluster:
                  server: "https://dev.example.com:443/prefix"
                  insecure-skip-tls-verify: true
                  tls-server-name: api.internal
                  proxy-url: http://proxy:3128
            contexts:
              - name: dev
                context:
                  cluster: dev-cluster
                  user: 'dev-user'
                  namespace: team-a
            users:
              - name: dev-user
                user:
                  token: "abc:def#ghi \"quoted\" \t\u00e9\x41\\end"
            """,
        ["basic-auth-and-switch"] = """
            ---
            apiVersion: v1
            kind: Config
            current-context: first
            clusters:
            - name: one
              cluster:
                server: http://one.example:8080
            - name: two
              cluster:
                server: https://0.0.0.0:6443
                certificate-authority: ca.crt
            contexts:
            - name: first
              context:
                cluster: one
                user: alice
            - name: second
              context:
                cluster: two
                user: bob
                namespace: "kube-system"
            users:
            - name: alice
              user:
                username: alice
                password: 'it''s: secret # not a comment'
            - name: bob
              user:
                client-certificate: client.crt
                client-key: client.key
            """,
        ["exec-plugin"] = """
            apiVersion: v1
            kind: Config
            current-context: eks
            clusters:
            - cluster:
                server: https://ABCDEF.gr7.us-west-2.eks.amazonaws.com
                certificate-authority-data: {CA}
              name: arn:aws:eks:us-west-2:123456789012:cluster/demo
            contexts:
            - context:
                cluster: arn:aws:eks:us-west-2:123456789012:cluster/demo
                user: arn:aws:eks:us-west-2:123456789012:cluster/demo
              name: eks
            users:
            - name: arn:aws:eks:us-west-2:123456789012:cluster/demo
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  args:
                  - from-args
                  command: {EXEC}
                  env:
                  - name: PLUGIN_TOKEN
                    value: "tok"
                  - name: AWS_PROFILE
                    value: null
                  interactiveMode: IfAvailable
                  provideClusterInfo: false
            """,
        ["auth-provider-oidc"] = """
            apiVersion: v1
            kind: Config
            current-context: oidc
            clusters:
            - cluster:
                server: https://oidc.example
                certificate-authority-data: {CA}
              name: c
            contexts:
            - context:
                cluster: c
                user: u
              name: oidc
            users:
            - name: u
              user:
                auth-provider:
                  name: oidc
                  config:
                    client-id: kubernetes
                    client-secret: s3cr3t
                    id-token: eyJhbGciOiJSUzI1NiJ9.e30.sig
                    idp-issuer-url: https://issuer.example
                    refresh-token: refresh
            """,
        ["minikube-extensions"] = """
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority: ca.crt
                extensions:
                - extension:
                    last-update: Mon, 01 Jan 2024 10:00:00 UTC
                    provider: minikube.sigs.k8s.io
                    version: v1.32.0
                    port: 8443
                    enabled: true
                    tags: []
                  name: cluster_info
                server: https://192.168.49.2:8443
              name: minikube
            contexts:
            - context:
                cluster: minikube
                extensions:
                - extension:
                    provider: minikube.sigs.k8s.io
                  name: context_info
                namespace: default
                user: minikube
              name: minikube
            current-context: minikube
            kind: Config
            preferences: {}
            users:
            - name: minikube
              user:
                client-certificate: client.crt
                client-key: client.key
                as: admin
                as-groups:
                - system:masters
                - "dev ops"
                as-user-extra:
                  reason: testing
            """,
        ["nulls-and-empties"] = """
            apiVersion: v1
            kind: Config
            current-context: ""
            clusters:
            - name: c
              cluster:
                server: https://c.example
                certificate-authority:
                tls-server-name: ~
            contexts:
            - name: ""
              context:
                cluster: c
                user: u
                namespace: null
            users:
            - name: u
              user:
                token: "123"
            extensions: []
            """,
        ["json"] = """
            {
              "apiVersion": "v1",
              "kind": "Config",
              "current-context": "j",
              "clusters": [{"name": "jc", "cluster": {"server": "https://json.example:6443", "insecure-skip-tls-verify": true}}],
              "contexts": [{"name": "j", "context": {"cluster": "jc", "user": "ju", "namespace": "json-ns"}}],
              "users": [{"name": "ju", "user": {"token": "json-token", "exec": null}}],
              "preferences": {}
            }
            """,
    };

    /// <summary>Files that use YAML beyond the fast reader's subset: the loader falls back to KubernetesClient's.</summary>
    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>
    {
        ["anchors-and-aliases"] = """
            apiVersion: v1
            kind: Config
            current-context: b
            clusters:
            - name: c
              cluster: &endpoint
                server: https://anchor.example
            - name: d
              cluster: *endpoint
            contexts:
            - name: b
              context:
                cluster: d
                user: u
            users:
            - name: u
              user:
                token: t
            """,
        ["tag"] = """
            apiVersion: v1
            kind: Config
            current-context: b
            clusters:
            - name: c
              cluster:
                server: https://tag.example
            contexts:
            - name: b
              context:
                cluster: c
                user: u
            users:
            - name: u
              user:
                token: !!str 12345
            """,
        ["block-scalar"] = """
            apiVersion: v1
            kind: Config
            current-context: b
            clusters:
            - name: c
              cluster:
                server: https://block.example
            contexts:
            - name: b
              context:
                cluster: c
                user: u
            users:
            - name: u
              user:
                token: >-
                  folded
                  token
            """,
        ["flow-mapping"] = """
            apiVersion: v1
            kind: Config
            current-context: b
            clusters: [{name: c, cluster: {server: "https://flow.example"}}]
            contexts:
            - name: b
              context: {cluster: c, user: u, namespace: flow}
            users:
            - {name: u, user: {token: flow-token}}
            """,
        ["multi-line-plain"] = """
            apiVersion: v1
            kind: Config
            current-context: b
            clusters:
            - name: c
              cluster:
                server: https://multi.example
            contexts:
            - name: b
              context:
                cluster: c
                user: u
            users:
            - name: u
              user:
                token: first
                  second
            """,
        ["yaml-1.1-boolean"] = """
            apiVersion: v1
            kind: Config
            current-context: b
            clusters:
            - name: c
              cluster:
                server: https://bool.example
                insecure-skip-tls-verify: True
            contexts:
            - name: b
              context:
                cluster: c
                user: u
            users:
            - name: u
              user:
                token: t
            """,
    };
}
