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
