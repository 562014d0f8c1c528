using System.Globalization;
using k8s.KubeConfigModels;

namespace KubeInformers;

/// <summary>
/// Turns a parsed kubeconfig document into KubernetesClient's own model (<see cref="K8SConfiguration"/>), key by key,
/// as KubernetesClient's YAML loader does: the model's YAML aliases match exactly, unknown keys are ignored, a plain
/// null scalar sets null, lists become <see cref="List{T}"/>. Where that loader would have to decide something this
/// binder does not reproduce exactly (a non-empty preference or extension value that is not a plain string, integer,
/// boolean, mapping or sequence; a boolean spelled other than <c>true</c>/<c>false</c>; a value of the wrong shape;
/// a null item in a list of objects; an empty document) it throws <see cref="KubeConfigBeyondSubsetException"/> and the caller falls
/// back to that loader. No reflection: every property is set by hand. Stateless.
/// </summary>
internal static class KubeConfigBinder
{
    public static K8SConfiguration Bind(KubeConfigNode? root)
    {
        if (root is null || root.IsNull)
        {
            throw new KubeConfigBeyondSubsetException("an empty document", root?.Line ?? 0);
        }
        var config = new K8SConfiguration();
        foreach (var (key, value) in Entries(root))
        {
            switch (key)
            {
                case "apiVersion": config.ApiVersion = String(value); break;
                case "kind": config.Kind = String(value); break;
                case "current-context": config.CurrentContext = String(value); break;
                case "preferences": config.Preferences = value.IsNull ? null : ObjectMapping(value); break;
                case "clusters": config.Clusters = List(value, Cluster); break;
                case "contexts": config.Contexts = List(value, Context); break;
                case "users": config.Users = List(value, User); break;
                case "extensions": config.Extensions = List(value, Extension); break;
            }
        }
        return config;
    }

    private static Cluster Cluster(KubeConfigNode node)
    {
        var cluster = new Cluster();
        foreach (var (key, value) in Entries(node))
        {
            switch (key)
            {
                case "name": cluster.Name = String(value); break;
                case "cluster": cluster.ClusterEndpoint = value.IsNull ? null : ClusterEndpoint(value); break;
            }
        }
        return cluster;
    }

    private static ClusterEndpoint ClusterEndpoint(KubeConfigNode node)
    {
        var endpoint = new ClusterEndpoint();
        foreach (var (key, value) in Entries(node))
        {
            switch (key)
            {
                case "server": endpoint.Server = String(value); break;
                case "certificate-authority": endpoint.CertificateAuthority = String(value); break;
                case "certificate-authority-data": endpoint.CertificateAuthorityData = String(value); break;
                case "tls-server-name": endpoint.TlsServerName = String(value); break;
                case "insecure-skip-tls-verify": endpoint.SkipTlsVerify = Boolean(value); break;
                case "extensions": endpoint.Extensions = List(value, Extension); break;
            }
        }
        return endpoint;
    }

    private static Context Context(KubeConfigNode node)
    {
        var context = new Context();
        foreach (var (key, value) in Entries(node))
        {
            switch (key)
            {
                case "name": context.Name = String(value); break;
                case "context": context.ContextDetails = value.IsNull ? null : ContextDetails(value); break;
                case "extensions": context.Extensions = List(value, Extension); break;
            }
        }
        return context;
    }

    private static ContextDetails ContextDetails(KubeConfigNode node)
    {
        var details = new ContextDetails();
        foreach (var (key, value) in Entries(node))
        {
            switch (key)
            {
                case "cluster": details.Cluster = String(value); break;
                case "user": details.User = String(value); break;
                case "namespace": details.Namespace = String(value); break;
                case "extensions": details.Extensions = List(value, Extension); break;
            }
        }
        return details;
    }

    private static User User(KubeConfigNode node)
    {
        var user = new User();
        foreach (var (key, value) in Entries(node))
        {
            switch (key)
            {
                case "name": user.Name = String(value); break;
                case "user": user.UserCredentials = value.IsNull ? null : UserCredentials(value); break;
            }
        }
        return user;
    }

    private static UserCredentials UserCredentials(KubeConfigNode node)
    {
        var credentials = new UserCredentials();
        foreach (var (key, value) in Entries(node))
        {
            switch (key)
            {
                case "client-certificate-data": credentials.ClientCertificateData = String(value); break;
                case "client-certificate": credentials.ClientCertificate = String(value); break;
                case "client-key-data": credentials.ClientKeyData = String(value); break;
                case "client-key": credentials.ClientKey = String(value); break;
                case "token": credentials.Token = String(value); break;
                case "as": credentials.Impersonate = String(value); break;
                case "as-groups": credentials.ImpersonateGroups = List(value, String, nullItems: true); break;
                case "as-user-extra": credentials.ImpersonateUserExtra = value.IsNull ? null : StringMapping(value); break;
                case "username": credentials.UserName = String(value); break;
                case "password": credentials.Password = String(value); break;
                case "auth-provider": credentials.AuthProvider = value.IsNull ? null : AuthProvider(value); break;
                case "exec": credentials.ExternalExecution = value.IsNull ? null : ExternalExecution(value); break;
                case "extensions": credentials.Extensions = List(value, Extension); break;
            }
        }
        return credentials;
    }

    private static AuthProvider AuthProvider(KubeConfigNode node)
    {
        var provider = new AuthProvider();
        foreach (var (key, value) in Entries(node))
        {
            switch (key)
            {
                case "name": provider.Name = String(value); break;
                case "config": provider.Config = value.IsNull ? null : StringMapping(value); break;
            }
        }
        return provider;
    }

    private static ExternalExecution ExternalExecution(KubeConfigNode node)
    {
        var exec = new ExternalExecution();
        foreach (var (key, value) in Entries(node))
        {
            switch (key)
            {
                case "apiVersion": exec.ApiVersion = String(value); break;
                case "command": exec.Command = String(value); break;
                case "args": exec.Arguments = List(value, String, nullItems: true); break;
                case "env": exec.EnvironmentVariables = List(value, StringMapping); break;
                case "installHint": exec.InstallHint = String(value); break;
                case "provideClusterInfo": exec.ProvideClusterInfo = Boolean(value); break;
            }
        }
        return exec;
    }

    private static NamedExtension Extension(KubeConfigNode node)
    {
        var extension = new NamedExtension();
        foreach (var (key, value) in Entries(node))
        {
            switch (key)
            {
                case "name": extension.Name = String(value); break;
                case "extension": extension.Extension = Object(value); break;
            }
        }
        return extension;
    }

    private static List<KeyValuePair<string, KubeConfigNode>> Entries(KubeConfigNode node) =>
        node.Kind == KubeConfigNodeKind.Mapping ? node.Entries : throw new KubeConfigBeyondSubsetException("a mapping was expected", node.Line);

    private static List<T>? List<T>(KubeConfigNode node, Func<KubeConfigNode, T> item, bool nullItems = false)
    {
        if (node.IsNull)
        {
            return null;
        }
        if (node.Kind != KubeConfigNodeKind.Sequence)
        {
            throw new KubeConfigBeyondSubsetException("a sequence was expected", node.Line);
        }
        var list = new List<T>(node.Items.Count);
        foreach (var child in node.Items)
        {
            if (child.IsNull && !nullItems)
            {
                throw new KubeConfigBeyondSubsetException("a null sequence item", child.Line);
            }
            list.Add(item(child));
        }
        return list;
    }

    private static string? String(KubeConfigNode node) => node.Kind == KubeConfigNodeKind.Scalar
        ? (node.IsNull ? null : node.Text)
        : throw new KubeConfigBeyondSubsetException("a scalar was expected", node.Line);

    private static bool Boolean(KubeConfigNode node) => node is { Kind: KubeConfigNodeKind.Scalar, IsPlain: true, Text: "true" or "false" }
        ? node.Text == "true"
        : throw new KubeConfigBeyondSubsetException("a boolean other than a plain true or false", node.Line);

    private static Dictionary<string, string> StringMapping(KubeConfigNode node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(node))
        {
            map[key] = String(value)!;
        }
        return map;
    }

    private static Dictionary<string, object> ObjectMapping(KubeConfigNode node)
    {
        var map = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(node))
        {
            map[key] = Object(value)!;
        }
        return map;
    }

    /// <summary>An untyped value as KubernetesClient's loader builds it: mappings as <c>Dictionary&lt;object, object&gt;</c>, sequences as <c>List&lt;object&gt;</c>, plain scalars typed.</summary>
    private static object? Object(KubeConfigNode node)
    {
        switch (node.Kind)
        {
            case KubeConfigNodeKind.Mapping:
                var map = new Dictionary<object, object>();
                foreach (var (key, value) in node.Entries)
                {
                    map[key] = Object(value)!;
                }
                return map;
            case KubeConfigNodeKind.Sequence:
                var list = new List<object>(node.Items.Count);
                foreach (var item in node.Items)
                {
                    list.Add(Object(item)!);
                }
                return list;
        }
        if (!node.IsPlain)
        {
            return node.Text;
        }
        if (node.IsNull)
        {
            return null;
        }
        var text = node.Text!;
        switch (text)
        {
            case "true": return true;
            case "false": return false;
        }
        if (IsDecimalInteger(text) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }
        // Anything else a YAML resolver might type (other booleans, large or non-decimal integers, floats, .inf,
        // dates): only strings that cannot be read as one of those are kept as strings here.
        if (MayBeTyped(text))
        {
            throw new KubeConfigBeyondSubsetException($"the untyped value '{text}'", node.Line);
        }
        return text;
    }

    private static bool IsDecimalInteger(string text)
    {
        var start = text[0] is '-' or '+' ? 1 : 0;
        if (start == text.Length || (text[start] == '0' && text.Length > start + 1))
        {
            return false;
        }
        for (var i = start; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool MayBeTyped(string text)
    {
        var c = text[0];
        if (char.IsAsciiDigit(c) || c is '-' or '+' or '.')
        {
            return true;
        }
        return text.ToUpperInvariant() is "TRUE" or "FALSE" or "YES" or "NO" or "ON" or "OFF" or "Y" or "N";
    }
}
