using System.Text.Json;
using k8s;
using k8s.Models;
using KubeInformers;
using KubeInformers.Hosting.Controllers;
using KubeInformers.Hosting.Events;

namespace WebAppOperator;

/// <summary>
/// Reconciles one WebApp into a Deployment and a Service it controls (ownerReferences with <c>controller: true</c>: the
/// garbage collector deletes them with it), an entry in the namespace's <c>webapp-routes</c> ConfigMap (state the garbage
/// collector does not clean, like a DNS record: the finalizer removes it), and the WebApp's status (<c>Ready</c>
/// condition, <c>readyReplicas</c>, <c>observedGeneration</c>). Reads from the caches, never mutates a cached object;
/// every write comes back through an informer and reconciles again, which then finds nothing to do.
/// </summary>
public sealed class WebAppReconciler : IObjectReconciler<WebApp>
{
    /// <summary>The finalizer that keeps a WebApp until its route is removed.</summary>
    public const string FinalizerName = "example.com/route-cleanup";
    /// <summary>The field manager of the operator's writes.</summary>
    public const string FieldManager = "webapp-operator";
    /// <summary>The ConfigMap listing each WebApp's in-cluster URL.</summary>
    public const string RoutesConfigMap = "webapp-routes";

    private readonly IKubernetes _client;
    private readonly EventRecorder _events;
    private readonly Finalizer<WebApp> _finalizer;
    private readonly StatusUpdater<WebApp> _status;

    /// <summary>Creates the reconciler (from the container).</summary>
    public WebAppReconciler(IKubernetes client, EventRecorder events, ILogger<WebAppReconciler> logger)
    {
        _client = client;
        _events = events;
        _finalizer = new Finalizer<WebApp>(client, WebApp.Resource, FinalizerName, logger);
        _status = new StatusUpdater<WebApp>(client, WebApp.Resource, logger) { Copy = app => app.DeepCopy() };
    }

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ReconcileContext<WebApp> context, CancellationToken cancellationToken)
    {
        if (context.Object is not { } app)
        {
            return ReconcileResult.Done; // gone: the garbage collector deletes what it owned
        }
        switch (await _finalizer.HandleAsync(app, RemoveRouteAsync, cancellationToken))
        {
            case FinalizerOutcome.Finalized:
                _events.Normal(app, "RouteRemoved", "Delete", $"removed {app.Name()} from {RoutesConfigMap}");
                return ReconcileResult.Done;
            case FinalizerOutcome.NothingToDo:
                return ReconcileResult.Done;
        }

        // The finalizer is on: side effects are safe now.
        var deployment = context.Owned<V1Deployment>().FirstOrDefault();
        var desired = DesiredDeployment(app);
        if (deployment is null)
        {
            deployment = await _client.AppsV1.CreateNamespacedDeploymentAsync(desired, app.Namespace(), fieldManager: FieldManager,
                cancellationToken: cancellationToken);
            _events.Normal(app, "DeploymentCreated", "Create", $"created Deployment {desired.Name()}");
        }
        else if (!SameSpec(deployment, desired))
        {
            var updated = deployment.DeepCopy(); // the cached Deployment is shared: change a copy
            updated.Spec = desired.Spec;
            deployment = await _client.AppsV1.ReplaceNamespacedDeploymentAsync(updated, updated.Name(), app.Namespace(),
                fieldManager: FieldManager, cancellationToken: cancellationToken);
            _events.Normal(app, "DeploymentUpdated", "Update", $"updated Deployment {desired.Name()}");
        }
        if (context.Owned<V1Service>().Count == 0)
        {
            await _client.CoreV1.CreateNamespacedServiceAsync(DesiredService(app), app.Namespace(), fieldManager: FieldManager,
                cancellationToken: cancellationToken);
        }
        await SetRouteAsync(app, $"http://{app.Name()}.{app.Namespace()}.svc:{app.Spec.Port}", cancellationToken);

        var readyReplicas = deployment.Status?.ReadyReplicas ?? 0;
        var ready = readyReplicas >= app.Spec.Replicas;
        await _status.UpdateAsync(app, copy =>
        {
            copy.Status ??= new WebAppStatus();
            copy.Status.ObservedGeneration = copy.Metadata.Generation;
            copy.Status.ReadyReplicas = readyReplicas;
            Conditions.Set(copy.Status.Conditions ??= [], "Ready", ready ? "True" : "False", ready ? "Available" : "Progressing",
                $"{readyReplicas}/{copy.Spec.Replicas} pods ready", copy.Metadata.Generation);
        }, cancellationToken);
        return ReconcileResult.Done; // the Deployment's status changes reconcile again (Owns)
    }

    private Task RemoveRouteAsync(WebApp app, CancellationToken cancellationToken) => SetRouteAsync(app, null, cancellationToken);

    /// <summary>
    /// Sets (or, with null, removes) this WebApp's entry in the shared routes ConfigMap by server-side apply, each WebApp as its
    /// own field manager: an apply without the key removes it, other WebApps' keys stay. Idempotent; creates the ConfigMap.
    /// </summary>
    private Task SetRouteAsync(WebApp app, string? url, CancellationToken cancellationToken)
    {
        var data = url is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [app.Name()] = url };
        var body = JsonSerializer.Serialize(new
        {
            apiVersion = "v1",
            kind = "ConfigMap",
            metadata = new { name = RoutesConfigMap, @namespace = app.Namespace() },
            data,
        });
        return _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(body, V1Patch.PatchType.ApplyPatch), RoutesConfigMap, app.Namespace(),
            fieldManager: $"{FieldManager}.{app.Name()}", force: true, cancellationToken: cancellationToken);
    }

    private static V1Deployment DesiredDeployment(WebApp app)
    {
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = app.Name(), ["app.kubernetes.io/managed-by"] = FieldManager };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = app.Name(), NamespaceProperty = app.Namespace(), Labels = labels, OwnerReferences = [OwnerReference(app)] },
            Spec = new V1DeploymentSpec
            {
                Replicas = app.Spec.Replicas,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        Containers = [new V1Container { Name = "web", Image = app.Spec.Image, Ports = [new V1ContainerPort { ContainerPort = app.Spec.Port }] }],
                    },
                },
            },
        };
    }

    private static V1Service DesiredService(WebApp app) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = app.Name(), NamespaceProperty = app.Namespace(), OwnerReferences = [OwnerReference(app)] },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app.kubernetes.io/name"] = app.Name() },
            Ports = [new V1ServicePort { Port = app.Spec.Port, TargetPort = app.Spec.Port }],
        },
    };

    private static V1OwnerReference OwnerReference(WebApp app) =>
        new() { ApiVersion = app.ApiVersion, Kind = app.Kind, Name = app.Name(), Uid = app.Uid(), Controller = true, BlockOwnerDeletion = true };

    private static bool SameSpec(V1Deployment actual, V1Deployment desired)
    {
        var a = actual.Spec.Template.Spec.Containers.FirstOrDefault();
        var d = desired.Spec.Template.Spec.Containers[0];
        return actual.Spec.Replicas == desired.Spec.Replicas && a?.Image == d.Image
            && a.Ports?.FirstOrDefault()?.ContainerPort == d.Ports[0].ContainerPort;
    }
}
