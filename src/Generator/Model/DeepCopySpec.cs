using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>How a generated deep copy copies one kind of value.</summary>
public enum DeepCopyKind
{
    /// <summary>A class with a public parameterless constructor: <c>new T { P = copy(s.P), … }</c>.</summary>
    Model,
    /// <summary>A record without a parameterless constructor: <c>s with { P = copy(s.P), … }</c>.</summary>
    Record,
    /// <summary>A list or sequence (<c>List&lt;T&gt;</c>, <c>IList&lt;T&gt;</c>, <c>IEnumerable&lt;T&gt;</c>…), copied into a new <c>List&lt;T&gt;</c>.</summary>
    List,
    /// <summary>A map with string keys, copied into a new <c>Dictionary&lt;string, T&gt;</c> (keeping a source dictionary's comparer).</summary>
    Dictionary,
    /// <summary>An array, copied into a new array of the same length.</summary>
    Array,
}

/// <summary>
/// One copied shape: emitted as one method. Values not described by a shape (strings, primitives, enums, other value
/// types, <c>object</c>, and classes with no settable property) are immutable or opaque and are shared, not copied.
/// Holds only strings and equatable arrays.
/// </summary>
/// <param name="Method">The emitted method's unique name (the shape's key).</param>
/// <param name="Kind">How the value is copied.</param>
/// <param name="TypeName">The fully qualified type copied (for lists and maps: the concrete type created).</param>
/// <param name="ElementType">For lists, maps and arrays: the element type.</param>
/// <param name="Element">For lists, maps and arrays: the element's shape method, or null when elements are shared.</param>
/// <param name="Members">For models and records: the properties set, in declaration order.</param>
public sealed record DeepCopyShape(string Method, DeepCopyKind Kind, string TypeName, string? ElementType, string? Element,
    EquatableArray<DeepCopyMember> Members);

/// <summary>One property a model copy sets.</summary>
/// <param name="Name">The C# property name (escaped when a keyword).</param>
/// <param name="Shape">The shape method that copies its value, or null when the value is shared.</param>
public sealed record DeepCopyMember(string Name, string? Shape);

/// <summary>Every shape reachable from the informer root types, sorted by method; <see cref="Public"/> lists the model and record shapes that get a public <c>DeepCopy()</c>.</summary>
/// <param name="Shapes">The shapes.</param>
/// <param name="Public">The methods of model and record shapes, sorted.</param>
public sealed record DeepCopyGraph(EquatableArray<DeepCopyShape> Shapes, EquatableArray<string> Public)
{
    /// <summary>No shapes.</summary>
    public static DeepCopyGraph Empty { get; } = new(EquatableArray<DeepCopyShape>.Empty, EquatableArray<string>.Empty);
}
