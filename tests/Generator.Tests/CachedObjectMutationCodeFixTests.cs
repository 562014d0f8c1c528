using KubeInformers.Generator.Tests.Infrastructure;
using static KubeInformers.Generator.Tests.Infrastructure.CachedObjectVerifier;

namespace KubeInformers.Generator.Tests;

/// <summary>
/// The KI0200/KI0201 code fix: the object is copied with the generated <c>DeepCopy()</c> where it leaves the cache (a
/// local's initializer, <c>?.</c> when it may be null) or, for a handler parameter, into a local the body then uses. Each
/// fixed source is compiled with the real generator's output (no errors allowed) and re-analysed (nothing reported).
/// </summary>
public class CachedObjectMutationCodeFixTests
{
    [Fact]
    public Task ListerLocalThatMayBeNullGetsAConditionalCopy() => VerifyFixAsync("""
        class C
        {
            void M(DeploymentLister lister)
            {
                var d = {|#1:lister.Get("prod", "web")|};
                {|#0:d!.Spec.Replicas|} = 3;
            }
        }
        """, """
        class C
        {
            void M(DeploymentLister lister)
            {
                var d = lister.Get("prod", "web")?.DeepCopy();
                d!.Spec.Replicas = 3;
            }
        }
        """, Expect("KI0200", 0, 1, "d", "Get on DeploymentLister", "d"));

    [Fact]
    public Task NonNullValuesGetAPlainCopy() => VerifyFixAsync("""
        class C
        {
            void M(PodLister lister)
            {
                var pod = {|#1:lister.List()[0]|};
                {|#0:pod.Metadata.Labels["x"]|} = "y";
                var web = {|#3:lister.Get("prod", "web")!|};
                {|#2:web.Spec.NodeName|} = "node-1";
                var alias = {|#5:lister.List().First()|};
                var spec = alias.Spec;
                {|#4:spec.Containers.Add(new V1Container())|};
            }
        }
        """, """
        class C
        {
            void M(PodLister lister)
            {
                var pod = lister.List()[0].DeepCopy();
                pod.Metadata.Labels["x"] = "y";
                var web = lister.Get("prod", "web")!.DeepCopy();
                web.Spec.NodeName = "node-1";
                var alias = lister.List().First().DeepCopy();
                var spec = alias.Spec;
                spec.Containers.Add(new V1Container());
            }
        }
        """,
        Expect("KI0201", 0, 1, "pod", "List on PodLister", "the indexer", "pod"),
        Expect("KI0200", 2, 3, "web", "Get on PodLister", "web"),
        Expect("KI0201", 4, 5, "spec", "List on PodLister", "'Add'", "alias"));

    [Fact]
    public Task ReconcileContextPrimaryIsCopiedWhereItIsRead() => VerifyFixAsync("""
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
                return Task.FromResult(ReconcileResult.Done);
            }
        }
        """, """
        class Reconciler : IObjectReconciler<V1Deployment>
        {
            public Task<ReconcileResult> ReconcileAsync(ReconcileContext<V1Deployment> context, CancellationToken cancellationToken)
            {
                var deployment = context.Object?.DeepCopy();
                if (deployment is null)
                {
                    return Task.FromResult(ReconcileResult.Done);
                }

                deployment.Spec.Replicas = 3;
                return Task.FromResult(ReconcileResult.Done);
            }
        }
        """, Expect("KI0200", 0, 1, "deployment", "Object of ReconcileContext<V1Deployment>", "deployment"));

    [Fact]
    public Task ExpressionBodiedHandlerLambdaWorksOnACopy() => VerifyFixAsync("""
        class C
        {
            void M(PodInformer informer)
            {
                informer.AddEventHandler(onUpdate: (oldPod, {|#1:newPod|}) => {|#0:newPod.Metadata.Labels["seen"]|} = "yes");
            }
        }
        """, """
        class C
        {
            void M(PodInformer informer)
            {
                informer.AddEventHandler(onUpdate: (oldPod, newPod) =>
                {
                    var newPodCopy = newPod.DeepCopy();
                    newPodCopy.Metadata.Labels["seen"] = "yes";
                });
            }
        }
        """, Expect("KI0201", 0, 1, "newPod", "onUpdate handler of PodInformer.AddEventHandler", "the indexer", "newPod"));

    [Fact]
    public Task PredicateLambdaKeepsReturningItsValue() => VerifyFixAsync("""
        class C
        {
            ChangePredicate<V1Pod> Build() => new()
            {
                Update = (oldPod, {|#1:newPod|}) => ({|#0:newPod.Metadata.Labels|} = null) is null,
            };
        }
        """, """
        class C
        {
            ChangePredicate<V1Pod> Build() => new()
            {
                Update = (oldPod, newPod) =>
                {
                    var newPodCopy = newPod.DeepCopy();
                    return (newPodCopy.Metadata.Labels = null) is null;
                },
            };
        }
        """, Expect("KI0200", 0, 1, "newPod", "Update handler of ChangePredicate<V1Pod>", "newPod"));

    [Fact]
    public Task HandlerMethodStartsWithACopyAndUsesIt() => VerifyFixAsync("""
        class Handler : IResourceEventHandler<V1Pod>
        {
            public void OnAdd(V1Pod obj, bool isInInitialList) { }

            public void OnUpdate(V1Pod oldObj, {|#1:V1Pod newObj|})
            {
                {|#0:newObj.Status|} = null;
                Console.WriteLine(newObj.Name());
            }

            public void OnDelete(V1Pod obj, bool finalStateUnknown) { }
        }
        """, """
        class Handler : IResourceEventHandler<V1Pod>
        {
            public void OnAdd(V1Pod obj, bool isInInitialList) { }

            public void OnUpdate(V1Pod oldObj, V1Pod newObj)
            {
                var newObjCopy = newObj.DeepCopy();
                newObjCopy.Status = null;
                Console.WriteLine(newObjCopy.Name());
            }

            public void OnDelete(V1Pod obj, bool finalStateUnknown) { }
        }
        """, Expect("KI0200", 0, 1, "newObj", "OnUpdate of IResourceEventHandler<V1Pod>", "newObj"));

    [Fact]
    public Task WatchesMapLambdaWorksOnACopy() => VerifyFixAsync("""
        class C
        {
            void M(ControllerBuilder<V1Deployment> builder, PodInformer pods)
            {
                builder.Watches(pods.Informer, {|#1:pod|} =>
                {
                    {|#0:pod.Metadata.Labels["mapped"]|} = "yes";
                    return new[] { pod.Name() };
                });
            }
        }
        """, """
        class C
        {
            void M(ControllerBuilder<V1Deployment> builder, PodInformer pods)
            {
                builder.Watches(pods.Informer, pod =>
                {
                    var podCopy = pod.DeepCopy();
                    podCopy.Metadata.Labels["mapped"] = "yes";
                    return new[] { podCopy.Name() };
                });
            }
        }
        """, Expect("KI0201", 0, 1, "pod", "map handler of ControllerBuilder<V1Deployment>.Watches", "the indexer", "pod"));

    [Fact]
    public Task FinalizerCleanupWorksOnACopy() => VerifyFixAsync("""
        class C
        {
            Task M(Finalizer<V1Pod> finalizer, V1Pod obj, CancellationToken ct)
            {
                return finalizer.HandleAsync(obj, ({|#1:pod|}, token) =>
                {
                    {|#0:pod.Status|} = null;
                    return Task.CompletedTask;
                }, ct);
            }
        }
        """, """
        class C
        {
            Task M(Finalizer<V1Pod> finalizer, V1Pod obj, CancellationToken ct)
            {
                return finalizer.HandleAsync(obj, (pod, token) =>
                {
                    var podCopy = pod.DeepCopy();
                    podCopy.Status = null;
                    return Task.CompletedTask;
                }, ct);
            }
        }
        """, Expect("KI0200", 0, 1, "pod", "cleanup handler of Finalizer<V1Pod>.HandleAsync", "pod"));

    [Fact]
    public Task IsPatternOperandIsCopiedForTheLocalAndItsNestedMembers() => VerifyFixAsync("""
        class C
        {
            void M(IIndexer<V1Pod> indexer)
            {
                if ({|#1:indexer.GetByKey("prod/web-0")|} is V1Pod { Spec: { } spec } pod)
                {
                    {|#0:spec.NodeName|} = "node-1";
                    {|#2:pod.Status|} ??= new V1PodStatus();
                }
            }
        }
        """, """
        class C
        {
            void M(IIndexer<V1Pod> indexer)
            {
                if (indexer.GetByKey("prod/web-0")?.DeepCopy() is V1Pod { Spec: { } spec } pod)
                {
                    spec.NodeName = "node-1";
                    pod.Status ??= new V1PodStatus();
                }
            }
        }
        """,
        Expect("KI0200", 0, 1, "spec", "GetByKey on IIndexer<V1Pod>", "pod"),
        Expect("KI0200", 2, 1, "pod", "GetByKey on IIndexer<V1Pod>", "pod"));

    [Fact]
    public Task SwitchExpressionValueAndModelHelperGetACopy() => VerifyFixAsync("""
        class C
        {
            void M(PodLister lister, string key)
            {
                var chosen = {|#1:key switch { "a" => lister.Get("prod", "a"), _ => null }|};
                {|#0:chosen!.SetLabel("tier", "web")|};
            }
        }
        """, """
        class C
        {
            void M(PodLister lister, string key)
            {
                var chosen = (key switch { "a" => lister.Get("prod", "a"), _ => null })?.DeepCopy();
                chosen!.SetLabel("tier", "web");
            }
        }
        """, Expect("KI0201", 0, 1, "chosen", "Get on PodLister", "'SetLabel'", "chosen"));

    [Fact]
    public Task NoFixWithoutASingleCopyPoint()
    {
        const string source = """
            class C
            {
                void M(PodLister lister)
                {
                    foreach (var pod in lister.List())
                    {
                        {|#0:pod.Spec.NodeName|} = null;
                    }
                }
            }
            """;
        return VerifyFixAsync(source, source, Expect("KI0200", 0, null, "pod", "List on PodLister", "pod"));
    }
}
