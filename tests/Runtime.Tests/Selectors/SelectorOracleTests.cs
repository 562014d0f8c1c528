using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers.Emulator;

namespace KubeInformers.Tests.Selectors;

/// <summary>
/// An oracle for selectors that does not come from the code under test. The emulator filters lists and watches with the
/// runtime's own <see cref="LabelSelector"/> and <see cref="FieldSelector"/>, so a selector bug would be invisible in
/// every emulator test that compares the informer with the server. Here the expected matches are written by hand from
/// the Kubernetes documentation ("Labels and Selectors" and "Field Selectors" on kubernetes.io), and both the runtime's
/// matcher and the emulator's server-side filtering (queried through KubernetesClient) are checked against them.
/// </summary>
/// <remarks>
/// Rules from the documentation that the table exercises: requirements separated by commas are ANDed; <c>=</c> and
/// <c>==</c> mean equality; <c>!=</c> and <c>notin</c> also select objects that do not have the key at all; <c>in</c>
/// and <c>notin</c> take a parenthesised value set; a bare key selects objects that have it, <c>!key</c> those that do
/// not; the empty selector selects everything. Field selectors support <c>=</c>, <c>==</c> and <c>!=</c>, chained with
/// commas, and an unsupported field is an error.
/// </remarks>
public sealed class SelectorOracleTests
{
    private const string Ns = "oracle";

    // The objects: name → labels.
    private static readonly (string Name, Dictionary<string, string> Labels)[] Objects =
    [
        ("a", new() { ["environment"] = "production", ["tier"] = "frontend" }),
        ("b", new() { ["environment"] = "production", ["tier"] = "backend" }),
        ("c", new() { ["environment"] = "qa", ["tier"] = "frontend" }),
        ("d", new() { ["environment"] = "dev", ["partition"] = "customerA" }),
        ("e", new() { ["partition"] = "customerB", ["tier"] = "cache" }),
        ("f", new()),
        ("g", new() { ["environment"] = "production", ["tier"] = "backend", ["partition"] = "customerA" }),
        ("h", new() { ["app.kubernetes.io/name"] = "web", ["environment"] = "qa" }),
    ];

    // Expected matches, worked out by hand from the documented rules (not by running any selector code).
    public static TheoryData<string, string> LabelCases => new()
    {
        { "", "a b c d e f g h" },
        { "environment=production", "a b g" },
        { "environment==production", "a b g" },
        { "tier!=frontend", "b d e f g h" },
        { "environment=production,tier!=frontend", "b g" },
        { "environment in (production, qa)", "a b c g h" },
        { "tier notin (frontend, backend)", "d e f h" },
        { "partition", "d e g" },
        { "!partition", "a b c f h" },
        { "partition,environment notin (qa)", "d e g" },
        { "app.kubernetes.io/name=web", "h" },
        { "environment in (production),environment in (qa)", "" },
        { "environment notin (production,qa),!partition", "f" },
        { "tier in (cache)", "e" },
        { "environment=staging", "" },
    };

    // Selectors the documented grammar does not allow: the server answers 400 and the parser refuses them.
    private static readonly string[] InvalidLabelSelectorList =
    [
        "environment in production",   // a set needs parentheses
        "environment in (production",  // unclosed set
        "=production",                 // no key
        "!partition=customerA",        // '!' takes a key only
        "tier=front/end",              // '/' is not allowed in a value
        "tier=" + new string('x', 64), // values are at most 63 characters
        "-tier=frontend",              // a key starts with an alphanumeric character
    ];

    public static TheoryData<string> InvalidLabelSelectors => new(InvalidLabelSelectorList);

    [Theory]
    [MemberData(nameof(LabelCases))]
    public void Label_selector_matches_what_the_documentation_says(string selector, string expected)
    {
        var parsed = LabelSelector.Parse(selector);

        var matched = Objects.Where(o => parsed.Matches(o.Labels)).Select(o => o.Name);

        Assert.Equal(Names(expected), matched.Order());
    }

    [Theory]
    [MemberData(nameof(InvalidLabelSelectors))]
    public void Label_selector_outside_the_documented_grammar_is_refused(string selector)
    {
        Assert.False(LabelSelector.TryParse(selector, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public async Task Emulator_lists_exactly_the_documented_label_matches()
    {
        await using var emulator = await KubernetesEmulator.StartAsync();
        using var client = emulator.CreateClient();
        await SeedConfigMapsAsync(client);

        foreach (var (selector, expected) in LabelCases.Select(row => ((string)row[0], (string)row[1])))
        {
            var list = await client.CoreV1.ListNamespacedConfigMapAsync(Ns, labelSelector: selector);
            Assert.True(Names(expected).SequenceEqual(list.Items.Select(i => i.Metadata.Name).Order()),
                $"selector '{selector}': expected [{expected}], the emulator listed [{string.Join(' ', list.Items.Select(i => i.Metadata.Name).Order())}]");
        }
    }

    [Fact]
    public async Task Emulator_answers_400_for_a_label_selector_outside_the_grammar()
    {
        await using var emulator = await KubernetesEmulator.StartAsync();
        using var client = emulator.CreateClient();

        foreach (var selector in InvalidLabelSelectorList)
        {
            var ex = await Assert.ThrowsAsync<HttpOperationException>(
                () => client.CoreV1.ListNamespacedConfigMapAsync(Ns, labelSelector: selector));
            Assert.True(ex.Response.StatusCode == System.Net.HttpStatusCode.BadRequest, $"selector '{selector}': {ex.Response.StatusCode}");
        }
    }

    // Pods: name → node.
    private static readonly (string Name, string Namespace, string Node)[] Pods =
    [
        ("p1", Ns, "node-1"),
        ("p2", Ns, "node-2"),
        ("p3", Ns, "node-1"),
        ("q1", "oracle-other", "node-1"),
    ];

    public static TheoryData<string, string> FieldCases => new()
    {
        { "spec.nodeName=node-1", "p1 p3 q1" },
        { "spec.nodeName==node-1", "p1 p3 q1" },
        { "spec.nodeName!=node-1", "p2" },
        { "metadata.name=p2", "p2" },
        { "metadata.namespace!=oracle", "q1" },
        { "spec.nodeName=node-1,metadata.namespace=oracle", "p1 p3" },
        { "spec.nodeName=node-1,metadata.name!=p1", "p3 q1" },
        { "metadata.name=nothing", "" },
    };

    [Fact]
    public async Task Emulator_lists_exactly_the_documented_field_matches_across_namespaces()
    {
        await using var emulator = await KubernetesEmulator.StartAsync();
        using var client = emulator.CreateClient();
        foreach (var ns in Pods.Select(p => p.Namespace).Distinct())
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        foreach (var (name, ns, node) in Pods)
        {
            await client.CoreV1.CreateNamespacedPodAsync(new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c", Image = "busybox" }] },
            }, ns);
        }

        foreach (var (selector, expected) in FieldCases.Select(row => ((string)row[0], (string)row[1])))
        {
            var list = await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: selector);
            var names = list.Items.Select(i => i.Metadata.Name).Order().ToArray();
            Assert.True(Names(expected).SequenceEqual(names),
                $"selector '{selector}': expected [{expected}], the emulator listed [{string.Join(' ', names)}]");
        }
    }

    [Fact]
    public async Task Emulator_answers_400_for_a_field_the_resource_does_not_support()
    {
        await using var emulator = await KubernetesEmulator.StartAsync();
        using var client = emulator.CreateClient();

        var ex = await Assert.ThrowsAsync<HttpOperationException>(
            () => client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.favouriteColour=blue"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, ex.Response.StatusCode);
        Assert.Contains("field label not supported", ex.Response.Content);
    }

    private static async Task SeedConfigMapsAsync(IKubernetes client)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        foreach (var (name, labels) in Objects)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = labels.Count == 0 ? null : labels },
            }, Ns);
        }
    }

    private static string[] Names(string expected) =>
        expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order().ToArray();
}
