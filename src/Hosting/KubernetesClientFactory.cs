using k8s;

namespace KubeInformers.Hosting;

/// <summary>
/// Builds the <see cref="IKubernetes"/> client from <see cref="KubeInformersOptions{TFactory}"/>. Kubeconfig files are
/// read with KubeInformers' fast loader (<see cref="KubeConfig"/>: same configuration as KubernetesClient's loader,
/// a fraction of its start-up cost); the AppContext switch <see cref="UseKubernetesClientLoaderSwitch"/> (or
/// setting <c>ClientConfiguration</c> yourself) goes back to KubernetesClient's loader. Stateless; thread-safe.
/// </summary>
internal static class KubernetesClientFactory
{
    /// <summary>
    /// The AppContext switch that makes hosting load kubeconfig files with KubernetesClient's own loader:
    /// <c>AppContext.SetSwitch("KubeInformers.UseKubernetesClientKubeconfigLoader", true)</c>, or
    /// <c>&lt;RuntimeHostConfigurationOption Include="KubeInformers.UseKubernetesClientKubeconfigLoader" Value="true" /&gt;</c> in the project file.
    /// </summary>
    public const string UseKubernetesClientLoaderSwitch = "KubeInformers.UseKubernetesClientKubeconfigLoader";

    public static IKubernetes Create<TFactory>(KubeInformersOptions<TFactory> options, IServiceProvider services) where TFactory : SharedInformerFactory
    {
        if (options.Client is { } client)
        {
            return client;
        }
        if (options.ClientFactory is { } factory)
        {
            return factory(services);
        }
        return new Kubernetes(BuildConfiguration(options.ClientConfiguration, options.KubeconfigPath, options.KubeconfigContext));
    }

    /// <summary>The configuration: the given one, a kubeconfig file, or the default (KUBECONFIG, ~/.kube/config, in-cluster).</summary>
    public static KubernetesClientConfiguration BuildConfiguration(KubernetesClientConfiguration? configuration, string? kubeconfigPath, string? context) =>
        BuildConfiguration(configuration, kubeconfigPath, context, useKubernetesClientLoader: AppContext.TryGetSwitch(UseKubernetesClientLoaderSwitch, out var on) && on);

    /// <summary>As above, with the loader chosen explicitly (KubernetesClient's when <paramref name="useKubernetesClientLoader"/>).</summary>
    public static KubernetesClientConfiguration BuildConfiguration(KubernetesClientConfiguration? configuration, string? kubeconfigPath, string? context, bool useKubernetesClientLoader)
    {
        if (configuration is not null)
        {
            return configuration;
        }
        if (kubeconfigPath is not null)
        {
            if (!File.Exists(kubeconfigPath))
            {
                throw new FileNotFoundException($"The kubeconfig file '{kubeconfigPath}' does not exist.", kubeconfigPath);
            }
            return useKubernetesClientLoader
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath, context)
                : KubeConfig.BuildConfigFromConfigFile(kubeconfigPath, context);
        }
        // KUBECONFIG, then ~/.kube/config, then the in-cluster service account.
        if (useKubernetesClientLoader)
        {
            return context is null
                ? KubernetesClientConfiguration.BuildDefaultConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(currentContext: context);
        }
        return context is null
            ? KubeConfig.BuildDefaultConfig()
            : KubeConfig.BuildConfigFromConfigFile(currentContext: context);
    }
}
