using System.Text;
using k8s;
using k8s.Models;
using static KubeInformers.Emulator.Tests.TestSupport;

namespace KubeInformers.Emulator.Tests;

/// <summary>
/// An ordinary kubectl session against the standalone emulator: each test is one step (its own namespace), asserting
/// on kubectl's exit code and output and on the state the server then holds.
/// </summary>
public sealed class KubectlSessionTests : IClassFixture<KubectlSession>
{
    private readonly KubectlSession _s;

    public KubectlSessionTests(KubectlSession session) => _s = session;

    private static string DeploymentYaml(string ns, string name, int replicas, string extra = "") => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: {{{name}}}, namespace: {{{ns}}}, labels: {app: {{{name}}}}}
        spec:
          replicas: {{{replicas}}}{{{extra}}}
          selector: {matchLabels: {app: {{{name}}}}}
          template:
            metadata: {labels: {app: {{{name}}}}}
            spec: {containers: [{name: c, image: nginx}]}
        """;

    private async Task NamespaceAsync(string ns)
    {
        var (exit, _, err) = await _s.RunAsync($"create namespace {ns}");
        Assert.True(exit == 0, err);
    }

    [Fact]
    public async Task Version_reports_a_server_kubectl_accepts_without_a_skew_warning()
    {
        var (exit, stdout, stderr) = await _s.RunAsync("version");

        Assert.Equal(0, exit);
        Assert.Contains("Server Version: v1.32", stdout);
        Assert.DoesNotContain("version difference", stdout + stderr);
    }

    [Fact]
    public async Task Get_resolves_short_names_and_the_all_category()
    {
        await NamespaceAsync("short");
        Assert.Equal(0, (await _s.RunAsync("create deployment web --image=nginx -n short")).Exit);

        var ns = await _s.RunAsync("get ns");
        var deploy = await _s.RunAsync("get deploy -n short");
        var all = await _s.RunAsync("get all -n short");
        var cm = await _s.RunAsync("get cm -n kube-system");

        Assert.True(ns.Exit == 0, ns.Stderr);
        Assert.Matches(@"kube-system\s+Active", ns.Stdout);
        Assert.Contains("STATUS", ns.Stdout);
        Assert.True(deploy.Exit == 0, deploy.Stderr);
        Assert.Matches(@"web\s+0/1", deploy.Stdout);
        Assert.True(all.Exit == 0, all.Stderr);
        Assert.Contains("deployment.apps/web", all.Stdout);
        Assert.True(cm.Exit == 0, cm.Stderr);
    }

    [Fact]
    public async Task Create_namespace_deployment_configmap_and_secret_are_stored()
    {
        var created = new[]
        {
            await _s.RunAsync("create namespace made"),
            await _s.RunAsync("create deployment web --image=nginx:1.27 --replicas=2 -n made"),
            await _s.RunAsync("create configmap cfg --from-literal=mode=fast -n made"),
            await _s.RunAsync("create secret generic creds --from-literal=password=s3cret -n made"),
        };

        Assert.All(created, r => Assert.True(r.Exit == 0, r.Stderr));
        var deployment = await _s.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "made", cancellationToken: Timeout());
        var cfg = await _s.Client.CoreV1.ReadNamespacedConfigMapAsync("cfg", "made", cancellationToken: Timeout());
        var secret = await _s.Client.CoreV1.ReadNamespacedSecretAsync("creds", "made", cancellationToken: Timeout());
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("nginx:1.27", deployment.Spec.Template.Spec.Containers.Single().Image);
        Assert.Equal("fast", cfg.Data["mode"]);
        Assert.Equal("s3cret", Encoding.UTF8.GetString(secret.Data["password"]));
        Assert.Equal("Opaque", secret.Type);
    }

    [Fact]
    public async Task Apply_validates_against_the_schema_and_rejects_an_unknown_field()
    {
        await NamespaceAsync("valid");
        var good = _s.WriteFile("good.yaml", DeploymentYaml("valid", "api", 1));
        var bad = _s.WriteFile("bad.yaml", DeploymentYaml("valid", "api", 1).Replace("replicas: 1", "replicas: 1\n  replicass: 4", StringComparison.Ordinal));

        var applied = await _s.RunAsync($"apply -f {good}");
        var rejected = await _s.RunAsync($"apply -f {bad}");
        var createRejected = await _s.RunAsync($"create -f {bad.Replace("bad", "bad", StringComparison.Ordinal)} -n valid");

        Assert.True(applied.Exit == 0, applied.Stderr);
        Assert.Contains("deployment.apps/api created", applied.Stdout);
        Assert.NotEqual(0, rejected.Exit);
        Assert.Contains("unknown field \"spec.replicass\"", rejected.Stderr);
        Assert.NotEqual(0, createRejected.Exit);
        Assert.Equal(1, (await _s.Client.AppsV1.ReadNamespacedDeploymentAsync("api", "valid", cancellationToken: Timeout())).Spec.Replicas);
    }

    [Fact]
    public async Task Explain_describes_built_in_fields_from_the_openapi_document()
    {
        var pods = await _s.RunAsync("explain pods");
        var replicas = await _s.RunAsync("explain deployment.spec.replicas");

        Assert.True(pods.Exit == 0, pods.Stderr);
        Assert.Contains("Pod is a collection of containers", pods.Stdout);
        Assert.Contains("spec", pods.Stdout);
        Assert.True(replicas.Exit == 0, replicas.Stderr);
        Assert.Contains("<integer>", replicas.Stdout);
        Assert.Contains("Number of desired pods", replicas.Stdout);
    }

    [Fact]
    public async Task Scale_uses_the_scale_subresource()
    {
        await NamespaceAsync("scaling");
        Assert.Equal(0, (await _s.RunAsync("create deployment web --image=nginx -n scaling")).Exit);

        var scaled = await _s.RunAsync("scale deployment web --replicas=3 -n scaling");

        Assert.True(scaled.Exit == 0, scaled.Stderr);
        Assert.Contains("scaled", scaled.Stdout);
        Assert.Equal(3, (await _s.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "scaling", cancellationToken: Timeout())).Spec.Replicas);
    }

    [Fact]
    public async Task Label_and_patch_merge_json_and_strategic_change_the_object()
    {
        await NamespaceAsync("patching");
        Assert.Equal(0, (await _s.RunAsync("create deployment web --image=nginx -n patching")).Exit);

        var label = await _s.RunAsync("label deployment web tier=front -n patching");
        var merge = await _s.RunAsync("patch deployment web -n patching --type=merge -p '{\"spec\":{\"replicas\":2}}'");
        var json = await _s.RunAsync("patch deployment web -n patching --type=json -p '[{\"op\":\"add\",\"path\":\"/spec/minReadySeconds\",\"value\":5}]'");
        var strategic = await _s.RunAsync("patch deployment web -n patching -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox\"}]}}}}'");

        Assert.All(new[] { label, merge, json, strategic }, r => Assert.True(r.Exit == 0, r.Stderr));
        var d = await _s.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "patching", cancellationToken: Timeout());
        Assert.Equal("front", d.Metadata.Labels["tier"]);
        Assert.Equal(2, d.Spec.Replicas);
        Assert.Equal(5, d.Spec.MinReadySeconds);
        Assert.Equal(["nginx", "sidecar"], d.Spec.Template.Spec.Containers.Select(c => c.Name).Order());
    }

    [Fact]
    public async Task Diff_and_server_dry_run_show_the_change_but_store_nothing()
    {
        await NamespaceAsync("dry");
        Assert.Equal(0, (await _s.RunAsync($"apply -f {_s.WriteFile("dry1.yaml", DeploymentYaml("dry", "api", 1))}")).Exit);
        var changed = _s.WriteFile("dry2.yaml", DeploymentYaml("dry", "api", 4));

        var diff = await _s.RunAsync($"diff -f {changed}");
        var dryRun = await _s.RunAsync($"apply -f {changed} --dry-run=server");

        Assert.Equal(1, diff.Exit); // kubectl diff: 1 means "differences found"
        Assert.Contains("+  replicas: 4", diff.Stdout);
        Assert.True(dryRun.Exit == 0, dryRun.Stderr);
        Assert.Contains("(server dry run)", dryRun.Stdout);
        Assert.Equal(1, (await _s.Client.AppsV1.ReadNamespacedDeploymentAsync("api", "dry", cancellationToken: Timeout())).Spec.Replicas);
    }

    [Fact]
    public async Task Server_side_apply_conflicts_on_a_field_another_manager_owns_until_forced()
    {
        await NamespaceAsync("ssa");
        var first = await _s.RunAsync($"apply --server-side -f {_s.WriteFile("ssa1.yaml", DeploymentYaml("ssa", "api", 1))}");
        Assert.True(first.Exit == 0, first.Stderr);
        Assert.Equal(0, (await _s.RunAsync("patch deployment api -n ssa --type=merge -p '{\"spec\":{\"replicas\":2}}'")).Exit);
        var again = _s.WriteFile("ssa2.yaml", DeploymentYaml("ssa", "api", 3));

        var conflict = await _s.RunAsync($"apply --server-side -f {again}");
        var afterConflict = (await _s.Client.AppsV1.ReadNamespacedDeploymentAsync("api", "ssa", cancellationToken: Timeout())).Spec.Replicas;
        var forced = await _s.RunAsync($"apply --server-side --force-conflicts -f {again}");
        var d = await _s.Client.AppsV1.ReadNamespacedDeploymentAsync("api", "ssa", cancellationToken: Timeout());

        Assert.Contains("serverside-applied", first.Stdout);
        Assert.NotEqual(0, conflict.Exit);
        Assert.Contains("conflict with \"kubectl-patch\"", conflict.Stderr);
        Assert.Contains(".spec.replicas", conflict.Stderr);
        Assert.Equal(2, afterConflict);
        Assert.True(forced.Exit == 0, forced.Stderr);
        Assert.Equal(3, d.Spec.Replicas);
        Assert.Contains(d.Metadata.ManagedFields, m => m.Manager == "kubectl" && m.Operation == "Apply");
    }

    private async Task<string> OwnedReplicaSetAsync(string ns, string owner)
    {
        var uid = (await _s.Client.AppsV1.ReadNamespacedDeploymentAsync(owner, ns, cancellationToken: Timeout())).Metadata.Uid;
        var rs = new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta
            {
                Name = owner + "-rs",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = owner, Uid = uid, Controller = true, BlockOwnerDeletion = true }],
            },
            Spec = new V1ReplicaSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = owner } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = owner } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx" }] },
                },
            },
        };
        await _s.Client.AppsV1.CreateNamespacedReplicaSetAsync(rs, ns, cancellationToken: Timeout());
        return owner + "-rs";
    }

    [Fact]
    public async Task Delete_with_cascade_background_foreground_and_orphan_treats_dependents_like_the_garbage_collector()
    {
        await NamespaceAsync("cascade");
        foreach (var name in new[] { "bg", "fg", "orph" })
        {
            Assert.Equal(0, (await _s.RunAsync($"create deployment {name} --image=nginx -n cascade")).Exit);
            await OwnedReplicaSetAsync("cascade", name);
        }

        var background = await _s.RunAsync("delete deployment bg -n cascade --cascade=background");
        var foreground = await _s.RunAsync("delete deployment fg -n cascade --cascade=foreground");
        var orphan = await _s.RunAsync("delete deployment orph -n cascade --cascade=orphan");

        Assert.All(new[] { background, foreground, orphan }, r => Assert.True(r.Exit == 0, r.Stderr));
        var replicaSets = (await _s.Client.AppsV1.ListNamespacedReplicaSetAsync("cascade", cancellationToken: Timeout())).Items;
        var deployments = (await _s.Client.AppsV1.ListNamespacedDeploymentAsync("cascade", cancellationToken: Timeout())).Items;
        Assert.Empty(deployments);
        var survivor = Assert.Single(replicaSets);
        Assert.Equal("orph-rs", survivor.Metadata.Name);
        Assert.Null(survivor.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task Deleting_a_namespace_removes_its_contents()
    {
        await NamespaceAsync("doomed");
        Assert.Equal(0, (await _s.RunAsync("create configmap a --from-literal=k=v -n doomed")).Exit);
        Assert.Equal(0, (await _s.RunAsync("create deployment web --image=nginx -n doomed")).Exit);

        var deleted = await _s.RunAsync("delete namespace doomed");
        var gone = await _s.RunAsync("get namespace doomed");

        Assert.True(deleted.Exit == 0, deleted.Stderr);
        Assert.NotEqual(0, gone.Exit);
        Assert.Contains("NotFound", gone.Stderr);
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedConfigMapAsync("doomed", cancellationToken: Timeout())).Items);
        Assert.Empty((await _s.Client.AppsV1.ListNamespacedDeploymentAsync("doomed", cancellationToken: Timeout())).Items);
    }

    [Fact]
    public async Task Get_watch_prints_changes_as_they_happen()
    {
        await NamespaceAsync("watching");
        var lines = new StringBuilder();
        using var watch = _s.Start("get configmaps -n watching -w", lines);
        try
        {
            await _s.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("first", value: "1"), "watching", cancellationToken: Timeout());
            await Wait.UntilAsync(() => { lock (lines) { return lines.ToString().Contains("first", StringComparison.Ordinal); } }, "kubectl get -w prints the new ConfigMap", TimeSpan.FromSeconds(30));
            await _s.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("second", value: "2"), "watching", cancellationToken: Timeout());
            await Wait.UntilAsync(() => { lock (lines) { return lines.ToString().Contains("second", StringComparison.Ordinal); } }, "kubectl get -w prints a later ConfigMap", TimeSpan.FromSeconds(30));

            string text;
            lock (lines)
            {
                text = lines.ToString();
            }

            Assert.Contains("DATA", text);
            Assert.Matches(@"second\s+1\s+", text);
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Custom_resources_get_their_printer_columns_and_scale()
    {
        var crd = _s.WriteFile("crd.yaml", """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.kubectl.example.com}
            spec:
              group: kubectl.example.com
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
              versions:
              - name: v1
                served: true
                storage: true
                subresources:
                  status: {}
                  scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
                additionalPrinterColumns:
                - {name: Color, type: string, jsonPath: .spec.color}
                - {name: Replicas, type: integer, jsonPath: .spec.replicas}
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          color: {type: string, description: The widget's color.}
                          replicas: {type: integer}
                      status: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """);
        Assert.Equal(0, (await _s.RunAsync($"apply -f {crd}")).Exit);
        var widget = _s.WriteFile("widget.yaml", "apiVersion: kubectl.example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: default}\nspec: {color: blue, replicas: 1}\n");
        Assert.Equal(0, (await _s.RunAsync($"apply -f {widget}")).Exit);

        var scaled = await _s.RunAsync("scale wd w1 --replicas=5");
        var get = await _s.RunAsync("get wd");
        var explain = await _s.RunAsync("explain widget.spec.color");

        Assert.True(scaled.Exit == 0, scaled.Stderr);
        Assert.True(get.Exit == 0, get.Stderr);
        Assert.Contains("COLOR", get.Stdout);
        Assert.Matches(@"w1\s+blue\s+5", get.Stdout);
        Assert.Contains("The widget's color.", explain.Stdout);
    }
}
