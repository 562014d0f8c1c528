using System.Collections.Generic;
using System.Collections.Immutable;
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
            ITypeSymbol root, string name, string path, KnownSymbols known, Reporter reporter, Location? location, CancellationToken cancellationToken,
            Dictionary<string, IPropertySymbol>? rootMembers = null)
        {
            var segments = Segments(path);
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
                    steps.Add(new PathStep(PathStepKind.MapKey, MapKey(segments, ref i, value), CanBeNull(value)));
                    type = value;
                    continue;
                }

                var members = i == 0 && rootMembers is not null ? rootMembers : JsonMembers(type, known);
                var prefix = string.Join(".", segments, 0, i);
                if (!members.TryGetValue(segments[i], out var property))
                {
                    reporter.Report(DiagnosticDescriptors.UnknownIndexPath, location, Suggestion(path, i, members.Keys),
                        name, segments[i], type.ToDisplayString(TypeDisplay), prefix.Length == 0 ? "<root>" : prefix, ValidMembers(members, type));
                    return null;
                }

                steps.Add(new PathStep(PathStepKind.Property, Naming.EscapeKeyword(property.Name), CanBeNull(property.Type)));
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

        /// <summary>A projection path resolved against the source model.</summary>
        public sealed class ProjectionPath
        {
            public ProjectionPath(List<ProjectionStep> steps, ITypeSymbol type, bool crossesList, ITypeSymbol? mapValue, string? metadataProperty)
            {
                Steps = steps;
                Type = type;
                CrossesList = crossesList;
                MapValue = mapValue;
                MetadataProperty = metadataProperty;
            }

            /// <summary>The JSON steps.</summary>
            public List<ProjectionStep> Steps { get; }

            /// <summary>The model's type at the end of the path (list elements already unwrapped).</summary>
            public ITypeSymbol Type { get; }

            /// <summary>Whether the path crosses a list (the member collects every value).</summary>
            public bool CrossesList { get; }

            /// <summary>The value type when the path ends at a string-keyed map.</summary>
            public ITypeSymbol? MapValue { get; }

            /// <summary>The <c>V1ObjectMeta</c> property when the path is exactly <c>metadata.X</c> on a root with <c>V1ObjectMeta</c> metadata.</summary>
            public string? MetadataProperty { get; }
        }

        /// <summary>
        /// Resolves projection member <paramref name="member"/>'s <paramref name="path"/> on source model <paramref name="root"/>:
        /// like an index path, but the end may be any type (a map, a sub-object), and every list on the way, including a
        /// trailing one, is iterated. On failure reports at <paramref name="location"/> and returns null.
        /// </summary>
        public static ProjectionPath? ResolveProjection(
            ITypeSymbol root, string member, string path, KnownSymbols known, Reporter reporter, Location? location, CancellationToken cancellationToken)
        {
            var segments = Segments(path);
            if (path.Length == 0 || segments.Any(s => s.Length == 0))
            {
                reporter.Report(DiagnosticDescriptors.InvalidProjectionMember, location, member,
                    $"has the path '{path}', which has an empty segment; write dotted JSON property names, for example 'spec.nodeName'");
                return null;
            }

            var steps = new List<ProjectionStep>();
            var type = root;
            var crossesList = false;
            string? metadataProperty = null;
            var i = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                while (ListElement(type, known) is { } element)
                {
                    steps.Add(new ProjectionStep(true, string.Empty));
                    crossesList = true;
                    type = element;
                }

                if (i == segments.Length)
                {
                    break;
                }

                if (MapValue(type, known) is { } value)
                {
                    steps.Add(new ProjectionStep(false, MapKey(segments, ref i, value)));
                    type = value;
                    continue;
                }

                var members = JsonMembers(type, known);
                var prefix = string.Join(".", segments, 0, i);
                if (!members.TryGetValue(segments[i], out var property))
                {
                    reporter.Report(DiagnosticDescriptors.UnknownProjectionPath, location, Suggestion(path, i, members.Keys),
                        member, segments[i], type.ToDisplayString(TypeDisplay), prefix.Length == 0 ? "<root>" : prefix, ValidMembers(members, type));
                    return null;
                }

                steps.Add(new ProjectionStep(false, segments[i]));
                metadataProperty = i == 1 && !crossesList && segments.Length == 2 && segments[0] == "metadata"
                    && SymbolEqualityComparer.Default.Equals(type, known.V1ObjectMeta) ? property.Name : null;
                type = property.Type;
                i++;
            }

            return new ProjectionPath(steps, type, crossesList, crossesList ? null : MapValue(type, known), metadataProperty);
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

                    if (JsonNameOf(property, known) is { } jsonName && !result.ContainsKey(jsonName))
                    {
                        result.Add(jsonName, property);
                    }
                }
            }

            return result;
        }

        /// <summary>
        /// The JSON name System.Text.Json reads <paramref name="property"/> under (<c>[JsonPropertyName]</c>, else camelCase),
        /// or null when <c>[JsonIgnore]</c> leaves it out always (its <c>When*</c> conditions apply to writing only).
        /// </summary>
        public static string? JsonNameOf(IPropertySymbol property, KnownSymbols known)
        {
            string? jsonName = null;
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
                    return null; // JsonIgnoreCondition.Always is 1 and the default
                }
            }

            return jsonName ?? Naming.CamelCase(property.Name);
        }

        /// <summary>The path's dotted segments, a trailing <c>[*]</c> or <c>[]</c> (list markers, lists are iterated anyway) removed.</summary>
        private static string[] Segments(string path)
            => path.Split('.').Select(s => s.EndsWith("[*]", System.StringComparison.Ordinal) ? s.Substring(0, s.Length - 3)
                : s.EndsWith("[]", System.StringComparison.Ordinal) ? s.Substring(0, s.Length - 2) : s).ToArray();

        /// <summary>
        /// The key looked up in a map whose values are <paramref name="value"/>, from segment <paramref name="i"/>: for a map
        /// of scalars the rest of the path (so label keys may contain dots), else one segment. Advances <paramref name="i"/>.
        /// </summary>
        private static string MapKey(string[] segments, ref int i, ITypeSymbol value)
        {
            if (LeafOf(value) is not null)
            {
                var key = string.Join(".", segments, i, segments.Length - i);
                i = segments.Length;
                return key;
            }

            return segments[i++];
        }

        /// <summary>
        /// For a code fix: <paramref name="path"/> with its unknown segment <paramref name="index"/> replaced by the nearest
        /// of <paramref name="members"/> (keeping a <c>[*]</c> suffix), or null when no member is near enough to be meant.
        /// </summary>
        private static ImmutableDictionary<string, string?>? Suggestion(string path, int index, IEnumerable<string> members)
        {
            var parts = path.Split('.');
            if (index >= parts.Length)
            {
                return null;
            }

            var part = parts[index];
            var suffix = part.EndsWith("[*]", System.StringComparison.Ordinal) ? "[*]" : part.EndsWith("[]", System.StringComparison.Ordinal) ? "[]" : string.Empty;
            if (Nearest(part.Substring(0, part.Length - suffix.Length), members) is not { } nearest)
            {
                return null;
            }

            parts[index] = nearest + suffix;
            return CodeFixProperties.Of(CodeFixProperties.SuggestedPath, string.Join(".", parts));
        }

        /// <summary>
        /// The member <paramref name="segment"/> most likely meant: the one differing only in case, else the one (if
        /// unique) that it starts or ends, else the nearest by edit distance when at most a third of it (at least two
        /// edits) differs. Null when nothing is that close: a fix must not guess.
        /// </summary>
        internal static string? Nearest(string segment, IEnumerable<string> members)
        {
            var candidates = members.OrderBy(m => m, System.StringComparer.Ordinal).ToList();
            if (segment.Length == 0 || candidates.Count == 0)
            {
                return null;
            }

            var sameLetters = candidates.Where(m => string.Equals(m, segment, System.StringComparison.OrdinalIgnoreCase)).ToList();
            if (sameLetters.Count == 1)
            {
                return sameLetters[0];
            }

            var best = (Member: (string?)null, Distance: int.MaxValue, Ties: 0);
            foreach (var candidate in candidates)
            {
                var distance = EditDistance(segment.ToLowerInvariant(), candidate.ToLowerInvariant());
                if (distance < best.Distance)
                {
                    best = (candidate, distance, 1);
                }
                else if (distance == best.Distance)
                {
                    best.Ties++;
                }
            }

            if (best.Ties == 1 && best.Distance <= System.Math.Max(2, segment.Length / 3))
            {
                return best.Member;
            }

            var extending = candidates.Where(m => m.StartsWith(segment, System.StringComparison.OrdinalIgnoreCase)
                || segment.StartsWith(m, System.StringComparison.OrdinalIgnoreCase)).ToList();
            return segment.Length >= 3 && extending.Count == 1 ? extending[0] : null;
        }

        private static int EditDistance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                    current[j] = System.Math.Min(System.Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];
        }

        /// <summary>The valid JSON member names of <paramref name="type"/>, sorted, for an unknown-path diagnostic.</summary>
        private static string ValidMembers(Dictionary<string, IPropertySymbol> members, ITypeSymbol type)
            => members.Count == 0
                ? "none (" + type.ToDisplayString(TypeDisplay) + " has no JSON properties)"
                : string.Join(", ", members.Keys.OrderBy(k => k, System.StringComparer.Ordinal));

        private static IEnumerable<ITypeSymbol> BaseChain(ITypeSymbol type)
        {
            for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                yield return t;
            }
        }

        private static bool CanBeNull(ITypeSymbol type)
            => type.IsReferenceType || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

        /// <summary>The value type of a string-keyed map, or null.</summary>
        private static ITypeSymbol? MapValue(ITypeSymbol type, KnownSymbols known)
            => TypeShapes.MapOf(type, known, stringKeysOnly: true)?.Value;

        /// <summary>The element type of a list (arrays, <c>IEnumerable&lt;T&gt;</c> implementations; not strings or maps), or null.</summary>
        private static ITypeSymbol? ListElement(ITypeSymbol type, KnownSymbols known)
            => type.SpecialType == SpecialType.System_String || MapValue(type, known) is not null ? null : TypeShapes.ElementOf(type);

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
