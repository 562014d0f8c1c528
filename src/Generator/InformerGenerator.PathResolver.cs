using System.Collections.Generic;
using System.Linq;
using System.Threading;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator;

public sealed partial class InformerGenerator
{
    /// <summary>
    /// Resolves an index's dotted JSON path against a model's properties at compile time: objects by JSON property name,
    /// lists iterated (multi-valued), string-keyed maps looked up (for maps of scalars the rest of the path is the key, so
    /// label keys may contain dots). The leaf must be a string, enum, number or bool.
    /// </summary>
    internal static class PathResolver
    {
        private static readonly SymbolDisplayFormat TypeDisplay = SymbolDisplayFormat.CSharpShortErrorMessageFormat
            .RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        /// <summary>Resolves <paramref name="path"/> on <paramref name="root"/>; on failure reports at <paramref name="location"/> and returns null.</summary>
        public static IndexSpec? Resolve(
            ITypeSymbol root, string name, string path, KnownSymbols known, Reporter reporter, Location? location, CancellationToken cancellationToken)
        {
            var segments = path.Split('.').Select(s => s.EndsWith("[*]", System.StringComparison.Ordinal) ? s.Substring(0, s.Length - 3)
                : s.EndsWith("[]", System.StringComparison.Ordinal) ? s.Substring(0, s.Length - 2) : s).ToArray();
            if (segments.Any(s => s.Length == 0))
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, location,
                    $"Index '{name}': the path '{path}' has an empty segment; write it as dotted JSON property names, for example 'spec.nodeName'");
                return null;
            }

            var steps = new List<PathStep>();
            var type = root;
            var multi = false;
            var i = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                while (ListElement(type, known) is { } element)
                {
                    steps.Add(new PathStep(PathStepKind.Each, string.Empty, CanBeNull(element)));
                    multi = true;
                    type = element;
                }

                if (i == segments.Length)
                {
                    break;
                }

                if (MapValue(type, known) is { } value)
                {
                    string key;
                    if (LeafOf(value) is not null)
                    {
                        key = string.Join(".", segments, i, segments.Length - i);
                        i = segments.Length;
                    }
                    else
                    {
                        key = segments[i++];
                    }

                    steps.Add(new PathStep(PathStepKind.MapKey, key, CanBeNull(value)));
                    type = value;
                    continue;
                }

                var members = JsonMembers(type, known);
                var prefix = string.Join(".", segments, 0, i);
                if (!members.TryGetValue(segments[i], out var property))
                {
                    var valid = members.Count == 0
                        ? "none (" + type.ToDisplayString(TypeDisplay) + " has no JSON properties)"
                        : string.Join(", ", members.Keys.OrderBy(k => k, System.StringComparer.Ordinal));
                    reporter.Report(DiagnosticDescriptors.UnknownIndexPath, location,
                        name, segments[i], type.ToDisplayString(TypeDisplay), prefix.Length == 0 ? "<root>" : prefix, valid);
                    return null;
                }

                var member = Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(property.Name) == Microsoft.CodeAnalysis.CSharp.SyntaxKind.None
                    ? property.Name
                    : "@" + property.Name; // a property named like a keyword (declared as @class)
                steps.Add(new PathStep(PathStepKind.Property, member, CanBeNull(property.Type)));
                type = property.Type;
                i++;
            }

            if (LeafOf(type) is not { } leaf)
            {
                reporter.Report(DiagnosticDescriptors.IndexLeafNotIndexable, location, name, path, type.ToDisplayString(TypeDisplay));
                return null;
            }

            return new IndexSpec(name, Naming.IndexMember(name), path, steps.ToEquatableArray(), leaf, multi, null, null);
        }

        /// <summary>The members of <paramref name="type"/> by JSON name: <c>[JsonPropertyName]</c>, else camelCase.</summary>
        public static Dictionary<string, IPropertySymbol> JsonMembers(ITypeSymbol type, KnownSymbols known)
        {
            var result = new Dictionary<string, IPropertySymbol>(System.StringComparer.Ordinal);
            if (type.SpecialType != SpecialType.None || type.TypeKind is TypeKind.Enum or TypeKind.Error)
            {
                return result;
            }

            IEnumerable<ITypeSymbol> chain = BaseChain(type);
            if (type.TypeKind == TypeKind.Interface)
            {
                chain = chain.Concat(type.AllInterfaces);
            }

            foreach (var t in chain)
            {
                foreach (var member in t.GetMembers())
                {
                    if (member is not IPropertySymbol { IsStatic: false, IsIndexer: false, GetMethod: not null, DeclaredAccessibility: Accessibility.Public } property)
                    {
                        continue;
                    }

                    string? jsonName = null;
                    var ignored = false;
                    foreach (var attribute in property.GetAttributes())
                    {
                        if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.JsonPropertyNameAttribute)
                            && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string n)
                        {
                            jsonName = n;
                        }
                        else if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.JsonIgnoreAttribute)
                            && (attribute.NamedArguments.Length == 0
                                || attribute.NamedArguments.Any(a => a.Key == "Condition" && a.Value.Value is int c && c == 1)))
                        {
                            ignored = true;
                        }
                    }

                    if (ignored)
                    {
                        continue;
                    }

                    jsonName ??= Naming.CamelCase(property.Name);
                    if (!result.ContainsKey(jsonName))
                    {
                        result.Add(jsonName, property);
                    }
                }
            }

            return result;
        }

        private static IEnumerable<ITypeSymbol> BaseChain(ITypeSymbol type)
        {
            for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                yield return t;
            }
        }

        private static bool CanBeNull(ITypeSymbol type)
            => type.IsReferenceType || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

        private static ITypeSymbol? MapValue(ITypeSymbol type, KnownSymbols known)
        {
            foreach (var candidate in type is INamedTypeSymbol named ? new[] { named }.Concat(type.AllInterfaces) : type.AllInterfaces)
            {
                var definition = candidate.OriginalDefinition;
                if ((SymbolEqualityComparer.Default.Equals(definition, known.IDictionaryOfT)
                        || SymbolEqualityComparer.Default.Equals(definition, known.IReadOnlyDictionaryOfT))
                    && candidate.TypeArguments[0].SpecialType == SpecialType.System_String)
                {
                    return candidate.TypeArguments[1];
                }
            }

            return null;
        }

        private static ITypeSymbol? ListElement(ITypeSymbol type, KnownSymbols known)
        {
            if (type.SpecialType == SpecialType.System_String || MapValue(type, known) is not null)
            {
                return null;
            }

            if (type is IArrayTypeSymbol array)
            {
                return array.ElementType;
            }

            foreach (var candidate in type is INamedTypeSymbol named ? new[] { named }.Concat(type.AllInterfaces) : type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, known.IEnumerableOfT))
                {
                    return candidate.TypeArguments[0];
                }
            }

            return null;
        }

        private static LeafKind? LeafOf(ITypeSymbol type)
        {
            if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T && type is INamedTypeSymbol { TypeArguments.Length: 1 } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return LeafKind.Enum;
            }

            return type.SpecialType switch
            {
                SpecialType.System_String => LeafKind.String,
                SpecialType.System_Boolean => LeafKind.Boolean,
                SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                    or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                    or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal => LeafKind.Number,
                _ => null,
            };
        }
    }
}
