using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator;

public sealed partial class InformerGenerator
{
    /// <summary>
    /// Walks the model graph of informer root types and describes, as an equatable <see cref="ReaderGraph"/>, how a
    /// compiled reader reads every type in it the way System.Text.Json with KubernetesClient's options does: model classes
    /// property by property, lists and string-keyed maps, strings and primitives directly, leaves with converters through
    /// the converter the options resolve, and anything it does not reproduce (polymorphism, constructors with parameters,
    /// extension data, init-only or required members, inaccessible types...) through <c>JsonSerializer</c>.
    /// Never throws on odd input; deterministic (shapes sorted by method name).
    /// </summary>
    internal sealed class ReaderGraphBuilder
    {
        private const string JsonNs = "System.Text.Json.Serialization.";
        private static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat;

        // Type-level attributes whose behaviour a compiled reader does not reproduce: such a type is read by JsonSerializer.
        private static readonly HashSet<string> DelegatingTypeAttributes =
        [
            JsonNs + "JsonPolymorphicAttribute", JsonNs + "JsonDerivedTypeAttribute", JsonNs + "JsonUnmappedMemberHandlingAttribute",
            JsonNs + "JsonNumberHandlingAttribute", JsonNs + "JsonObjectCreationHandlingAttribute",
        ];

        // Member-level attributes likewise (the whole declaring type is then read by JsonSerializer).
        private static readonly HashSet<string> DelegatingMemberAttributes =
        [
            JsonNs + "JsonExtensionDataAttribute", JsonNs + "JsonRequiredAttribute", JsonNs + "JsonNumberHandlingAttribute",
            JsonNs + "JsonObjectCreationHandlingAttribute",
        ];

        private readonly Compilation _compilation;
        private readonly KnownSymbols _known;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<string, ReaderShape> _shapes = new(System.StringComparer.Ordinal);
        private readonly HashSet<string> _roots = new(System.StringComparer.Ordinal);

        private ReaderGraphBuilder(Compilation compilation, CancellationToken cancellationToken)
        {
            _compilation = compilation;
            _known = KnownSymbols.For(compilation);
            _cancellationToken = cancellationToken;
        }

        /// <summary>The graph of <paramref name="roots"/> (roots that are not plain model classes are left out).</summary>
        public static ReaderGraph Build(IEnumerable<ITypeSymbol> roots, Compilation compilation, CancellationToken cancellationToken)
        {
            var builder = new ReaderGraphBuilder(compilation, cancellationToken);
            foreach (var root in roots)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (builder.ShapeOf(root) is { Kind: ReaderShapeKind.Model } shape)
                {
                    builder._roots.Add(shape.Method);
                }
            }

            return builder.ToGraph();
        }

        /// <summary>The union of several graphs (shapes with one method name describe one type).</summary>
        public static ReaderGraph Merge(IEnumerable<ReaderGraph> graphs)
        {
            var shapes = new Dictionary<string, ReaderShape>(System.StringComparer.Ordinal);
            var roots = new SortedSet<string>(System.StringComparer.Ordinal);
            foreach (var graph in graphs)
            {
                foreach (var shape in graph.Shapes)
                {
                    if (!shapes.ContainsKey(shape.Method))
                    {
                        shapes.Add(shape.Method, shape);
                    }
                }

                roots.UnionWith(graph.Roots);
            }

            return new ReaderGraph(
                shapes.Values.OrderBy(s => s.Method, System.StringComparer.Ordinal).ToEquatableArray(),
                roots.ToEquatableArray());
        }

        private ReaderGraph ToGraph() => new(
            _shapes.Values.OrderBy(s => s.Method, System.StringComparer.Ordinal).ToEquatableArray(),
            _roots.OrderBy(r => r, System.StringComparer.Ordinal).ToEquatableArray());

        /// <summary>The shape of a value of <paramref name="type"/>, or null when generated code cannot even name the type.</summary>
        private ReaderShape? ShapeOf(ITypeSymbol type)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (type.TypeKind == TypeKind.Error || !Nameable(type))
            {
                return null;
            }

            type = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            var name = type.ToDisplayString(FullyQualified);

            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                var underlying = nullable.TypeArguments[0];
                var underlyingName = underlying.ToDisplayString(FullyQualified);
                var primitive = PrimitiveKind(underlying);
                return Add(primitive is { } p
                    ? Leaf("Nullable" + p, p, name, nullableValue: true, valueType: true, underlying: underlyingName)
                    : Leaf("ReadConvNullable_" + Key(underlyingName), IsWellKnownLeaf(underlying) ? ReaderShapeKind.Converter : ReaderShapeKind.Delegated,
                        name, nullableValue: true, valueType: true, underlying: underlyingName));
            }

            if (PrimitiveKind(type) is { } kind)
            {
                return Add(Leaf(kind.ToString(), kind, name, nullableValue: false, valueType: type.IsValueType, underlying: name));
            }

            if (type.SpecialType == SpecialType.System_Object)
            {
                return Add(Leaf("Object", ReaderShapeKind.Object, name, false, false, name));
            }

            if (HasAttribute(type, JsonNs + "JsonConverterAttribute") || IsWellKnownLeaf(type))
            {
                return Add(Leaf("ReadConv_" + Key(name), ReaderShapeKind.Converter, name, false, type.IsValueType, name));
            }

            if (type.IsValueType || type is not INamedTypeSymbol named)
            {
                return Delegated(type, name);
            }

            if (CollectionElement(named) is { } collection)
            {
                var (isMap, element) = collection;
                var elementShape = ShapeOf(element);
                if (elementShape is null)
                {
                    return null;
                }

                var elementType = element.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(FullyQualified);
                var concrete = isMap
                    ? $"global::System.Collections.Generic.Dictionary<string, {elementType}>"
                    : $"global::System.Collections.Generic.List<{elementType}>";
                var method = (isMap ? "ReadMap_" : "ReadList_") + Key(elementType);
                var plain = Add(new ReaderShape(method, isMap ? ReaderShapeKind.Dictionary : ReaderShapeKind.List, concrete, false, false, null,
                    elementShape.Method, elementType, null, EquatableArray<ReaderProperty>.Empty));
                if (!Shareable(named, element))
                {
                    return plain;
                }

                // Declared as IList<T> / IDictionary<string, T> of immutable values: read-only and shared when repeated.
                var declared = isMap
                    ? $"global::System.Collections.Generic.IDictionary<string, {elementType}>"
                    : $"global::System.Collections.Generic.IList<{elementType}>";
                return Add(new ReaderShape((isMap ? "ReadSharedMap_" : "ReadSharedList_") + Key(elementType),
                    isMap ? ReaderShapeKind.SharedDictionary : ReaderShapeKind.SharedList, declared, false, false, null,
                    plain.Method, elementType, null, EquatableArray<ReaderProperty>.Empty));
            }

            if (ImplementsEnumerable(named))
            {
                return Delegated(type, name);
            }

            return ModelShape(named, name);
        }

        private ReaderShape? ModelShape(INamedTypeSymbol type, string name)
        {
            var method = "Read_" + Key(name);
            if (_shapes.TryGetValue(method, out var existing))
            {
                return existing;
            }

            if (type.IsAbstract || type.IsStatic || type.TypeKind != TypeKind.Class || type.IsUnboundGenericType
                || type.GetAttributes().Any(a => a.AttributeClass is { } c && DelegatingTypeAttributes.Contains(c.ToDisplayString()))
                || !HasUsableConstructor(type))
            {
                return Delegated(type, name);
            }

            // Placeholder first: the graph may be recursive (a type reaching itself through its properties).
            var placeholder = new ReaderShape(method, ReaderShapeKind.Model, name, false, false, null, null, null, null, EquatableArray<ReaderProperty>.Empty);
            _shapes[method] = placeholder;

            var properties = new List<ReaderProperty>();
            var jsonNames = new HashSet<string>(System.StringComparer.Ordinal);
            var seenMembers = new HashSet<string>(System.StringComparer.Ordinal);
            var delegated = false;
            for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object && !delegated; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member.IsStatic || member.IsImplicitlyDeclared)
                    {
                        continue;
                    }

                    if (member is IFieldSymbol field)
                    {
                        if (HasAttribute(field, JsonNs + "JsonIncludeAttribute"))
                        {
                            delegated = true;
                        }

                        continue;
                    }

                    if (member is not IPropertySymbol property || property.IsIndexer || !seenMembers.Add(property.Name))
                    {
                        continue; // a derived declaration (override or new) hides the base one, as in System.Text.Json
                    }

                    var attributes = property.GetAttributes();
                    if (attributes.Any(a => a.AttributeClass is { } c && DelegatingMemberAttributes.Contains(c.ToDisplayString())) || property.IsRequired)
                    {
                        delegated = true;
                        break;
                    }

                    if (PathResolver.JsonNameOf(property, _known) is not { } jsonName)
                    {
                        continue; // [JsonIgnore]
                    }

                    var include = HasAttribute(property, JsonNs + "JsonIncludeAttribute");
                    var isPublic = property.DeclaredAccessibility == Accessibility.Public;
                    if (!isPublic && !include)
                    {
                        continue;
                    }

                    var setter = property.SetMethod;
                    var publicSetter = isPublic && setter is { DeclaredAccessibility: Accessibility.Public };
                    if (!publicSetter)
                    {
                        if (include && setter is not null)
                        {
                            delegated = true; // System.Text.Json sets it through a non-public accessor
                            break;
                        }

                        continue; // read-only for deserialization
                    }

                    if (setter!.IsInitOnly || !_compilation.IsSymbolAccessibleWithin(setter, _compilation.Assembly))
                    {
                        delegated = true;
                        break;
                    }

                    if (!jsonNames.Add(jsonName))
                    {
                        delegated = true; // System.Text.Json rejects the type; let it say so
                        break;
                    }

                    var shape = PropertyConverterShape(property, attributes, out var unsupported)
                        ?? (unsupported ? null : IsManagedFieldsDocument(current, property) ? ManagedFieldsDocumentShape(property.Type) : ShapeOf(property.Type));
                    if (shape is null)
                    {
                        delegated = true;
                        break;
                    }

                    properties.Add(new ReaderProperty(jsonName, Naming.EscapeKeyword(property.Name), shape.Method));
                }
            }

            if (delegated)
            {
                // Keep the method name: shapes reached through the placeholder (a recursive graph) refer to it.
                var asDelegated = Leaf(method, ReaderShapeKind.Delegated, name, false, false, name);
                _shapes[method] = asDelegated;
                return asDelegated;
            }

            var model = placeholder with { Properties = properties.ToEquatableArray() };
            _shapes[method] = model;
            return model;
        }

        /// <summary>
        /// Whether <paramref name="property"/> is KubernetesClient's <c>V1ManagedFieldsEntry.FieldsV1</c> (declared
        /// <c>object</c>), which the runtime keeps as its JSON text rather than a <c>JsonElement</c>.
        /// </summary>
        private static bool IsManagedFieldsDocument(INamedTypeSymbol declaring, IPropertySymbol property) =>
            property.Name == "FieldsV1" && property.Type.SpecialType == SpecialType.System_Object
            && declaring.ToDisplayString(FullyQualified) == "global::k8s.Models.V1ManagedFieldsEntry";

        private ReaderShape ManagedFieldsDocumentShape(ITypeSymbol type)
        {
            var name = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(FullyQualified);
            return Add(Leaf("ManagedFieldsDocument", ReaderShapeKind.ManagedFieldsDocument, name, false, false, name));
        }

        /// <summary>A property's own <c>[JsonConverter]</c> as a shape; <paramref name="unsupported"/> when it has one generated code cannot use.</summary>
        private ReaderShape? PropertyConverterShape(IPropertySymbol property, IEnumerable<AttributeData> attributes, out bool unsupported)
        {
            unsupported = false;
            var attribute = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == JsonNs + "JsonConverterAttribute");
            if (attribute is null)
            {
                return null;
            }

            var type = property.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol converter
                || !Nameable(converter) || !Nameable(type) || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
                || converter.IsAbstract
                || !converter.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public))
            {
                unsupported = true;
                return null;
            }

            var name = type.ToDisplayString(FullyQualified);
            var converterName = converter.ToDisplayString(FullyQualified);
            return Add(new ReaderShape("ReadConv_" + Key(converterName) + "_For_" + Key(name), ReaderShapeKind.PropertyConverter, name, false,
                type.IsValueType, name, null, null, converterName, EquatableArray<ReaderProperty>.Empty));
        }

        private ReaderShape? Delegated(ITypeSymbol type, string name) =>
            Nameable(type) ? Add(Leaf("ReadJson_" + Key(name), ReaderShapeKind.Delegated, name, false, type.IsValueType, name)) : null;

        private ReaderShape Add(ReaderShape shape)
        {
            if (_shapes.TryGetValue(shape.Method, out var existing))
            {
                return existing;
            }

            _shapes.Add(shape.Method, shape);
            return shape;
        }

        private static ReaderShape Leaf(string method, ReaderShapeKind kind, string name, bool nullableValue, bool valueType, string underlying) =>
            new(method, kind, name, nullableValue, valueType, underlying, null, null, null, EquatableArray<ReaderProperty>.Empty);

        private static ReaderShapeKind? PrimitiveKind(ITypeSymbol type) => type.SpecialType switch
        {
            SpecialType.System_String => ReaderShapeKind.String,
            SpecialType.System_Boolean => ReaderShapeKind.Boolean,
            SpecialType.System_Int32 => ReaderShapeKind.Int32,
            SpecialType.System_Int64 => ReaderShapeKind.Int64,
            SpecialType.System_Double => ReaderShapeKind.Double,
            _ => null,
        };

        /// <summary>Enums, other primitives, dates, times, GUIDs, URIs and byte arrays: read through the options' converter.</summary>
        private static bool IsWellKnownLeaf(ITypeSymbol type)
        {
            if (type.TypeKind == TypeKind.Enum || type.SpecialType is (>= SpecialType.System_Boolean and <= SpecialType.System_Double) or SpecialType.System_DateTime)
            {
                return true;
            }

            if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
            {
                return true;
            }

            var name = type.ToDisplayString();
            return name is "System.DateTimeOffset" or "System.TimeSpan" or "System.Guid" or "System.Uri" or "System.DateOnly" or "System.TimeOnly" or "System.Version";
        }

        /// <summary>
        /// Whether a collection property of <paramref name="declared"/> type can hold a shared read-only collection: it is
        /// declared as <c>IList&lt;T&gt;</c> or <c>IDictionary&lt;string, T&gt;</c> (which the read-only wrappers implement) and its
        /// elements cannot be changed (strings, KubernetesClient's <c>ResourceQuantity</c>), so sharing is invisible to readers.
        /// </summary>
        private static bool Shareable(INamedTypeSymbol declared, ITypeSymbol element)
        {
            var definition = declared.OriginalDefinition.ToDisplayString();
            if (definition is not ("System.Collections.Generic.IList<T>" or "System.Collections.Generic.IDictionary<TKey, TValue>"))
            {
                return false;
            }

            return element.SpecialType == SpecialType.System_String || element.ToDisplayString() == "k8s.Models.ResourceQuantity";
        }

        /// <summary>For a list-like or string-keyed map type System.Text.Json fills as <c>List&lt;T&gt;</c> or <c>Dictionary&lt;string, T&gt;</c>: its element. The deep-copy graph uses the same rule.</summary>
        internal static (bool IsMap, ITypeSymbol Element)? CollectionElement(INamedTypeSymbol type)
        {
            if (!type.IsGenericType)
            {
                return null;
            }

            var definition = type.OriginalDefinition.ToDisplayString();
            switch (definition)
            {
                case "System.Collections.Generic.List<T>":
                case "System.Collections.Generic.IList<T>":
                case "System.Collections.Generic.ICollection<T>":
                case "System.Collections.Generic.IEnumerable<T>":
                case "System.Collections.Generic.IReadOnlyList<T>":
                case "System.Collections.Generic.IReadOnlyCollection<T>":
                    return (false, type.TypeArguments[0]);
                case "System.Collections.Generic.Dictionary<TKey, TValue>":
                case "System.Collections.Generic.IDictionary<TKey, TValue>":
                case "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>":
                    return type.TypeArguments[0].SpecialType == SpecialType.System_String ? (true, type.TypeArguments[1]) : null;
                default:
                    return null;
            }
        }

        private static bool ImplementsEnumerable(INamedTypeSymbol type) =>
            type.SpecialType == SpecialType.System_Collections_IEnumerable
            || type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable);

        private static bool HasUsableConstructor(INamedTypeSymbol type)
        {
            var constructors = type.InstanceConstructors;
            if (constructors.Any(c => HasAttribute(c, JsonNs + "JsonConstructorAttribute")))
            {
                return false;
            }

            return constructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public);
        }

        private static bool HasAttribute(ISymbol symbol, string name) =>
            symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == name);

        private bool Nameable(ITypeSymbol type) => type switch
        {
            IArrayTypeSymbol array => Nameable(array.ElementType),
            INamedTypeSymbol named => named.TypeKind != TypeKind.Error
                && _compilation.IsSymbolAccessibleWithin(named, _compilation.Assembly)
                && named.TypeArguments.All(Nameable)
                && !named.IsAnonymousType && !named.IsTupleType,
            _ => false,
        };

        /// <summary>An identifier fragment for a type name; distinct type names give distinct fragments.</summary>
        internal static string Key(string typeName)
        {
            var text = typeName.StartsWith("global::", System.StringComparison.Ordinal) ? typeName.Substring(8) : typeName;
            var builder = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                builder.Append(c switch
                {
                    '_' => "__",
                    '.' => "_",
                    '<' => "_L",
                    '>' => "_R",
                    ',' => "_C",
                    '?' => "_N",
                    '[' => "_A",
                    ']' => string.Empty,
                    ':' => "_G",
                    ' ' => string.Empty,
                    _ => char.IsLetterOrDigit(c) ? c.ToString() : "_X",
                });
            }

            return builder.ToString();
        }
    }
}
