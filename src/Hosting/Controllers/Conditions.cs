using k8s.Models;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// Helpers for a status's <c>conditions</c> list (<see cref="V1Condition"/>, the <c>metav1.Condition</c> shape), with the
/// API conventions of apimachinery's <c>meta.SetStatusCondition</c>: one entry per type; <c>lastTransitionTime</c> changes
/// only when the condition's status changes; <c>observedGeneration</c> says which generation of the spec it describes.
/// Work on a copy of the object (never on a cached one). Not thread-safe (a list is one reconcile's).
/// </summary>
public static class Conditions
{
    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        return conditions?.FirstOrDefault(c => c.Type == type);
    }

    /// <summary>Whether the condition of <paramref name="type"/> exists with status <c>True</c>.</summary>
    public static bool IsTrue(IEnumerable<V1Condition>? conditions, string type) => Find(conditions, type)?.Status == "True";

    /// <summary>
    /// Sets the condition of <paramref name="type"/>: adds it, or updates it in place. <c>lastTransitionTime</c> is set to
    /// now (from <paramref name="timeProvider"/>) when the condition is new or its status changed, and kept otherwise.
    /// Returns whether anything changed (so an unchanged status need not be written).
    /// </summary>
    /// <param name="conditions">The list to change.</param>
    /// <param name="type">The condition type, e.g. <c>Ready</c>.</param>
    /// <param name="status"><c>True</c>, <c>False</c> or <c>Unknown</c>.</param>
    /// <param name="reason">A CamelCase reason.</param>
    /// <param name="message">A human-readable message.</param>
    /// <param name="observedGeneration">The <c>metadata.generation</c> the condition was computed from.</param>
    /// <param name="timeProvider">The clock (null: system).</param>
    public static bool Set(IList<V1Condition> conditions, string type, string status, string reason, string? message = null,
        long? observedGeneration = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(status);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        if (status is not ("True" or "False" or "Unknown"))
        {
            throw new ArgumentException($"A condition's status is True, False or Unknown, not '{status}'.", nameof(status));
        }
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc); // the API keeps seconds
        message ??= "";
        var existing = Find(conditions, type);
        if (existing is null)
        {
            conditions.Add(new V1Condition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = observedGeneration,
                LastTransitionTime = now,
            });
            return true;
        }
        var changed = false;
        if (existing.Status != status)
        {
            existing.Status = status;
            existing.LastTransitionTime = now;
            changed = true;
        }
        if (existing.Reason != reason)
        {
            existing.Reason = reason;
            changed = true;
        }
        if ((existing.Message ?? "") != message)
        {
            existing.Message = message;
            changed = true;
        }
        if (existing.ObservedGeneration != observedGeneration)
        {
            existing.ObservedGeneration = observedGeneration;
            changed = true;
        }
        return changed;
    }

    /// <summary>Removes the condition of <paramref name="type"/>; returns whether there was one.</summary>
    public static bool Remove(IList<V1Condition> conditions, string type)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var existing = Find(conditions, type);
        return existing is not null && conditions.Remove(existing);
    }
}
