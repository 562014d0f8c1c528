using k8s;
using k8s.Autorest;
using k8s.Models;

namespace DeploymentWatcher;

/// <summary>
/// Drives the embedded emulator so a newcomer sees every kind of event: seeds Deployments in two namespaces, then loops
/// through scale, label change, delete and re-create, one change every <c>--demo-interval</c>, until cancelled.
/// </summary>
internal sealed class DemoScript
{
    private readonly IKubernetes _client;
    private readonly TextWriter _output;
    private readonly TimeSpan _interval;

    public DemoScript(IKubernetes client, TextWriter output, TimeSpan interval)
    {
        _client = client;
        _output = output;
        _interval = interval;
    }

    /// <summary>Creates the namespaces and the first Deployments (before the informer starts, so they arrive in the initial list).</summary>
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        foreach (var ns in new[] { "shop" })
        {
            try
            {
                await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
            }
        }
        await CreateAsync("default", "web", 2, cancellationToken);
        await CreateAsync("default", "api", 1, cancellationToken);
        await CreateAsync("shop", "cart", 1, cancellationToken);
    }

    /// <summary>Changes the Deployments one step at a time until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var steps = new (string Say, Func<CancellationToken, Task> Do)[]
        {
            ("scale default/web to 4", ct => ScaleAsync("default", "web", 4, ct)),
            ("label default/api tier=backend", ct => LabelAsync("default", "api", "backend", ct)),
            ("delete shop/cart", ct => _client.AppsV1.DeleteNamespacedDeploymentAsync("cart", "shop", cancellationToken: ct)),
            ("re-create shop/cart", ct => CreateAsync("shop", "cart", 1, ct)),
            ("scale default/web to 2", ct => ScaleAsync("default", "web", 2, ct)),
            ("label default/api tier=edge", ct => LabelAsync("default", "api", "edge", ct)),
        };
        try
        {
            for (var i = 0; ; i++)
            {
                await Task.Delay(_interval, cancellationToken);
                var (say, step) = steps[i % steps.Length];
                lock (_output)
                {
                    _output.WriteLine($"# demo: {say}");
                }
                await step(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private Task CreateAsync(string ns, string name, int replicas, CancellationToken ct) =>
        _client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = name } },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = name, Image = "nginx:1.27" }] },
                },
            },
        }, ns, cancellationToken: ct);

    private Task ScaleAsync(string ns, string name, int replicas, CancellationToken ct) =>
        _client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("{\"spec\":{\"replicas\":" + replicas.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}", V1Patch.PatchType.MergePatch), name, ns, cancellationToken: ct);

    private Task LabelAsync(string ns, string name, string tier, CancellationToken ct) =>
        _client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("{\"metadata\":{\"labels\":{\"tier\":\"" + tier + "\"}}}", V1Patch.PatchType.MergePatch), name, ns, cancellationToken: ct);
}
