using k8s;
using k8s.Models;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// Decides which informer notifications reach a controller's queue, per kind of notification: an add, an update (old and
/// new object; a resync is an update whose <c>resourceVersion</c> did not change) and a delete. A missing function lets
/// that kind through. Combine with <c>&amp;</c>, <c>|</c> and <c>!</c> (each kind combined on its own); the common ones are
/// in <see cref="ChangePredicates"/>. The functions run on the informer's handler thread: keep them cheap and never
/// mutate the objects (they are the cached ones). Immutable and thread-safe.
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
public sealed class ChangePredicate<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Passes every notification.</summary>
    public static ChangePredicate<T> All { get; } = new();

    /// <summary>Whether an added object is enqueued (null: yes).</summary>
    public Func<T, bool>? Add { get; init; }

    /// <summary>Whether an update (old, new) is enqueued (null: yes).</summary>
    public Func<T, T, bool>? Update { get; init; }

    /// <summary>Whether a deleted object is enqueued (null: yes).</summary>
    public Func<T, bool>? Delete { get; init; }

    /// <summary>Evaluates the add function.</summary>
    public bool PassesAdd(T obj) => Add?.Invoke(obj) ?? true;

    /// <summary>Evaluates the update function.</summary>
    public bool PassesUpdate(T oldObj, T newObj) => Update?.Invoke(oldObj, newObj) ?? true;

    /// <summary>Evaluates the delete function.</summary>
    public bool PassesDelete(T obj) => Delete?.Invoke(obj) ?? true;

    /// <summary>Both predicates must pass.</summary>
    public ChangePredicate<T> And(ChangePredicate<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new()
        {
            Add = o => PassesAdd(o) && other.PassesAdd(o),
            Update = (a, b) => PassesUpdate(a, b) && other.PassesUpdate(a, b),
            Delete = o => PassesDelete(o) && other.PassesDelete(o),
        };
    }

    /// <summary>Either predicate passes.</summary>
    public ChangePredicate<T> Or(ChangePredicate<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new()
        {
            Add = o => PassesAdd(o) || other.PassesAdd(o),
            Update = (a, b) => PassesUpdate(a, b) || other.PassesUpdate(a, b),
            Delete = o => PassesDelete(o) || other.PassesDelete(o),
        };
    }

    /// <summary>Passes exactly what this predicate rejects (for every kind of notification).</summary>
    public ChangePredicate<T> Not() => new()
    {
        Add = o => !PassesAdd(o),
        Update = (a, b) => !PassesUpdate(a, b),
        Delete = o => !PassesDelete(o),
    };

    /// <summary>Both predicates must pass.</summary>
    public static ChangePredicate<T> operator &(ChangePredicate<T> left, ChangePredicate<T> right) =>
        (left ?? throw new ArgumentNullException(nameof(left))).And(right);

    /// <summary>Either predicate passes.</summary>
    public static ChangePredicate<T> operator |(ChangePredicate<T> left, ChangePredicate<T> right) =>
        (left ?? throw new ArgumentNullException(nameof(left))).Or(right);

    /// <summary>The negation.</summary>
    public static ChangePredicate<T> operator !(ChangePredicate<T> predicate) =>
        (predicate ?? throw new ArgumentNullException(nameof(predicate))).Not();
}
