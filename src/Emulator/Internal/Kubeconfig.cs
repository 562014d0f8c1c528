using System.Text;

namespace KubeInformers.Emulator.Internal;

/// <summary>Builds a minimal kubeconfig (one cluster, context and optional user) pointing at the emulator.</summary>
internal static class Kubeconfig
{
    public static string Build(Uri baseUri, string? token, string? caPem)
    {
        var server = baseUri.ToString().TrimEnd('/');
        var sb = new StringBuilder();
        sb.AppendLine("apiVersion: v1");
        sb.AppendLine("kind: Config");
        sb.AppendLine("clusters:");
        sb.AppendLine("- name: kubeinformers-emulator");
        sb.AppendLine("  cluster:");
        sb.AppendLine($"    server: {server}");
        if (caPem is not null)
        {
            sb.AppendLine($"    certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem))}");
        }
        else
        {
            // Plain http: there is no TLS to verify. client-node 1.x refuses an http server unless this is set; kubectl,
            // client-go, KubernetesClient and python's client accept it.
            sb.AppendLine("    insecure-skip-tls-verify: true");
        }

        sb.AppendLine("contexts:");
        sb.AppendLine("- name: kubeinformers-emulator");
        sb.AppendLine("  context:");
        sb.AppendLine("    cluster: kubeinformers-emulator");
        sb.AppendLine("    namespace: default");
        if (token is not null)
        {
            sb.AppendLine("    user: kubeinformers-emulator");
        }

        sb.AppendLine("current-context: kubeinformers-emulator");
        if (token is not null)
        {
            sb.AppendLine("users:");
            sb.AppendLine("- name: kubeinformers-emulator");
            sb.AppendLine("  user:");
            sb.AppendLine($"    token: {token}");
        }
        else
        {
            sb.AppendLine("users: []");
        }

        return sb.ToString();
    }
}
