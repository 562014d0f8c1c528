using k8s.Models;
using KubeInformers.Hosting.Controllers;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Hosting.Tests;

public class ConditionsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    [Fact]
    public void Set_AddsANewConditionWithTheTransitionTimeNow()
    {
        var list = new List<V1Condition>();
        Assert.True(Conditions.Set(list, "Ready", "False", "Creating", "deployment pending", 3, _time));
        var c = Assert.Single(list);
        Assert.Equal(("Ready", "False", "Creating", "deployment pending", 3L), (c.Type, c.Status, c.Reason, c.Message, c.ObservedGeneration!.Value));
        Assert.Equal(_time.GetUtcNow().UtcDateTime, c.LastTransitionTime);
    }

    [Fact]
    public void Set_KeepsTheTransitionTime_WhenOnlyReasonMessageOrGenerationChange()
    {
        var list = new List<V1Condition>();
        Conditions.Set(list, "Ready", "False", "Creating", null, 1, _time);
        var first = list[0].LastTransitionTime;
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.True(Conditions.Set(list, "Ready", "False", "Scaling", "2/3", 2, _time));
        Assert.Equal(first, list[0].LastTransitionTime);
        Assert.Equal(("Scaling", "2/3", 2L), (list[0].Reason, list[0].Message, list[0].ObservedGeneration!.Value));
        Assert.False(Conditions.Set(list, "Ready", "False", "Scaling", "2/3", 2, _time)); // nothing changed
    }

    [Fact]
    public void Set_MovesTheTransitionTime_WhenTheStatusChanges()
    {
        var list = new List<V1Condition>();
        Conditions.Set(list, "Ready", "False", "Creating", null, 1, _time);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(Conditions.Set(list, "Ready", "True", "Available", null, 1, _time));
        Assert.Equal(_time.GetUtcNow().UtcDateTime, list[0].LastTransitionTime);
        Assert.True(Conditions.IsTrue(list, "Ready"));
    }

    [Fact]
    public void OneEntryPerType_FindAndRemove()
    {
        var list = new List<V1Condition>();
        Conditions.Set(list, "Ready", "True", "Ok", timeProvider: _time);
        Conditions.Set(list, "Degraded", "False", "Ok", timeProvider: _time);
        Conditions.Set(list, "Ready", "False", "Broken", timeProvider: _time);
        Assert.Equal(["Ready", "Degraded"], list.Select(c => c.Type));
        Assert.Equal("Broken", Conditions.Find(list, "Ready")!.Reason);
        Assert.True(Conditions.Remove(list, "Degraded"));
        Assert.False(Conditions.Remove(list, "Degraded"));
        Assert.Null(Conditions.Find(list, "Degraded"));
    }

    [Fact]
    public void Set_RejectsAStatusOtherThanTrueFalseUnknown() =>
        Assert.Throws<ArgumentException>(() => Conditions.Set(new List<V1Condition>(), "Ready", "yes", "R"));
}
