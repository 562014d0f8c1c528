using k8s;
using KubeInformers;
using KubeInformers.Hosting;
using KubeInformers.Hosting.Controllers;
using KubeInformers.Hosting.Events;
using KubeInformers.Hosting.Health;
using KubeInformers.Hosting.LeaderElection;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers KubeInformers in a generic host.</summary>
public static class KubeInformersServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IKubernetes"/> client (unless one is registered already), the informer factory
    /// <typeparamref name="TFactory"/>, a hosted service that starts the informers and blocks startup until they have
    /// synced, the health monitor and metrics, and leadership (<see cref="ILeadership"/>; Lease election when enabled).
    /// </summary>
    /// <typeparam name="TFactory">
    /// The factory, usually the generated one; it needs a constructor
    /// <c>(IKubernetes, SharedInformerFactoryOptions?, ILoggerFactory?, TimeProvider?)</c>.
    /// </typeparam>
    /// <exception cref="InvalidOperationException">Called twice, or the leader election options are inconsistent.</exception>
    public static KubeInformersBuilder<TFactory> AddKubeInformers<TFactory>(this IServiceCollection services,
        Action<KubeInformersOptions<TFactory>>? configure = null) where TFactory : SharedInformerFactory
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(CacheSyncSignal)))
        {
            throw new InvalidOperationException("AddKubeInformers was called twice; register one factory per host.");
        }
        var options = new KubeInformersOptions<TFactory>();
        configure?.Invoke(options);
        options.LeaderElection.Validate();

        services.AddSingleton(options);
        services.AddSingleton(options.Liveness);
        services.AddSingleton(options.LeaderElection);
        services.TryAddSingleton<IKubernetes>(sp => KubernetesClientFactory.Create(options, sp));
        services.TryAddSingleton(sp => CreateFactory(options, sp));
        services.TryAddSingleton<IInformerSource>(sp => new FactoryInformerSource(sp.GetRequiredService<TFactory>()));
        services.AddSingleton<CacheSyncSignal>();
        services.TryAddSingleton(sp => new InformerHealthMonitor(sp.GetRequiredService<IInformerSource>(),
            sp.GetRequiredService<InformerLivenessOptions>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new KubeInformersMetrics(sp.GetRequiredService<IInformerSource>(), sp.GetService<TimeProvider>()));

        // Hosted services start in registration order and stop in reverse: informers first and last, then leadership.
        services.AddHostedService<KubeInformersHostedService<TFactory>>();
        if (options.LeaderElection.Enabled)
        {
            services.TryAddSingleton<LeaseLeadership>();
            services.TryAddSingleton<ILeadership>(sp => sp.GetRequiredService<LeaseLeadership>());
            services.AddHostedService(sp => sp.GetRequiredService<LeaseLeadership>());
        }
        else
        {
            services.TryAddSingleton<ILeadership, AlwaysLeader>();
        }
        return new KubeInformersBuilder<TFactory>(services);
    }

    private static TFactory CreateFactory<TFactory>(KubeInformersOptions<TFactory> options, IServiceProvider sp) where TFactory : SharedInformerFactory
    {
        var client = sp.GetRequiredService<IKubernetes>();
        var loggerFactory = sp.GetService<ILoggerFactory>();
        var timeProvider = sp.GetService<TimeProvider>();
        try
        {
            return (TFactory)Activator.CreateInstance(typeof(TFactory), client, options.Factory, loggerFactory, timeProvider)!;
        }
        catch (MissingMethodException ex)
        {
            throw new InvalidOperationException(
                $"{typeof(TFactory).FullName} needs a public constructor (IKubernetes, SharedInformerFactoryOptions?, ILoggerFactory?, TimeProvider?), as generated factories have.", ex);
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}

/// <summary>Continues the KubeInformers registration: adds controllers that share the factory's informers.</summary>
/// <typeparam name="TFactory">The informer factory type.</typeparam>
public sealed class KubeInformersBuilder<TFactory> where TFactory : SharedInformerFactory
{
    internal KubeInformersBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Adds a controller named <paramref name="name"/> whose reconciler <typeparamref name="TReconciler"/> is created from the
    /// container. <paramref name="watch"/> wires informers to its queue before the factory starts, e.g.
    /// <c>(f, c) =&gt; c.Watch(f.Stable.V1.CronTabs.Informer)</c>. Workers run only once the caches have synced, and only
    /// on the leader when leader election is enabled.
    /// </summary>
    public KubeInformersBuilder<TFactory> AddController<TReconciler>(string name, Action<TFactory, Controller<string>> watch,
        Action<ControllerOptions<string>>? configure = null) where TReconciler : class, IReconciler<string>
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(watch);
        Services.TryAddSingleton<TReconciler>();
        return AddController(name, sp => sp.GetRequiredService<TReconciler>(), watch, configure);
    }

    /// <summary>Adds a controller whose reconciler is a delegate.</summary>
    public KubeInformersBuilder<TFactory> AddController(string name, Func<IServiceProvider, IReconciler<string>> reconciler,
        Action<TFactory, Controller<string>> watch, Action<ControllerOptions<string>>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(watch);
        var options = new ControllerOptions<string>();
        configure?.Invoke(options);

        Services.AddSingleton(sp => new ControllerRunner<TFactory>(
            new Controller<string>(name, reconciler(sp), options,
                sp.GetService<ILoggerFactory>()?.CreateLogger("KubeInformers.Controller." + name),
                sp.GetService<TimeProvider>(), sp.GetService<KubeInformersMetrics>()),
            watch));
        return AddRunner(name);
    }

    /// <summary>
    /// Adds a controller of primary type <typeparamref name="TPrimary"/> whose <see cref="IObjectReconciler{TPrimary}"/>
    /// <typeparamref name="TReconciler"/> is created from the container. <paramref name="sources"/> names what it watches
    /// before the factory starts, e.g.
    /// <c>(f, b) =&gt; b.For(f.Example.V1.WebApps.Informer, ChangePredicates.GenerationChanged&lt;WebApp&gt;()).Owns(f.Apps.V1.Deployments.Informer)</c>.
    /// Workers run only once the caches have synced, and only on the leader when leader election is enabled.
    /// </summary>
    public KubeInformersBuilder<TFactory> AddController<TPrimary, TReconciler>(string name,
        Action<TFactory, ControllerBuilder<TPrimary>> sources, Action<ControllerOptions<string>>? configure = null)
        where TPrimary : class, IKubernetesObject<k8s.Models.V1ObjectMeta>
        where TReconciler : class, IObjectReconciler<TPrimary>
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(sources);
        Services.TryAddSingleton<TReconciler>();
        var options = new ControllerOptions<string>();
        configure?.Invoke(options);
        Services.AddSingleton(sp =>
        {
            var builder = new ControllerBuilder<TPrimary>(name, sp.GetRequiredService<TReconciler>(), options,
                sp.GetService<ILoggerFactory>()?.CreateLogger("KubeInformers.Controller." + name),
                sp.GetService<TimeProvider>(), sp.GetService<KubeInformersMetrics>());
            return new ControllerRunner<TFactory>(builder.Controller, (factory, _) => sources(factory, builder));
        });
        return AddRunner(name);
    }

    /// <summary>
    /// Registers an <see cref="EventRecorder"/> (singleton, writer started when first resolved, drained when the container
    /// is disposed) with the container's <see cref="IKubernetes"/>, <see cref="TimeProvider"/> and metrics.
    /// </summary>
    /// <exception cref="InvalidOperationException">The options have no reporting controller.</exception>
    public KubeInformersBuilder<TFactory> AddEventRecorder(Action<EventRecorderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new EventRecorderOptions();
        configure(options);
        options.Validate();
        Services.TryAddSingleton(sp =>
        {
            var recorder = new EventRecorder(sp.GetRequiredService<IKubernetes>(), options, sp.GetService<TimeProvider>(),
                sp.GetService<KubeInformersMetrics>(), sp.GetService<ILogger<EventRecorder>>());
            recorder.Start();
            return recorder;
        });
        return this;
    }

    private KubeInformersBuilder<TFactory> AddRunner(string name)
    {
        // One registration serves both roles, so the controller is created once.
        Services.AddSingleton<IControllerRunner>(sp => FindRunner(sp, name));
        Services.AddSingleton<IFactorySetup>(sp => FindRunner(sp, name));
        if (!Services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ControllerHostedService)))
        {
            Services.AddHostedService<ControllerHostedService>();
        }
        return this;
    }

    private static ControllerRunner<TFactory> FindRunner(IServiceProvider sp, string name) =>
        sp.GetServices<ControllerRunner<TFactory>>().First(r => r.Name == name);
}
