using k8s.Models;
using KubeInformers.Reliability.Harness;

namespace KubeInformers.Reliability.Tests.Harness;

/// <summary>The convergence checks are only as good as the recorder: it must flag every broken delivery it claims to.</summary>
public sealed class RecordingHandlerTests
{
    [Fact]
    public void A_correct_sequence_has_no_violation()
    {
        var h = new RecordingHandler("h");
        h.OnAdd(Cm("a", "1"), true);
        h.OnUpdate(Cm("a", "1"), Cm("a", "2"));
        h.OnUpdate(Cm("a", "2"), Cm("a", "2"));
        h.OnDelete(Cm("a", "2"), finalStateUnknown: true);
        h.OnAdd(Cm("b", "3"), false);

        Assert.Empty(h.Violations());
        Assert.Equal(new Dictionary<string, string> { ["ns/b"] = "3" }, h.Snapshot());
        Assert.Equal(1, h.TombstoneDeletes);
    }

    [Fact]
    public void A_second_add_for_a_held_key_is_flagged()
    {
        var h = new RecordingHandler("h");
        h.OnAdd(Cm("a", "1"), true);
        h.OnAdd(Cm("a", "2"), false);

        Assert.Contains(h.Violations(), v => v.Contains("add of ns/a@2 while the handler holds it @1", StringComparison.Ordinal));
    }

    [Fact]
    public void An_update_whose_old_object_is_not_the_last_seen_state_is_flagged()
    {
        var h = new RecordingHandler("h");
        h.OnAdd(Cm("a", "1"), true);
        h.OnUpdate(Cm("a", "5"), Cm("a", "6"));
        h.OnUpdate(Cm("a", "6"), Cm("a", "4"));

        Assert.Contains(h.Violations(), v => v.Contains("old object @5 but the handler last saw @1", StringComparison.Ordinal));
        Assert.Contains(h.Violations(), v => v.Contains("went back in time", StringComparison.Ordinal));
    }

    [Fact]
    public void A_delete_for_an_unknown_key_and_a_stale_tombstone_are_flagged()
    {
        var h = new RecordingHandler("h");
        h.OnDelete(Cm("x", "1"), false);
        h.OnAdd(Cm("a", "1"), true);
        h.OnUpdate(Cm("a", "1"), Cm("a", "2"));
        h.OnDelete(Cm("a", "1"), finalStateUnknown: true);

        Assert.Contains(h.Violations(), v => v.Contains("delete of ns/x@1", StringComparison.Ordinal));
        Assert.Contains(h.Violations(), v => v.Contains("tombstone of ns/a carries @1 but the handler last saw @2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Overlapping_calls_are_flagged()
    {
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var h = new RecordingHandler("h")
        {
            After = key =>
            {
                if (key == "ns/a")
                {
                    inside.Set();
                    release.Wait(TimeSpan.FromSeconds(10));
                }
            },
        };
        var first = Task.Run(() => h.OnAdd(Cm("a", "1"), true));
        Assert.True(inside.Wait(TimeSpan.FromSeconds(10)));
        h.OnAdd(Cm("b", "2"), true);
        release.Set();
        await first;

        Assert.Contains(h.Violations(), v => v.Contains("concurrent delivery", StringComparison.Ordinal));
    }

    private static V1ConfigMap Cm(string name, string rv) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns", ResourceVersion = rv },
    };
}
