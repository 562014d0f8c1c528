using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KubeInformers.Generator;

public sealed partial class InformerGenerator
{
    /// <summary>
    /// The deep copies: for every model type the assembly makes an informer for (custom resources, referenced types and
    /// the built-in catalogue) and every type reachable through their properties, a <c>DeepCopy()</c> extension method in
    /// one internal static class, as deepcopy-gen does for Go types: compiled member by member, allocating one new object
    /// per object copied, no JSON. Strings and value types are shared (immutable).
    /// </summary>
    private static void RegisterDeepCopies(
        IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<InformerDeclaration> informers,
        IncrementalValuesProvider<CatalogueDeclaration> catalogue)
    {
        var graph = ReportInternalErrors(context, informers.Select(static (d, _) => d.DeepCopies).Collect()
            .Combine(catalogue.Select(static (c, _) => c.DeepCopies).Collect())
            .Select(static (input, _) => Guard("merging the deep-copy graphs",
                () => DeepCopyGraphBuilder.Merge(input.Left.Concat(input.Right)), DeepCopyGraph.Empty))
            .WithTrackingName(TrackingNames.DeepCopyGraph));

        context.RegisterSourceOutput(graph, static (spc, g) => AddSourceGuarded(spc, DeepCopyEmitter.HintName, () => DeepCopyEmitter.Emit(g)));
    }

    /// <summary>Walks model types through their public settable properties into a <see cref="DeepCopyGraph"/>.</summary>
    internal sealed class DeepCopyGraphBuilder
    {
        private static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
            .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers | SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        private readonly Compilation _compilation;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<string, DeepCopyShape?> _shapes = new(System.StringComparer.Ordinal);

        private DeepCopyGraphBuilder(Compilation compilation, CancellationToken cancellationToken)
        {
            _compilation = compilation;
            _cancellationToken = cancellationToken;
        }

        public static DeepCopyGraph Build(IEnumerable<INamedTypeSymbol> roots, Compilation compilation, CancellationToken cancellationToken)
        {
            var builder = new DeepCopyGraphBuilder(compilation, cancellationToken);
            foreach (var root in roots)
            {
                builder.ShapeOf(root);
            }

            return builder.ToGraph();
        }

        public static DeepCopyGraph Merge(IEnumerable<DeepCopyGraph> graphs)
        {
            var shapes = new SortedDictionary<string, DeepCopyShape>(System.StringComparer.Ordinal);
            foreach (var shape in graphs.SelectMany(static g => g.Shapes))
            {
                shapes[shape.Method] = shape;
            }

            return Of(shapes.Values);
        }

        private DeepCopyGraph ToGraph() =>
            Of(_shapes.Values.Where(static s => s is not null).Select(static s => s!).OrderBy(static s => s.Method, System.StringComparer.Ordinal));

        private static DeepCopyGraph Of(IEnumerable<DeepCopyShape> shapes)
        {
            var list = shapes.ToList();
            return new DeepCopyGraph(list.ToEquatableArray(), list
                .Where(static s => s.Kind is DeepCopyKind.Model or DeepCopyKind.Record)
                .Select(static s => s.Method).ToEquatableArray());
        }

        /// <summary>The shape method copying <paramref name="type"/>, or null when values of it are shared.</summary>
        private string? ShapeOf(ITypeSymbol type)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            type = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            if (type.TypeKind == TypeKind.Error || type.IsValueType || type.SpecialType is SpecialType.System_String or SpecialType.System_Object
                || !_compilation.IsSymbolAccessibleWithin(type, _compilation.Assembly))
            {
                return null;
            }

            var name = type.ToDisplayString(FullyQualified);
            if (type is IArrayTypeSymbol { Rank: 1 } array)
            {
                var method = "CopyArray_" + Key(name);
                return Add(method, () =>
                {
                    var elementType = array.ElementType.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(FullyQualified);
                    return new DeepCopyShape(method, DeepCopyKind.Array, name, elementType, ShapeOf(array.ElementType), EquatableArray<DeepCopyMember>.Empty);
                });
            }

            if (type is not INamedTypeSymbol named)
            {
                return null;
            }

            if (ReaderGraphBuilder.CollectionElement(named) is { } collection)
            {
                var (isMap, element) = collection;
                var elementType = element.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(FullyQualified);
                var concrete = isMap
                    ? $"global::System.Collections.Generic.Dictionary<string, {elementType}>"
                    : $"global::System.Collections.Generic.List<{elementType}>";
                var method = (isMap ? "CopyMap_" : "CopyList_") + Key(elementType);
                return Add(method, () => new DeepCopyShape(method, isMap ? DeepCopyKind.Dictionary : DeepCopyKind.List, concrete, elementType,
                    ShapeOf(element), EquatableArray<DeepCopyMember>.Empty));
            }

            if (named.TypeKind != TypeKind.Class || named.IsAbstract || named.IsStatic || named.IsUnboundGenericType
                || AllInterfaces(named).Any(static i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T))
            {
                return null; // other collections and unusual types are shared
            }

            var hasConstructor = named.InstanceConstructors.Any(c => c.Parameters.Length == 0
                && _compilation.IsSymbolAccessibleWithin(c, _compilation.Assembly));
            if (!hasConstructor && !named.IsRecord)
            {
                return null;
            }

            var copyMethod = "Copy_" + Key(name);
            if (_shapes.ContainsKey(copyMethod))
            {
                return _shapes[copyMethod] is null ? null : copyMethod;
            }

            // Placeholder first: the type graph may be recursive.
            var placeholder = new DeepCopyShape(copyMethod, DeepCopyKind.Model, name, null, null, EquatableArray<DeepCopyMember>.Empty);
            _shapes[copyMethod] = placeholder;
            var members = new List<DeepCopyMember>();
            var seen = new HashSet<string>(System.StringComparer.Ordinal);
            for (var current = named; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                foreach (var member in current.GetMembers().OfType<IPropertySymbol>())
                {
                    if (member.IsStatic || member.IsIndexer || member.IsImplicitlyDeclared || !seen.Add(member.Name)
                        || member.DeclaredAccessibility != Accessibility.Public
                        || member.GetMethod is not { DeclaredAccessibility: Accessibility.Public }
                        || member.SetMethod is not { DeclaredAccessibility: Accessibility.Public } setter
                        || !_compilation.IsSymbolAccessibleWithin(setter, _compilation.Assembly))
                    {
                        continue;
                    }

                    members.Add(new DeepCopyMember(SyntaxFacts.GetKeywordKind(member.Name) != SyntaxKind.None ? "@" + member.Name : member.Name,
                        ShapeOf(member.Type)));
                }
            }

            if (members.Count == 0)
            {
                _shapes[copyMethod] = null; // nothing settable: immutable, shared
                return null;
            }

            _shapes[copyMethod] = placeholder with
            {
                Kind = hasConstructor ? DeepCopyKind.Model : DeepCopyKind.Record,
                Members = members.ToEquatableArray(),
            };
            return copyMethod;
        }

        private string? Add(string method, System.Func<DeepCopyShape> create)
        {
            if (!_shapes.ContainsKey(method))
            {
                _shapes[method] = null; // guards recursion through element types
                _shapes[method] = create();
            }

            return method;
        }

        private static IEnumerable<INamedTypeSymbol> AllInterfaces(INamedTypeSymbol type) => type.AllInterfaces;

        private static string Key(string typeName)
        {
            var sb = new StringBuilder(typeName.Length);
            foreach (var c in typeName.Replace("global::", string.Empty))
            {
                sb.Append(char.IsLetterOrDigit(c) ? c : '_');
            }

            return sb.ToString();
        }
    }

    /// <summary>Emits a <see cref="DeepCopyGraph"/> as one internal static class of extension methods. Deterministic.</summary>
    internal static class DeepCopyEmitter
    {
        /// <summary>The hint name of the generated file.</summary>
        public const string HintName = "KubeInformers.DeepCopy.g.cs";

        public static string? Emit(DeepCopyGraph graph)
        {
            if (graph.Public.Count == 0)
            {
                return null;
            }

            var w = new SourceWriter();
            w.Line("// <auto-generated/>");
            w.Line("#nullable enable");
            w.Line();
            w.Line("namespace KubeInformers");
            w.Open();
            w.Line("/// <summary>");
            w.Line("/// Deep copies of the model types this assembly makes informers for, and of every type reachable from them: a copy");
            w.Line("/// shares no list, map, array or model object with its source (strings and value types are immutable and shared).");
            w.Line("/// Copy a cached object before changing it: <c>var mine = cached.DeepCopy();</c>.");
            w.Line("/// </summary>");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"KubeInformers.Generator\", \"1.0.0\")]");
            w.Open("internal static class GeneratedDeepCopyExtensions");
            var shapes = graph.Shapes.ToDictionary(static s => s.Method, System.StringComparer.Ordinal);
            var first = true;
            foreach (var method in graph.Public)
            {
                var shape = shapes[method];
                if (!first)
                {
                    w.Line();
                }

                first = false;
                w.Line("/// <summary>A deep copy of <paramref name=\"source\"/> (null for null).</summary>");
                w.Line($"public static {shape.TypeName} DeepCopy(this {shape.TypeName} source) => {method}(source)!;");
            }

            foreach (var shape in graph.Shapes)
            {
                w.Line();
                EmitShape(w, shape);
            }

            w.Close();
            w.Close();
            return w.ToString();
        }

        private static string Copy(string? shape, string value) => shape is null ? value : $"{shape}({value})!";

        private static void EmitShape(SourceWriter w, DeepCopyShape shape)
        {
            switch (shape.Kind)
            {
                case DeepCopyKind.Model:
                case DeepCopyKind.Record:
                    w.Open($"private static {shape.TypeName}? {shape.Method}({shape.TypeName}? s)");
                    w.Line("if (s is null) return null;");
                    w.Line(shape.Kind == DeepCopyKind.Model ? $"return new {shape.TypeName}" : "return s with");
                    w.Open();
                    foreach (var member in shape.Members)
                    {
                        w.Line($"{member.Name} = {Copy(member.Shape, "s." + member.Name)},");
                    }

                    w.Close(";");
                    w.Close();
                    break;
                case DeepCopyKind.List:
                    w.Open($"private static {shape.TypeName}? {shape.Method}(global::System.Collections.Generic.IEnumerable<{shape.ElementType}>? s)");
                    w.Line("if (s is null) return null;");
                    w.Line($"var r = new {shape.TypeName}(s is global::System.Collections.Generic.ICollection<{shape.ElementType}> c ? c.Count : 0);");
                    w.Line($"foreach (var e in s) r.Add({Copy(shape.Element, "e")});");
                    w.Line("return r;");
                    w.Close();
                    break;
                case DeepCopyKind.Dictionary:
                    w.Open($"private static {shape.TypeName}? {shape.Method}(global::System.Collections.Generic.IEnumerable<global::System.Collections.Generic.KeyValuePair<string, {shape.ElementType}>>? s)");
                    w.Line("if (s is null) return null;");
                    w.Line($"var r = s is {shape.TypeName} d ? new {shape.TypeName}(d.Count, d.Comparer) : new {shape.TypeName}();");
                    w.Line($"foreach (var e in s) r.Add(e.Key, {Copy(shape.Element, "e.Value")});");
                    w.Line("return r;");
                    w.Close();
                    break;
                case DeepCopyKind.Array:
                    w.Open($"private static {shape.TypeName}? {shape.Method}({shape.TypeName}? s)");
                    w.Line("if (s is null) return null;");
                    w.Line($"var r = new {shape.ElementType}[s.Length];");
                    w.Line($"for (var i = 0; i < s.Length; i++) r[i] = {Copy(shape.Element, "s[i]")};");
                    w.Line("return r;");
                    w.Close();
                    break;
            }
        }
    }
}
