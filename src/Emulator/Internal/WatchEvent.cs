using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal;

/// <summary>The kind of a stored change.</summary>
internal enum ChangeType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>
/// One change in a resource's history, serialized once and shared by every watcher. The alternative lines for
/// selector transitions (ADDED for an object that starts matching, which is <see cref="StoredObject.AddedLine"/>;
/// DELETED with the previous state for one that stops matching) are built lazily, once. Immutable after construction; thread-safe.
/// </summary>
internal sealed class WatchEvent
{
    private byte[]? _transitionDeleted;

    public WatchEvent(long sequence, ChangeType type, StoredObject? previous, StoredObject current, System.Collections.Immutable.ImmutableSortedSet<StoredObject> stateAfter, DateTimeOffset time)
    {
        Sequence = sequence;
        Type = type;
        Previous = previous;
        Current = current;
        StateAfter = stateAfter;
        Time = time;
        // An ADDED line is the object's own (shared with initial-list watchers); the others are built here, once.
        Line = type == ChangeType.Added ? current.AddedLine : WatchLines.Build(type == ChangeType.Modified ? "MODIFIED" : "DELETED", current.Json);
    }

    /// <summary>Absolute position in the resource's history (0-based, never reused).</summary>
    public long Sequence { get; }
    public long ResourceVersion => Current.ResourceVersion;
    public ChangeType Type { get; }
    public StoredObject? Previous { get; }
    /// <summary>The new state; for a deletion, the last state stamped with the deletion's resourceVersion.</summary>
    public StoredObject Current { get; }
    public System.Collections.Immutable.ImmutableSortedSet<StoredObject> StateAfter { get; }
    public DateTimeOffset Time { get; }
    public byte[] Line { get; }

    public byte[] TransitionAddedLine => Current.AddedLine;

    public byte[] TransitionDeletedLine
    {
        get
        {
            if (_transitionDeleted is null)
            {
                var node = JsonNode.Parse(Previous!.Json)!.AsObject();
                ((JsonObject)node["metadata"]!)["resourceVersion"] = ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
                _transitionDeleted = WatchLines.Build("DELETED", JsonSerializer.SerializeToUtf8Bytes(node, JsonContext.Options));
            }

            return _transitionDeleted;
        }
    }
}
