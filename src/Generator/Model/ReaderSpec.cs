using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>How a compiled reader reads one kind of value.</summary>
public enum ReaderShapeKind
{
    /// <summary>A string, through the decoder's string cache.</summary>
    String,
    /// <summary>A <c>bool</c> (or <c>bool?</c>).</summary>
    Boolean,
    /// <summary>An <c>int</c> (or <c>int?</c>).</summary>
    Int32,
    /// <summary>A <c>long</c> (or <c>long?</c>).</summary>
    Int64,
    /// <summary>A <c>double</c> (or <c>double?</c>).</summary>
    Double,
    /// <summary>An <c>object</c>, through the decoder's document cache.</summary>
    Object,
    /// <summary>A <c>managedFields[].fieldsV1</c> document (<c>object</c>), kept by the runtime as its JSON text.</summary>
    ManagedFieldsDocument,
    /// <summary>A leaf through the converter the options resolve for its type (enums, dates, IntOrString...).</summary>
    Converter,
    /// <summary>A leaf through a property's own <c>[JsonConverter]</c>.</summary>
    PropertyConverter,
    /// <summary>A value left to <c>JsonSerializer</c> (types compiled readers do not reproduce).</summary>
    Delegated,
    /// <summary>A model class, read property by property.</summary>
    Model,
    /// <summary>A list (read into <c>List&lt;T&gt;</c>).</summary>
    List,
    /// <summary>A map with string keys (read into <c>Dictionary&lt;string, T&gt;</c>).</summary>
    Dictionary,
    /// <summary>A list of immutable values declared <c>IList&lt;T&gt;</c>: read-only, shared when repeated (its element is the plain list shape).</summary>
    SharedList,
    /// <summary>A map of immutable values declared <c>IDictionary&lt;string, T&gt;</c>: read-only, shared when repeated (its element is the plain map shape).</summary>
    SharedDictionary,
}

/// <summary>
/// One value shape of a compiled reader graph: emitted as one method (or a call to a runtime helper) that reads a value
/// of <see cref="TypeName"/>. Holds only strings and equatable arrays, so the incremental driver compares it by value.
/// </summary>
/// <param name="Method">The unique name of the emitted method (also the shape's key in a graph).</param>
/// <param name="Kind">How the value is read.</param>
/// <param name="TypeName">The fully qualified type of the value read (for <c>Nullable&lt;T&gt;</c>: <c>T?</c>).</param>
/// <param name="IsNullableValue">Whether the value is a <c>Nullable&lt;T&gt;</c>.</param>
/// <param name="IsValueType">Whether the value is a value type.</param>
/// <param name="UnderlyingType">For converters: the type converted (the underlying type of a nullable).</param>
/// <param name="Element">For lists and maps: the <see cref="Method"/> of the element shape.</param>
/// <param name="ElementType">For lists and maps: the element type.</param>
/// <param name="ConverterType">For property converters: the converter type.</param>
/// <param name="Properties">For models: the properties read, in declaration order.</param>
public sealed record ReaderShape(
    string Method,
    ReaderShapeKind Kind,
    string TypeName,
    bool IsNullableValue,
    bool IsValueType,
    string? UnderlyingType,
    string? Element,
    string? ElementType,
    string? ConverterType,
    EquatableArray<ReaderProperty> Properties);

/// <summary>One property a model reader sets.</summary>
/// <param name="JsonName">The JSON name matched (case-sensitive).</param>
/// <param name="Member">The C# property name (escaped when a keyword).</param>
/// <param name="Shape">The <see cref="ReaderShape.Method"/> of its value's shape.</param>
public sealed record ReaderProperty(string JsonName, string Member, string Shape);

/// <summary>The compiled-reader graph of some informer root types: every shape reachable from them, sorted by method name.</summary>
/// <param name="Shapes">The shapes.</param>
/// <param name="Roots">The <see cref="ReaderShape.Method"/> of each root model, sorted.</param>
public sealed record ReaderGraph(EquatableArray<ReaderShape> Shapes, EquatableArray<string> Roots)
{
    /// <summary>No roots.</summary>
    public static ReaderGraph Empty { get; } = new(EquatableArray<ReaderShape>.Empty, EquatableArray<string>.Empty);
}
