using System.Collections;
using System.Reflection;
using CsCheck;
using k8s;
using k8s.Models;
using KubeInformers.Generator.IntegrationTests.Model;

namespace KubeInformers.Generator.IntegrationTests;

/// <summary>
/// The generated <c>DeepCopy()</c> extension methods: for any Pod, Deployment or Widget, the copy serializes to the same
/// JSON as the original and shares no mutable instance with it (no list, map, array, or object with a public setter is
/// reachable from both), and changing the copy leaves the original as it was.
/// </summary>
public class DeepCopyTests
{
    [Fact]
    public void APodCopy_EqualsTheOriginal_AndSharesNoMutableInstance() =>
        CompiledReaderTests.Pods.Sample(pod => Check(pod, pod.DeepCopy()));

    [Fact]
    public void ADeploymentCopy_EqualsTheOriginal_AndSharesNoMutableInstance() =>
        CompiledReaderTests.Deployments.Sample(deployment => Check(deployment, deployment.DeepCopy()));

    [Fact]
    public void ACustomResourceCopy_EqualsTheOriginal_AndSharesNoMutableInstance() =>
        CompiledReaderTests.Widgets.Sample(widget => Check(widget, widget.DeepCopy()));

    [Fact]
    public void ChangingACopy_LeavesTheOriginalUnchanged()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", Labels = new Dictionary<string, string> { ["app"] = "a" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Env = [new V1EnvVar { Name = "X", Value = "1" }] }] },
        };
        var before = KubernetesJson.Serialize(pod);

        var copy = pod.DeepCopy();
        copy.Metadata.Labels["app"] = "b";
        copy.Metadata.Name = "q";
        copy.Spec.Containers[0].Env.Add(new V1EnvVar { Name = "Y" });
        copy.Spec.Containers[0].Name = "d";

        Assert.Equal(before, KubernetesJson.Serialize(pod));
        Assert.Null(((V1Pod?)null)?.DeepCopy());
    }

    private static void Check<T>(T original, T copy) where T : class
    {
        Assert.NotSame(original, copy);
        Assert.Equal(KubernetesJson.Serialize(original), KubernetesJson.Serialize(copy));
        var originals = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(original, originals);
        var copies = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(copy, copies);
        var shared = originals.Where(copies.Contains).Select(o => o.GetType().Name).ToList();
        Assert.True(shared.Count == 0, "shared mutable instances: " + string.Join(", ", shared));
    }

    /// <summary>Collects every mutable instance reachable through public properties and collection elements.</summary>
    private static void Walk(object? value, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsValueType || !seen.Add(value))
        {
            return;
        }
        if (value is IDictionary map)
        {
            foreach (DictionaryEntry entry in map)
            {
                Walk(entry.Value, seen);
            }
            return;
        }
        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                Walk(item, seen);
            }
            return;
        }
        var properties = value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToList();
        if (!properties.Any(p => p.SetMethod is { IsPublic: true }))
        {
            seen.Remove(value); // no public setter: immutable, may be shared
            return;
        }
        foreach (var property in properties)
        {
            if (property.PropertyType != typeof(object))
            {
                Walk(property.GetValue(value), seen); // object-typed values (free-form JSON) are shared by design
            }
        }
    }
}
