using System.Runtime.CompilerServices;
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
/// providers, namespace and context resolution stay KubernetesClient's code (so under Native AOT an exec plugin fails
/// as KubernetesClient 21.0.8 fails there: it serializes the plugin's ExecCredential with reflection). A file that uses YAML beyond that subset
/// (anchors, tags, block scalars, flow collections, several documents, …) is loaded by KubernetesClient's own YAML
/// loader instead, so the result is the same either way; the first such file is reported as the runtime degradation
/// <c>kubeconfig_fast_reader</c> (logged once as a warning, counted on <c>kubeinformers.runtime.degraded</c>). Under
/// Native AOT that loader cannot run (its YAML deserializer needs reflection), so such a file throws
/// <see cref="KubeConfigNotSupportedException"/> naming the construct instead. The point is start-up time: in a fresh
/// process KubernetesClient's loader spends most of its time compiling and running the YAML deserializer.
/// Thread-safe; no reflection (trimming and Native AOT safe).
/// </summary>
public static class KubeConfig
{
    /// <summary>The degradation's feature name (the <c>feature</c> tag of <c>kubeinformers.runtime.degraded</c>).</summary>
    internal const string FallbackFeature = "kubeconfig_fast_reader";

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
    /// <exception cref="KubeConfigNotSupportedException">Under Native AOT only: the file uses YAML beyond the fast reader's subset.</exception>
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
    /// <exception cref="KubeConfigNotSupportedException">Under Native AOT only: a file uses YAML beyond the fast reader's subset.</exception>
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
    /// <exception cref="KubeConfigNotSupportedException">Under Native AOT only: the file uses YAML beyond the fast reader's subset.</exception>
    public static K8SConfiguration LoadKubeConfig(FileInfo kubeconfig, bool useRelativePaths = true) =>
        LoadKubeConfig(kubeconfig, useRelativePaths, fallbackAvailable: true);

    /// <summary>
    /// <see cref="LoadKubeConfig(FileInfo, bool)"/>; <paramref name="fallbackAvailable"/> false behaves as under Native AOT,
    /// where KubernetesClient's loader is never available (tests).
    /// </summary>
    internal static K8SConfiguration LoadKubeConfig(FileInfo kubeconfig, bool useRelativePaths, bool fallbackAvailable)
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
        catch (KubeConfigBeyondSubsetException unsupported)
        {
            return FallBack(kubeconfig, useRelativePaths, unsupported.Reason, unsupported.Line, fallbackAvailable);
        }
        catch (JsonException json)
        {
            // Not JSON; it may still be YAML flow syntax, which is a superset: let the full YAML parser decide.
            return FallBack(kubeconfig, useRelativePaths, "text that is not valid JSON (" + json.Message + ")", (int)(json.LineNumber ?? -1) + 1, fallbackAvailable);
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

    private static K8SConfiguration FallBack(FileInfo kubeconfig, bool useRelativePaths, string construct, int line, bool fallbackAvailable)
    {
        // Under Native AOT IsDynamicCodeSupported is the constant false: the compiler drops the rest, and with it
        // KubernetesClient's YAML loader, which would only fail in its type initializer there.
        if (!RuntimeFeature.IsDynamicCodeSupported || !fallbackAvailable)
        {
            throw new KubeConfigNotSupportedException(kubeconfig.FullName, line, construct);
        }
        RuntimeDegradations.Report(
            FallbackFeature,
            "kubeconfig files with YAML beyond the fast reader's subset are read by KubernetesClient's slower YAML loader",
            line > 0 ? $"{kubeconfig.FullName} line {line}: {construct}" : $"{kubeconfig.FullName}: {construct}");
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
