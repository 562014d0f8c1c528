using System.Runtime.InteropServices;
using System.Text.Json;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace KubeInformers;

/// <summary>
/// A fast kubeconfig loader with KubernetesClient's semantics: the drop-in for
/// <see cref="KubernetesClientConfiguration.BuildConfigFromConfigFile(string, string, string, bool)"/> and
/// <see cref="KubernetesClientConfiguration.BuildDefaultConfig"/> at the start of a program. The file is read by a
/// hand-written reader for the YAML subset kubeconfig writers produce (or by System.Text.Json for a JSON file) into
/// KubernetesClient's own model, <see cref="K8SConfiguration"/>, which is handed to
/// <see cref="KubernetesClientConfiguration.BuildConfigFromConfigObject"/>: certificates, tokens, exec plugins, auth
/// providers, namespace and context resolution stay KubernetesClient's code. A file that uses YAML beyond that subset
/// (anchors, tags, block scalars, flow collections, several documents, …) is loaded by KubernetesClient's own YAML
/// loader instead, so the result is the same either way; <see cref="FallbackCount"/> counts those files. The point is
/// start-up time: in a fresh process KubernetesClient's loader spends most of its time compiling and running the
/// YAML deserializer. Thread-safe; no reflection (trimming and Native AOT safe on the fast path).
/// </summary>
public static class KubeConfig
{
    private static long _fallbackCount;

    /// <summary>How many kubeconfig files this process loaded with KubernetesClient's YAML loader because they used YAML beyond the fast reader's subset.</summary>
    public static long FallbackCount => Interlocked.Read(ref _fallbackCount);

    /// <summary>Why the last fallback happened (for example <c>"line 7: the indicator '&amp;'"</c>), or null if none did.</summary>
    public static string? LastFallbackReason { get; private set; }

    /// <summary>
    /// Builds the client configuration from a kubeconfig file, as
    /// <see cref="KubernetesClientConfiguration.BuildConfigFromConfigFile(string, string, string, bool)"/> does.
    /// </summary>
    /// <param name="kubeconfigPath">The file; null for <see cref="KubernetesClientConfiguration.KubeConfigDefaultLocation"/> (<c>~/.kube/config</c>).</param>
    /// <param name="currentContext">The context to use instead of the file's <c>current-context</c>; null keeps the file's.</param>
    /// <param name="masterUrl">The API server URL to use instead of the context's cluster server; null keeps it.</param>
    /// <param name="useRelativePaths">True (the default) resolves relative certificate and key paths against the file's directory; false against the working directory.</param>
    /// <returns>The configuration KubernetesClient builds from the same file.</returns>
    /// <exception cref="KubeConfigException">The file does not exist, or the context, cluster or user it names is missing or incomplete (KubernetesClient's own checks).</exception>
    /// <exception cref="KubeConfigFormatException">The file is not valid YAML or JSON; the message names the file and the line.</exception>
    public static KubernetesClientConfiguration BuildConfigFromConfigFile(string? kubeconfigPath = null, string? currentContext = null, string? masterUrl = null, bool useRelativePaths = true)
    {
        var config = LoadKubeConfig(new FileInfo(kubeconfigPath ?? KubernetesClientConfiguration.KubeConfigDefaultLocation), useRelativePaths);
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config, currentContext, masterUrl);
    }

    /// <summary>
    /// Builds the configuration from the default places, in <see cref="KubernetesClientConfiguration.BuildDefaultConfig"/>'s
    /// order: the files the <c>KUBECONFIG</c> environment variable lists (separated by <c>:</c>, <c>;</c> on Windows;
    /// merged, the first occurrence of a cluster, context or user winning), else <c>~/.kube/config</c> if it exists,
    /// else the in-cluster service account when running in a Pod, else <c>http://localhost:8080</c>.
    /// </summary>
    /// <returns>The configuration KubernetesClient builds from the same places.</returns>
    /// <exception cref="KubeConfigException">A listed file does not exist, or the configuration is incomplete.</exception>
    /// <exception cref="KubeConfigFormatException">A file is not valid YAML or JSON.</exception>
    public static KubernetesClientConfiguration BuildDefaultConfig()
    {
        var kubeconfig = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (kubeconfig is not null)
        {
            var separator = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? ';' : ':';
            var files = kubeconfig.Split(separator).Select(s => new FileInfo(s.Trim('"'))).ToArray();
            var merged = LoadKubeConfig(files[0]);
            for (var i = 1; i < files.Length; i++)
            {
                KubeConfigMerger.Merge(merged, LoadKubeConfig(files[i]));
            }
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(merged);
        }
        if (File.Exists(KubernetesClientConfiguration.KubeConfigDefaultLocation))
        {
            return BuildConfigFromConfigFile(KubernetesClientConfiguration.KubeConfigDefaultLocation);
        }
        if (KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }
        return new KubernetesClientConfiguration { Host = "http://localhost:8080" };
    }

    /// <summary>
    /// Loads a kubeconfig file into KubernetesClient's model, as
    /// <see cref="KubernetesClientConfiguration.LoadKubeConfig(FileInfo, bool)"/> does (with
    /// <see cref="K8SConfiguration.FileName"/> set to the file's full path when <paramref name="useRelativePaths"/>).
    /// </summary>
    /// <param name="kubeconfig">The file.</param>
    /// <param name="useRelativePaths">True records the file's path so relative paths in it resolve against its directory.</param>
    /// <returns>The parsed configuration.</returns>
    /// <exception cref="KubeConfigException">The file does not exist.</exception>
    /// <exception cref="KubeConfigFormatException">The file is not valid YAML or JSON.</exception>
    public static K8SConfiguration LoadKubeConfig(FileInfo kubeconfig, bool useRelativePaths = true)
    {
        ArgumentNullException.ThrowIfNull(kubeconfig);
        if (!kubeconfig.Exists)
        {
            throw new KubeConfigException($"kubeconfig file not found at {kubeconfig.FullName}");
        }
        var text = File.ReadAllText(kubeconfig.FullName);
        K8SConfiguration config;
        try
        {
            config = Parse(text);
        }
        catch (KubeConfigUnsupportedException unsupported)
        {
            Interlocked.Increment(ref _fallbackCount);
            LastFallbackReason = unsupported.Message;
            return FallBack(kubeconfig, useRelativePaths, unsupported.Line);
        }
        catch (JsonException json)
        {
            // Not JSON; it may still be YAML flow syntax, which is a superset: let the full YAML parser decide.
            Interlocked.Increment(ref _fallbackCount);
            LastFallbackReason = json.Message;
            return FallBack(kubeconfig, useRelativePaths, (int)(json.LineNumber ?? -1) + 1);
        }
        if (useRelativePaths)
        {
            config.FileName = kubeconfig.FullName;
        }
        return config;
    }

    /// <summary>Parses kubeconfig text (YAML subset, or JSON when it starts with <c>{</c>) into the model; internal for tests.</summary>
    internal static K8SConfiguration Parse(string text)
    {
        var span = text.AsSpan().TrimStart();
        if (!span.IsEmpty && span[0] == '\uFEFF')
        {
            span = span[1..].TrimStart();
        }
        var root = !span.IsEmpty && span[0] == '{' ? KubeConfigJsonReader.Read(span.ToString()) : KubeConfigYamlReader.Read(text);
        return KubeConfigBinder.Bind(root);
    }

    private static K8SConfiguration FallBack(FileInfo kubeconfig, bool useRelativePaths, int line)
    {
        try
        {
            return KubernetesClientConfiguration.LoadKubeConfig(kubeconfig, useRelativePaths);
        }
        catch (YamlDotNet.Core.YamlException yaml)
        {
            var at = yaml.Start.Line > 0 ? (int)yaml.Start.Line : line;
            throw new KubeConfigFormatException(kubeconfig.FullName, at, yaml.Message, yaml);
        }
    }
}
