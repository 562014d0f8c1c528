using System.Collections.Generic;
using System.Linq;
using System.Threading;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KubeInformers.Generator;

public sealed partial class InformerGenerator
{
    /// <summary>
    /// Parses <c>[InformerProjection(typeof(Source))]</c> on a user partial type into a <see cref="ResourceSpec"/> whose
    /// <see cref="ResourceSpec.Projection"/> describes the members to read. Shares the source checks with full
    /// informers (<see cref="Parser"/>) and the path walk with indexes (<see cref="PathResolver"/>). Never throws on bad
    /// input: every problem is reported and the projection (or just the bad member) dropped.
    /// </summary>
    internal static class ProjectionParser
    {
        private static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
            .WithMiscellaneousOptions(SymbolDisplayFormat.FullyQualifiedFormat.MiscellaneousOptions | SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        private static readonly SymbolDisplayFormat Short = SymbolDisplayFormat.CSharpShortErrorMessageFormat
            .RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private static readonly string[] Reserved = { "ApiVersion", "Kind", "Metadata", "ProjectionJsonConverter" };

        private const string NotPartial = "it is not partial; the generator completes it (add the partial modifier)";

        public static ResourceSpec? Parse(
            INamedTypeSymbol type, AttributeData attribute, KnownSymbols known, Reporter reporter, CancellationToken cancellationToken)
        {
            var location = type.Locations.FirstOrDefault();
            var display = type.ToDisplayString(Short);
            var problem = ShapeProblem(type, cancellationToken);
            if (problem is not null)
            {
                var fix = problem == NotPartial ? CodeFixProperties.Of(CodeFixProperties.Fix, CodeFixProperties.AddPartial) : null;
                reporter.Report(DiagnosticDescriptors.InvalidProjection, location, fix, display, problem);
                return null;
            }

            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
            {
                return null;
            }

            var sourceLocation = Parser.ArgumentLocation(attribute, 0, cancellationToken);
            if (attribute.ConstructorArguments[0].Value is not INamedTypeSymbol source || source.TypeKind == TypeKind.Error)
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, sourceLocation,
                    "[InformerProjection] needs the source resource type, not null: [InformerProjection(typeof(V1Pod))]");
                return null;
            }

            var clusterScoped = attribute.NamedArguments.Any(a => a.Key == "ClusterScoped" && a.Value.Value is true);
            var sourceSpec = Parser.ParseSource(source, attribute, clusterScoped, sourceLocation, known, reporter, cancellationToken);
            if (sourceSpec is null)
            {
                return null;
            }

            if (System.Array.IndexOf(Naming.GeneratedTypeNames(type.Name, sourceSpec.Namespaced), type.Name) >= 0)
            {
                reporter.Report(DiagnosticDescriptors.InvalidProjection, location, display, "its name ends like a generated type (Informer, Lister, Indexes); rename it");
                return null;
            }

            string accessor;
            var explicitAccessor = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Accessor").Value.Value as string;
            if (explicitAccessor is not null)
            {
                if (!Naming.IsIdentifier(explicitAccessor))
                {
                    reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, Parser.NamedArgumentLocation(attribute, "Accessor", cancellationToken),
                        $"Accessor '{explicitAccessor}' is not a valid C# identifier");
                    return null;
                }

                accessor = explicitAccessor;
            }
            else
            {
                accessor = Naming.Plural(type.Name);
            }

            var members = new List<ProjectionMember>();
            foreach (var symbol in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var pathAttribute = symbol.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.JsonPathAttribute));
                if (pathAttribute is null)
                {
                    continue;
                }

                if (ParseMember(symbol, pathAttribute, source, known, reporter, cancellationToken) is { } member)
                {
                    members.Add(member);
                }
            }

            var apiVersion = sourceSpec.Group.Length == 0 ? sourceSpec.Version : sourceSpec.Group + "/" + sourceSpec.Version;
            var projection = new ProjectionSpec(type.Name, Declaration(type), sourceSpec.ModelType, apiVersion, sourceSpec.Kind,
                members.ToEquatableArray(), accessor);

            var indexes = Parser.ParseClassIndexes(type, type.Name, known, reporter, cancellationToken, ProjectionRoot(type, known));
            return sourceSpec with
            {
                ModelType = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                ModelName = type.Name,
                IsBuiltIn = false,
                IsPublic = Parser.IsPublicType(type) && sourceSpec.IsPublic,
                TypeNamespace = type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty,
                GroupAccessor = attribute.NamedArguments.FirstOrDefault(a => a.Key == "GroupAccessor").Value.Value as string ?? sourceSpec.GroupAccessor,
                Indexes = indexes,
                Projection = projection,
            };
        }

        /// <summary>The JSON members an index on the projection can start from: its own members (camelCase) and <c>metadata</c>.</summary>
        public static Dictionary<string, IPropertySymbol> ProjectionRoot(INamedTypeSymbol type, KnownSymbols known)
        {
            var members = PathResolver.JsonMembers(type, known);
            members.Remove("apiVersion");
            members.Remove("kind");
            members.Remove("metadata");
            if (known.KubernetesObjectOfMeta is { } k8sObject)
            {
                foreach (var candidate in k8sObject.AllInterfaces)
                {
                    if (candidate.GetMembers("Metadata").OfType<IPropertySymbol>().FirstOrDefault() is { } metadata)
                    {
                        members["metadata"] = metadata;
                    }
                }
            }

            return members;
        }

        private static string? ShapeProblem(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            if (type.TypeKind != TypeKind.Class)
            {
                return "it is not a class or record class";
            }

            if (type.ContainingType is not null)
            {
                return "it is nested in another type; declare it at namespace level";
            }

            if (type.IsGenericType)
            {
                return "generic types are not supported";
            }

            if (type.IsStatic || type.IsAbstract)
            {
                return $"it is {(type.IsStatic ? "static" : "abstract")}; cached projections are created by the generated reader";
            }

            if (type.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
            {
                return "it is not accessible to generated code (make it public or internal)";
            }

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax syntax && !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    return NotPartial;
                }
            }

            if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType && !type.IsRecord)
            {
                return $"it derives from '{baseType.Name}'; a projection derives from nothing";
            }

            if (type.IsRecord && type.BaseType is { SpecialType: not SpecialType.System_Object } recordBase)
            {
                return $"it derives from '{recordBase.Name}'; a projection derives from nothing";
            }

            if (!type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility != Accessibility.Private))
            {
                return "it has no parameterless constructor for the generated reader to call";
            }

            foreach (var name in Reserved)
            {
                foreach (var member in type.GetMembers(name))
                {
                    if (!member.IsImplicitlyDeclared && member.Locations.Any(l => l.IsInSource && !IsGenerated(l)))
                    {
                        return $"it declares '{name}', which the generator provides";
                    }
                }
            }

            return null;
        }

        // { get; } with no body: the compiler gives it a backing field, so an init accessor can fill it.
        private static bool IsAutoProperty(IPropertySymbol property, CancellationToken cancellationToken)
            => property.DeclaringSyntaxReferences.Length == 1
                && property.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is PropertyDeclarationSyntax { AccessorList: { } accessors, ExpressionBody: null }
                && accessors.Accessors.All(static a => a.Body is null && a.ExpressionBody is null);

        private static bool IsGenerated(Location location)
            => location.SourceTree?.FilePath is { } path && path.EndsWith(".g.cs", System.StringComparison.OrdinalIgnoreCase);

        private static ProjectionMember? ParseMember(
            ISymbol symbol, AttributeData attribute, INamedTypeSymbol source, KnownSymbols known, Reporter reporter, CancellationToken cancellationToken)
        {
            var location = Parser.ArgumentLocation(attribute, 0, cancellationToken);
            if (symbol is not IPropertySymbol property || property.IsStatic || property.IsIndexer)
            {
                reporter.Report(DiagnosticDescriptors.InvalidProjectionMember, symbol.Locations.FirstOrDefault(), symbol.Name, "is not an instance property");
                return null;
            }

            if (property.SetMethod is null)
            {
                // An auto property ({ get; }) takes an init accessor; a computed one is not meant to be filled.
                var fix = property.GetMethod is { } getter && getter.IsImplicitlyDeclared is false && IsAutoProperty(property, cancellationToken)
                    ? CodeFixProperties.Of(CodeFixProperties.Fix, CodeFixProperties.AddInitAccessor)
                    : null;
                reporter.Report(DiagnosticDescriptors.InvalidProjectionMember, property.Locations.FirstOrDefault(), fix, property.Name,
                    "has no set or init accessor, so the generated reader cannot fill it (add { get; init; })");
                return null;
            }

            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
            {
                return null;
            }

            var path = (attribute.ConstructorArguments[0].Value as string ?? string.Empty).Trim();
            var resolved = PathResolver.ResolveProjection(source, property.Name, path, known, reporter, location, cancellationToken);
            if (resolved is null)
            {
                return null;
            }

            var memberType = property.Type;
            var name = Naming.EscapeKeyword(property.Name);
            var memberNullable = memberType.NullableAnnotation == NullableAnnotation.Annotated || IsNullableStruct(memberType);
            if (resolved.CrossesList)
            {
                var element = ListShapeElement(memberType, known);
                var modelElement = Unwrap(resolved.Type);
                if (element is null || !SameType(Unwrap(element), modelElement))
                {
                    Mismatch(property, path, $"crosses a list, so it is multi-valued: it holds any number of {modelElement.ToDisplayString(Short)} values",
                        $"a list of them, IReadOnlyList<{modelElement.ToDisplayString(Short)}> (nulls are left out, so the element is not nullable)", reporter, location);
                    return null;
                }

                return Member(name, path, resolved, modelElement, isList: true, isMap: false, memberNullable);
            }

            if (resolved.MapValue is { } mapValue)
            {
                if (!IsMapShape(memberType, mapValue, known))
                {
                    Mismatch(property, path, "holds " + resolved.Type.ToDisplayString(Short), $"IDictionary<string, {mapValue.ToDisplayString(Short)}>? (or IReadOnlyDictionary, Dictionary)", reporter, location);
                    return null;
                }

                return Member(name, path, resolved, resolved.Type, isList: false, isMap: true, memberNullable);
            }

            if (!SameType(Unwrap(memberType), Unwrap(resolved.Type)))
            {
                var suggestion = Unwrap(resolved.Type).ToDisplayString(Short) + (resolved.Type.IsValueType ? "?" : "?");
                Mismatch(property, path, "holds " + resolved.Type.ToDisplayString(Short), suggestion, reporter, location);
                return null;
            }

            return Member(name, path, resolved, Unwrap(resolved.Type), isList: false, isMap: false, memberNullable);
        }

        private static ProjectionMember Member(string name, string path, PathResolver.ProjectionPath resolved, ITypeSymbol valueType, bool isList, bool isMap, bool memberNullable)
        {
            ProjectionRead read;
            string? getter = null;
            string valueTypeName;
            if (isMap)
            {
                var mapValue = resolved.MapValue!;
                read = mapValue.SpecialType == SpecialType.System_String ? ProjectionRead.StringMap : ProjectionRead.Serializer;
                valueTypeName = "global::System.Collections.Generic.Dictionary<string, " + NonNullable(mapValue) + ">";
            }
            else
            {
                valueTypeName = NonNullable(valueType);
                switch (valueType.SpecialType)
                {
                    case SpecialType.System_String: read = ProjectionRead.String; break;
                    case SpecialType.System_Boolean: read = ProjectionRead.Boolean; break;
                    case SpecialType.System_SByte: read = ProjectionRead.Number; getter = "SByte"; break;
                    case SpecialType.System_Byte: read = ProjectionRead.Number; getter = "Byte"; break;
                    case SpecialType.System_Int16: read = ProjectionRead.Number; getter = "Int16"; break;
                    case SpecialType.System_UInt16: read = ProjectionRead.Number; getter = "UInt16"; break;
                    case SpecialType.System_Int32: read = ProjectionRead.Number; getter = "Int32"; break;
                    case SpecialType.System_UInt32: read = ProjectionRead.Number; getter = "UInt32"; break;
                    case SpecialType.System_Int64: read = ProjectionRead.Number; getter = "Int64"; break;
                    case SpecialType.System_UInt64: read = ProjectionRead.Number; getter = "UInt64"; break;
                    case SpecialType.System_Single: read = ProjectionRead.Number; getter = "Single"; break;
                    case SpecialType.System_Double: read = ProjectionRead.Number; getter = "Double"; break;
                    case SpecialType.System_Decimal: read = ProjectionRead.Number; getter = "Decimal"; break;
                    default: read = ProjectionRead.Serializer; break;
                }
            }

            return new ProjectionMember(name, path, resolved.Steps.ToEquatableArray(), read, valueTypeName,
                !isMap && valueType.IsValueType, getter, isList, isMap, resolved.MetadataProperty, memberNullable);
        }

        // what the path holds: "holds int?" for a single value, "crosses a list, so it is multi-valued: ..." for many.
        private static void Mismatch(IPropertySymbol property, string path, string whatThePathHolds, string suggestion, Reporter reporter, Location? location)
            => reporter.Report(DiagnosticDescriptors.ProjectionTypeMismatch, location,
                property.Name, property.Type.ToDisplayString(Short), path, whatThePathHolds, suggestion);

        private static string NonNullable(ITypeSymbol type)
            => Unwrap(type).WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(FullyQualified);

        private static bool IsNullableStruct(ITypeSymbol type) => type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

        private static ITypeSymbol Unwrap(ITypeSymbol type)
            => IsNullableStruct(type) && type is INamedTypeSymbol { TypeArguments.Length: 1 } named ? named.TypeArguments[0] : type;

        private static bool SameType(ITypeSymbol a, ITypeSymbol b)
            => SymbolEqualityComparer.Default.Equals(a, b);

        // T[], IReadOnlyList<T>, IReadOnlyCollection<T>, IEnumerable<T>: every shape an array can be assigned to and read through.
        private static ITypeSymbol? ListShapeElement(ITypeSymbol type, KnownSymbols known)
        {
            if (type is IArrayTypeSymbol { Rank: 1 } array)
            {
                return array.ElementType;
            }

            if (type is INamedTypeSymbol { TypeArguments.Length: 1 } named)
            {
                var definition = named.OriginalDefinition;
                if (SymbolEqualityComparer.Default.Equals(definition, known.IReadOnlyListOfT)
                    || SymbolEqualityComparer.Default.Equals(definition, known.IReadOnlyCollectionOfT)
                    || SymbolEqualityComparer.Default.Equals(definition, known.IEnumerableOfT))
                {
                    return named.TypeArguments[0];
                }
            }

            return null;
        }

        private static bool IsMapShape(ITypeSymbol type, ITypeSymbol value, KnownSymbols known)
        {
            if (type is not INamedTypeSymbol { TypeArguments.Length: 2 } named || named.TypeArguments[0].SpecialType != SpecialType.System_String)
            {
                return false;
            }

            var definition = named.OriginalDefinition;
            return (SymbolEqualityComparer.Default.Equals(definition, known.IDictionaryOfT)
                    || SymbolEqualityComparer.Default.Equals(definition, known.IReadOnlyDictionaryOfT)
                    || SymbolEqualityComparer.Default.Equals(definition, known.DictionaryOfT))
                && SameType(Unwrap(named.TypeArguments[1]), Unwrap(value));
        }

        private static string Declaration(INamedTypeSymbol type)
        {
            var access = type.DeclaredAccessibility == Accessibility.Public ? "public" : "internal";
            return access + " partial " + (type.IsRecord ? "record" : "class");
        }
    }
}
