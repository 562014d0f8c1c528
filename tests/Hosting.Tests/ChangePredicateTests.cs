using k8s.Models;
using KubeInformers.Hosting.Controllers;

namespace KubeInformers.Hosting.Tests;

public class ChangePredicateTests
{
    private static V1ConfigMap Obj(long? generation = 1, string rv = "1", Dictionary<string, string>? labels = null,
        Dictionary<string, string>? annotations = null) =>
        new() { Metadata = new V1ObjectMeta { Name = "x", Generation = generation, ResourceVersion = rv, Labels = labels, Annotations = annotations } };

    [Fact]
    public void GenerationChanged_PassesUpdatesThatBumpTheGeneration_AndEveryAddAndDelete()
    {
        var p = ChangePredicates.GenerationChanged<V1ConfigMap>();
        Assert.True(p.PassesUpdate(Obj(1, "1"), Obj(2, "2")));
        Assert.False(p.PassesUpdate(Obj(1, "1"), Obj(1, "2")));
        Assert.True(p.PassesAdd(Obj()));
        Assert.True(p.PassesDelete(Obj()));
    }

    [Fact]
    public void ResourceVersionChanged_DropsResyncs()
    {
        var p = ChangePredicates.ResourceVersionChanged<V1ConfigMap>();
        Assert.False(p.PassesUpdate(Obj(rv: "7"), Obj(rv: "7")));
        Assert.True(p.PassesUpdate(Obj(rv: "7"), Obj(rv: "8")));
    }

    [Fact]
    public void LabelsChanged_ComparesContentNotInstances()
    {
        var p = ChangePredicates.LabelsChanged<V1ConfigMap>();
        Assert.False(p.PassesUpdate(Obj(labels: new() { ["a"] = "1" }), Obj(rv: "2", labels: new() { ["a"] = "1" })));
        Assert.True(p.PassesUpdate(Obj(labels: new() { ["a"] = "1" }), Obj(labels: new() { ["a"] = "2" })));
        Assert.True(p.PassesUpdate(Obj(labels: null), Obj(labels: new() { ["a"] = "1" })));
        Assert.False(p.PassesUpdate(Obj(labels: null), Obj(labels: [])));
    }

    [Fact]
    public void AnnotationsChanged_ComparesContent()
    {
        var p = ChangePredicates.AnnotationsChanged<V1ConfigMap>();
        Assert.False(p.PassesUpdate(Obj(annotations: new() { ["a"] = "1" }), Obj(annotations: new() { ["a"] = "1" })));
        Assert.True(p.PassesUpdate(Obj(annotations: new() { ["a"] = "1" }), Obj(annotations: new() { ["b"] = "1" })));
    }

    [Fact]
    public void AndOrNot_CombineEachKindOfNotification()
    {
        var gen = ChangePredicates.GenerationChanged<V1ConfigMap>();
        var labels = ChangePredicates.LabelsChanged<V1ConfigMap>();
        var namedX = ChangePredicates.Where<V1ConfigMap>(o => o.Metadata.Name == "x");
        var labelOnly = (Old: Obj(1, "1", new() { ["a"] = "1" }), New: Obj(1, "2", new() { ["a"] = "2" }));

        Assert.True((gen | labels).PassesUpdate(labelOnly.Old, labelOnly.New));
        Assert.False((gen & labels).PassesUpdate(labelOnly.Old, labelOnly.New));
        Assert.True((!gen).PassesUpdate(labelOnly.Old, labelOnly.New));
        Assert.False((!gen).PassesAdd(Obj())); // Not negates adds too, as controller-runtime's Not does
        Assert.True((namedX & gen).PassesAdd(Obj()));
        var other = Obj();
        other.Metadata.Name = "y";
        Assert.False((namedX & gen).PassesAdd(other));
        Assert.False(namedX.PassesUpdate(Obj(), other));
    }
}
