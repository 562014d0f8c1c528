using KubeInformers.Generator.Tests.Infrastructure;
using static KubeInformers.Generator.Tests.Infrastructure.CachedObjectVerifier;

namespace KubeInformers.Generator.Tests;

/// <summary>
/// KI0200/KI0201: a write to an object that came from the informer cache is reported at the written expression, with
/// the object's source in the message and, where a copy can go, the place the code fix copies at (the second markup
/// location); copies, new objects, reassigned locals, look-alike types and reads are not reported.
/// </summary>
public class CachedObjectMutationTests
{
    [Fact]
    public Task MemberAssignmentThroughAListerLocalIsReported() => VerifyAsync("""
        class C
        {
            void M(DeploymentLister lister)
            {
                var d = {|#1:lister.Get("prod", "web")|};
                {|#0:d!.Spec|} = new V1DeploymentSpec();
            }
        }
        """, Expect("KI0200", 0, 1, "d", "Get on DeploymentLister", "d"));

    [Fact]
    public Task NestedMemberCompoundAssignmentAndIncrementAreReported() => VerifyAsync("""
        class C
        {
            void M(DeploymentNamespaceLister lister)
            {
                var d = {|#3:lister.Get("web")!|};
                {|#0:d.Spec.Template.Spec.NodeName|} = "node-1";
                {|#1:d.Spec.Replicas|} += 2;
                {|#2:d.Spec.Replicas|}++;
                --{|#4:d.Metadata.Generation|};
            }
        }
        """,
        Expect("KI0200", 0, 3, "d", "Get on DeploymentNamespaceLister", "d"),
        Expect("KI0200", 1, 3, "d", "Get on DeploymentNamespaceLister", "d"),
        Expect("KI0200", 2, 3, "d", "Get on DeploymentNamespaceLister", "d"),
        Expect("KI0200", 4, 3, "d", "Get on DeploymentNamespaceLister", "d"));

    [Fact]
    public Task LabelsAddIndexerSetRemoveAndClearAreCollectionMutations() => VerifyAsync("""
        class C
        {
            void M(PodLister lister)
            {
                var pod = {|#9:lister.Get("prod", "web-0")!|};
                {|#0:pod.Metadata.Labels.Add("tier", "web")|};
                {|#1:pod.Metadata.Labels["tier"]|} = "db";
                {|#2:pod.Metadata.Labels.Remove("tier")|};
                {|#3:pod.Spec.Containers.Clear()|};
                {|#4:pod.Spec.Containers.Insert(0, new V1Container())|};
            }
        }
        """,
        Expect("KI0201", 0, 9, "pod", "Get on PodLister", "'Add'", "pod"),
        Expect("KI0201", 1, 9, "pod", "Get on PodLister", "the indexer", "pod"),
        Expect("KI0201", 2, 9, "pod", "Get on PodLister", "'Remove'", "pod"),
        Expect("KI0201", 3, 9, "pod", "Get on PodLister", "'Clear'", "pod"),
        Expect("KI0201", 4, 9, "pod", "Get on PodLister", "'Insert'", "pod"));

    [Fact]
    public Task HandlerLambdaParametersAreCached() => VerifyAsync("""
        class C
        {
            void M(PodInformer informer)
            {
                informer.AddEventHandler(onUpdate: (oldPod, {|#1:newPod|}) => {|#0:newPod.Metadata.Labels["seen"]|} = "yes");
                informer.Informer.AddEventHandler(new ResourceEventHandler<V1Pod>
                {
                    Added = ({|#3:pod|}, initial) => { {|#2:pod.Spec.NodeName|} = "node-1"; },
                });
            }
        }
        """,
        Expect("KI0201", 0, 1, "newPod", "onUpdate handler of PodInformer.AddEventHandler", "the indexer", "newPod"),
        Expect("KI0200", 2, 3, "pod", "Added handler of ResourceEventHandler<V1Pod>", "pod"));

    [Fact]
    public Task HandlerInterfaceMethodParametersAreCached() => VerifyAsync("""
        class Handler : IResourceEventHandler<V1Pod>
        {
            public void OnAdd(V1Pod obj, bool isInInitialList) { }
            public void OnUpdate(V1Pod oldObj, {|#1:V1Pod newObj|}) => {|#0:newObj.Status|} = null;
            public void OnDelete(V1Pod obj, bool finalStateUnknown) { }
        }
        """, Expect("KI0200", 0, 1, "newObj", "OnUpdate of IResourceEventHandler<V1Pod>", "newObj"));

    [Fact]
    public Task ReconcileContextPrimaryAndOwnedChildrenAreCached() => VerifyAsync("""
        class Reconciler : IObjectReconciler<V1Deployment>
        {
            public Task<ReconcileResult> ReconcileAsync(ReconcileContext<V1Deployment> context, CancellationToken cancellationToken)
            {
                var deployment = {|#1:context.Object|};
                if (deployment is null)
                {
                    return Task.FromResult(ReconcileResult.Done);
                }

                {|#0:deployment.Spec.Replicas|} = 3;
                foreach (var pod in context.Owned<V1Pod>())
                {
                    {|#2:pod.Metadata.Annotations["owner"]|} = deployment.Name();
                }

                {|#3:context.Object!.Status|} = new V1DeploymentStatus();
                return Task.FromResult(ReconcileResult.Done);
            }
        }
        """,
        Expect("KI0200", 0, 1, "deployment", "Object of ReconcileContext<V1Deployment>", "deployment"),
        Expect("KI0201", 2, null, "pod", "Owned on ReconcileContext<V1Deployment>", "the indexer", "pod"),
        Expect("KI0200", 3, null, "context.Object", "Object of ReconcileContext<V1Deployment>", "context.Object"));

    [Fact]
    public Task AliasChainIsFollowedToTheLocalToCopy() => VerifyAsync("""
        class C
        {
            void M(DeploymentLister lister, string key)
            {
                var d = {|#1:lister.Get("prod", key)|};
                var spec = d!.Spec;
                var template = spec.Template;
                {|#0:template.Metadata|} = new V1ObjectMeta();
            }
        }
        """, Expect("KI0200", 0, 1, "template", "Get on DeploymentLister", "d"));

    [Fact]
    public Task ListsIndexersAndElementPicksAreFollowed() => VerifyAsync("""
        class C
        {
            void M(PodLister lister, IIndexer<V1Pod> indexer)
            {
                foreach (var pod in lister.List())
                {
                    {|#0:pod.Spec.NodeName|} = null;
                }

                var first = {|#2:lister.Inner.ByIndex("namespace", "prod").First()|};
                {|#1:first.Spec|} = null;
                if (indexer.TryGetByKey("prod/web-0", out var cached))
                {
                    {|#3:cached.Status|} = null;
                }

                {|#4:indexer.GetByKey("prod/web-1")!.Metadata.Finalizers.Add("x")|};
            }
        }
        """,
        Expect("KI0200", 0, null, "pod", "List on PodLister", "pod"),
        Expect("KI0200", 1, 2, "first", "ByIndex on Lister<V1Pod>", "first"),
        Expect("KI0200", 3, null, "cached", "TryGetByKey on IIndexer<V1Pod>", "cached"),
        Expect("KI0201", 4, null, "indexer.GetByKey(\"prod/web-1\")", "GetByKey on IIndexer<V1Pod>", "'Add'", "indexer.GetByKey(\"prod/web-1\")"));

    [Fact]
    public Task PredicatesAndMapsGetCachedObjects() => VerifyAsync("""
        class C
        {
            ChangePredicate<V1Pod> Build() => new()
            {
                Update = (oldPod, {|#1:newPod|}) => ({|#0:newPod.Metadata.Labels|} = null) is null,
            };
        }
        """, Expect("KI0200", 0, 1, "newPod", "Update handler of ChangePredicate<V1Pod>", "newPod"));

    [Fact]
    public Task WatchesAndWatchMappedMapsGetCachedObjects() => VerifyAsync("""
        class C
        {
            void M(ControllerBuilder<V1Deployment> builder, Controller<string> controller, PodInformer pods)
            {
                builder.Watches(pods.Informer, {|#1:pod|} =>
                {
                    {|#0:pod.Metadata.Labels["mapped"]|} = "yes";
                    return new[] { pod.Namespace() + "/web" };
                });
                controller.WatchMapped(pods.Informer, {|#3:p|} => { {|#2:p.Spec.NodeName|} = null; return Array.Empty<string>(); });
            }
        }
        """,
        Expect("KI0201", 0, 1, "pod", "map handler of ControllerBuilder<V1Deployment>.Watches", "the indexer", "pod"),
        Expect("KI0200", 2, 3, "p", "map handler of ControllerInformerExtensions.WatchMapped", "p"));

    [Fact]
    public Task PredicateFunctionsGetCachedObjects() => VerifyAsync("""
        class C
        {
            void M(ControllerBuilder<V1Pod> builder, PodInformer pods)
            {
                builder.For(pods.Informer, ChangePredicates.Where<V1Pod>({|#1:pod|} => {|#0:pod.Metadata.Labels.Remove("tier")|}));
                var custom = new ChangePredicate<V1Pod>
                {
                    Add = {|#3:added|} => { {|#2:added.Status|} = null; return true; },
                    Delete = {|#5:gone|} => {|#4:gone.Metadata.Finalizers.Remove("x")|},
                };
            }
        }
        """,
        Expect("KI0201", 0, 1, "pod", "filter handler of ChangePredicates.Where", "'Remove'", "pod"),
        Expect("KI0200", 2, 3, "added", "Add handler of ChangePredicate<V1Pod>", "added"),
        Expect("KI0201", 4, 5, "gone", "Delete handler of ChangePredicate<V1Pod>", "'Remove'", "gone"));

    [Fact]
    public Task FinalizerCleanupGetsTheCachedObject() => VerifyAsync("""
        class C
        {
            Task M(Finalizer<V1Pod> finalizer, V1Pod cached, CancellationToken ct) =>
                finalizer.HandleAsync(cached, ({|#1:pod|}, token) => { {|#0:pod.Status|} = null; return Task.CompletedTask; }, ct);
        }
        """, Expect("KI0200", 0, 1, "pod", "cleanup handler of Finalizer<V1Pod>.HandleAsync", "pod"));

    [Fact]
    public Task SwitchStatementPatternLocalsAreCached() => VerifyAsync("""
        class C
        {
            void M(PodLister lister)
            {
                var cached = {|#9:lister.Get("prod", "web-0")|};
                switch (cached)
                {
                    case { Status.Phase: "Running" } running:
                        {|#0:running.Metadata.Labels["phase"]|} = "running";
                        break;
                    case V1Pod pod when pod.Spec is not null:
                        {|#1:pod.Spec.NodeName|} = null;
                        break;
                }

                switch (lister.Get("prod", "web-1"))
                {
                    case V1Pod other:
                        {|#2:other.Status|} = null;
                        break;
                }
            }
        }
        """,
        Expect("KI0201", 0, 9, "running", "Get on PodLister", "the indexer", "cached"),
        Expect("KI0200", 1, 9, "pod", "Get on PodLister", "cached"),
        Expect("KI0200", 2, null, "other", "Get on PodLister", "other"));

    [Fact]
    public Task SwitchExpressionArmsAndValuesAreCached() => VerifyAsync("""
        class C
        {
            bool M(PodLister lister, string key)
            {
                var removed = lister.Get("prod", "web-0") switch
                {
                    { Metadata.Labels: not null } labelled => {|#0:labelled.Metadata.Labels.Remove("tier")|},
                    _ => false,
                };
                var chosen = {|#2:key switch
                {
                    "a" => lister.Get("prod", "a"),
                    "b" => lister.Get("prod", "b"),
                    _ => null,
                }|};
                {|#1:chosen!.Spec|} = null;
                var either = {|#4:key == "a" ? lister.Get("prod", "a") : null|};
                {|#3:either!.Status|} = null;
                return removed;
            }
        }
        """,
        Expect("KI0201", 0, null, "labelled", "Get on PodLister", "'Remove'", "labelled"),
        Expect("KI0200", 1, 2, "chosen", "Get on PodLister", "chosen"),
        Expect("KI0200", 3, 4, "either", "Get on PodLister", "either"));

    [Fact]
    public Task IsPatternLocalsAndNestedSubpatternsAreCached() => VerifyAsync("""
        class C
        {
            void M(IIndexer<V1Pod> indexer, PodLister lister)
            {
                if ({|#1:indexer.GetByKey("prod/web-0")|} is V1Pod { Spec: { } spec } pod)
                {
                    {|#0:pod.Status|} = null;
                    {|#2:spec.NodeName|} = "node-1";
                }

                if ({|#5:lister.Get("prod", "web-1")|} is { Metadata.Labels: var labels } and { Spec: not null })
                {
                    {|#4:labels["x"]|} = "y";
                }

                if ({|#7:lister.Get("prod", "web-2")|} is not { } missing)
                {
                    return;
                }

                {|#6:missing.Spec|} = null;
            }
        }
        """,
        Expect("KI0200", 0, 1, "pod", "GetByKey on IIndexer<V1Pod>", "pod"),
        Expect("KI0200", 2, 1, "spec", "GetByKey on IIndexer<V1Pod>", "pod"),
        Expect("KI0201", 4, 5, "labels", "Get on PodLister", "the indexer", "labels"),
        Expect("KI0200", 6, 7, "missing", "Get on PodLister", "missing"));

    [Fact]
    public Task ConditionsHelpersChangeTheListTheyAreGiven() => VerifyAsync("""
        [KubernetesEntity(Group = "example.com", ApiVersion = "v1", Kind = "App", PluralName = "apps")]
        [GenerateInformer]
        public sealed class App : IKubernetesObject<V1ObjectMeta>
        {
            public string ApiVersion { get; set; } = "example.com/v1";
            public string Kind { get; set; } = "App";
            public V1ObjectMeta Metadata { get; set; } = new();
            public AppStatus Status { get; set; } = new();
        }

        public sealed class AppStatus
        {
            public IList<V1Condition>? Conditions { get; set; }
        }

        class Reconciler : IObjectReconciler<App>
        {
            public Task<ReconcileResult> ReconcileAsync(ReconcileContext<App> context, CancellationToken cancellationToken)
            {
                var app = {|#9:context.Object!|};
                {|#0:Conditions.Set(app.Status.Conditions!, "Ready", "True", "Available")|};
                {|#1:Conditions.Remove(app.Status.Conditions!, "Progressing")|};
                {|#2:Conditions.Set({|#3:app.Status.Conditions|} ??= new List<V1Condition>(), "Ready", "True", "Available")|};
                {|#4:Conditions.Find(app.Status.Conditions, "Ready")!.Reason|} = "Changed";
                var mine = new List<V1Condition>();
                Conditions.Set(mine, "Ready", "False", "Progressing");
                return Task.FromResult(ReconcileResult.Done);
            }
        }
        """,
        Expect("KI0201", 0, 9, "app", "Object of ReconcileContext<App>", "'Conditions.Set'", "app"),
        Expect("KI0201", 1, 9, "app", "Object of ReconcileContext<App>", "'Conditions.Remove'", "app"),
        Expect("KI0201", 2, 9, "app", "Object of ReconcileContext<App>", "'Conditions.Set'", "app"),
        Expect("KI0200", 3, 9, "app", "Object of ReconcileContext<App>", "app"),
        Expect("KI0200", 4, 9, "app", "Object of ReconcileContext<App>", "app"));

    [Fact]
    public Task KubernetesClientModelHelpersThatChangeTheObjectAreReported() => VerifyAsync("""
        class C
        {
            void M(PodLister lister, V1OwnerReference owner)
            {
                var pod = {|#9:lister.Get("prod", "web-0")!|};
                {|#0:pod.SetLabel("tier", "web")|};
                {|#1:pod.SetAnnotation("note", null)|};
                {|#2:pod.AddFinalizer("example.com/x")|};
                {|#3:pod.RemoveFinalizer("example.com/x")|};
                {|#4:pod.AddOwnerReference(owner)|};
                {|#5:pod.Metadata.SetNamespace("other")|};
                {|#6:pod.Labels()["tier"]|} = "db";
                {|#7:pod.GetController()!.Name|} = "someone";
                var finalizers = {|#10:pod.Metadata.EnsureFinalizers()|};
                {|#8:finalizers.Clear()|};
            }
        }
        """,
        Expect("KI0201", 0, 9, "pod", "Get on PodLister", "'SetLabel'", "pod"),
        Expect("KI0201", 1, 9, "pod", "Get on PodLister", "'SetAnnotation'", "pod"),
        Expect("KI0201", 2, 9, "pod", "Get on PodLister", "'AddFinalizer'", "pod"),
        Expect("KI0201", 3, 9, "pod", "Get on PodLister", "'RemoveFinalizer'", "pod"),
        Expect("KI0201", 4, 9, "pod", "Get on PodLister", "'AddOwnerReference'", "pod"),
        Expect("KI0200", 5, 9, "pod", "Get on PodLister", "pod"),
        Expect("KI0201", 6, 9, "pod", "Get on PodLister", "the indexer", "pod"),
        Expect("KI0200", 7, 9, "pod", "Get on PodLister", "pod"),
        Expect("KI0200", 10, 9, "pod", "Get on PodLister", "pod"),
        Expect("KI0201", 8, 9, "finalizers", "Get on PodLister", "'Clear'", "pod"));

    [Fact]
    public Task CopiesNewObjectsAndClientResultsInToolkitCallbacksAreNotReported() => VerifyAsync("""
        class C
        {
            async Task M(ControllerBuilder<V1Pod> builder, PodInformer pods, PodLister lister, IKubernetes client, CancellationToken ct)
            {
                builder.Watches(pods.Informer, pod =>
                {
                    var mine = pod.DeepCopy();
                    mine.Metadata.Labels["mapped"] = "yes";
                    mine.SetLabel("tier", "web");
                    return new[] { pod.Name() };
                }, ChangePredicates.Where<V1Pod>(p => p.DeepCopy().Metadata.Labels.Remove("x")));
                var fromServer = await client.CoreV1.ReadNamespacedPodAsync("web-0", "prod", cancellationToken: ct);
                fromServer.Spec.NodeName = "node-1";
                fromServer.SetLabel("tier", "web");
                Conditions.Set(new List<V1Condition>(), "Ready", "True", "Available");
                var status = new V1PodStatus { Conditions = new List<V1PodCondition>() };
                status.Conditions.Add(new V1PodCondition());
                var copy = lister.Get("prod", "web-0") switch { { } cached => cached.DeepCopy(), null => null };
                copy!.Spec.NodeName = "node-2";
                if (lister.Get("prod", "web-1")?.DeepCopy() is { Spec: var spec })
                {
                    spec.NodeName = "node-3";
                }
            }
        }
        """);

    [Fact]
    public Task CopiesAreNotReported() => VerifyAsync("""
        class C
        {
            void M(DeploymentLister lister, PodInformer informer)
            {
                var d = lister.Get("prod", "web")?.DeepCopy();
                d!.Spec.Replicas = 1;
                var e = lister.Get("prod", "web")!.DeepCopy();
                e.Spec.Template.Metadata.Labels["x"] = "y";
                e.Spec.Template.Metadata.Labels.Add("z", "w");
                foreach (var pod in lister.List().Select(x => x.DeepCopy()))
                {
                    pod.Spec.Replicas++;
                }

                informer.AddEventHandler(onUpdate: (oldPod, newPod) =>
                {
                    var mine = newPod.DeepCopy();
                    mine.Metadata.Labels["seen"] = "yes";
                });
            }
        }
        """);

    [Fact]
    public Task NewObjectsAndReassignedLocalsAreNotReported() => VerifyAsync("""
        class C
        {
            void M(DeploymentLister lister)
            {
                var fresh = new V1Deployment { Spec = new V1DeploymentSpec() };
                fresh.Spec.Replicas = 2;
                var d = lister.Get("prod", "web");
                d = new V1Deployment { Spec = new V1DeploymentSpec() };
                d.Spec.Replicas = 1;
                var pods = lister.List().ToList();
                pods.RemoveAt(0);
                pods.Add(new V1Deployment());
                var copy = lister.Get("prod", "web") is { } cached ? cached.DeepCopy() : null;
                copy!.Spec.Replicas = 3;
            }
        }
        """);

    [Fact]
    public Task LookAlikeTypesAndNonCachingApisAreNotReported() => VerifyAsync("""
        class DeploymentLookalikeLister
        {
            public V1Deployment? Get(string ns, string name) => new V1Deployment();
            public void AddEventHandler(Action<V1Pod, V1Pod>? onUpdate = null) { }
        }

        class C
        {
            void M(DeploymentLookalikeLister lister, PodInformer informer, StatusUpdater<V1Pod> status, V1Pod pod)
            {
                var d = lister.Get("prod", "web");
                d!.Spec.Replicas = 1;
                lister.AddEventHandler(onUpdate: (o, n) => n.Spec.NodeName = "x");
                informer.SetTransform(p => { p.Metadata.ManagedFields = null; return p; });
                _ = status.UpdateAsync(pod, p => p.Status.Phase = "Running", CancellationToken.None);
                pod.Spec.NodeName = "mine";
            }
        }
        """);

    [Fact]
    public Task ReadingIsNotReported() => VerifyAsync("""
        class C
        {
            int M(DeploymentLister lister, PodInformer informer)
            {
                var d = lister.Get("prod", "web")!;
                var replicas = d.Spec.Replicas ?? 0;
                var labels = d.Metadata.Labels;
                var hasTier = labels.ContainsKey("tier") && labels["tier"] == "web";
                var images = d.Spec.Template.Spec.Containers.Select(c => c.Image).ToList();
                images.Add("extra");
                informer.AddEventHandler(onAdd: (pod, initial) => Console.WriteLine(pod.Spec.NodeName));
                return replicas + images.Count + (hasTier ? 1 : 0);
            }
        }
        """);
}
