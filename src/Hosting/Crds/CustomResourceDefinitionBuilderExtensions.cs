using System.Reflection;
using k8s;
using KubeInformers;
using KubeInformers.Hosting;
using KubeInformers.Hosting.Crds;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Opt-in installation of generated CustomResourceDefinitions at startup.</summary>
public static class CustomResourceDefinitionBuilderExtensions
{
    /// <summary>
    /// Installs, when the host starts and before the informers start, every CustomResourceDefinition the KubeInformers
    /// generator recorded in <paramref name="assemblies"/>: created or updated, then waited for until <c>Established</c>.
    /// Startup fails with a <see cref="CustomResourceDefinitionInstallException"/> naming the CRD when that is not
    /// possible (403: the identity needs <see cref="CustomResourceDefinitionInstaller.RequiredRule"/>). Calling it again
    /// adds assemblies to the same installer.
    /// </summary>
    /// <param name="builder">The KubeInformers registration.</param>
    /// <param name="assemblies">Assemblies compiled with the generator (e.g. <c>typeof(CronTab).Assembly</c>).</param>
    /// <param name="configure">Adjusts timeouts or adds hand-written definitions.</param>
    /// <exception cref="ArgumentOutOfRangeException">The configured options are out of range.</exception>
    public static KubeInformersBuilder<TFactory> InstallCustomResourceDefinitions<TFactory>(this KubeInformersBuilder<TFactory> builder,
        IEnumerable<Assembly> assemblies, Action<CustomResourceDefinitionInstallerOptions>? configure = null) where TFactory : SharedInformerFactory
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(assemblies);
        var services = builder.Services;
        var options = services.FirstOrDefault(d => d.ServiceType == typeof(CustomResourceDefinitionInstallerOptions))?.ImplementationInstance
            as CustomResourceDefinitionInstallerOptions;
        if (options is null)
        {
            options = new CustomResourceDefinitionInstallerOptions();
            services.AddSingleton(options);
            services.AddSingleton(sp => new CustomResourceDefinitionInstaller(sp.GetRequiredService<IKubernetes>(), options,
                sp.GetService<TimeProvider>(), sp.GetService<ILogger<CustomResourceDefinitionInstaller>>()));

            // Hosted services start in registration order: the installer goes just before the informers' service.
            var installer = ServiceDescriptor.Singleton<IHostedService, CustomResourceDefinitionInstallerHostedService>();
            var informers = services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(KubeInformersHostedService<TFactory>));
            if (informers is null)
            {
                services.Add(installer);
            }
            else
            {
                services.Insert(services.IndexOf(informers), installer);
            }
        }

        foreach (var assembly in assemblies)
        {
            ArgumentNullException.ThrowIfNull(assembly, nameof(assemblies));
            if (!options.Assemblies.Contains(assembly))
            {
                options.Assemblies.Add(assembly);
            }
        }

        configure?.Invoke(options);
        options.Validate();
        return builder;
    }

    /// <summary>Installs the generated CustomResourceDefinitions of <paramref name="assembly"/> at startup (see the overload).</summary>
    /// <param name="builder">The KubeInformers registration.</param>
    /// <param name="assembly">An assembly compiled with the generator.</param>
    /// <param name="configure">Adjusts timeouts or adds hand-written definitions.</param>
    public static KubeInformersBuilder<TFactory> InstallCustomResourceDefinitions<TFactory>(this KubeInformersBuilder<TFactory> builder,
        Assembly assembly, Action<CustomResourceDefinitionInstallerOptions>? configure = null) where TFactory : SharedInformerFactory
        => builder.InstallCustomResourceDefinitions([assembly], configure);
}
