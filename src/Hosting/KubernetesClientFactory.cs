using k8s;

namespace KubeInformers.Hosting;

/// <summary>Builds the <see cref="IKubernetes"/> client from <see cref="KubeInformersOptions{TFactory}"/>.</summary>
internal static class KubernetesClientFactory
{
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

    /// <summary>The configuration: the given one, a kubeconfig file, or KubernetesClient's default (KUBECONFIG, ~/.kube/config, in-cluster).</summary>
    public static KubernetesClientConfiguration BuildConfiguration(KubernetesClientConfiguration? configuration, string? kubeconfigPath, string? context)
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
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath, context);
        }
        // KUBECONFIG, then ~/.kube/config, then the in-cluster service account.
        return context is null
            ? KubernetesClientConfiguration.BuildDefaultConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(currentContext: context);
    }
}
