using System.Collections.Generic;
using System.Linq;
using System.Threading;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KubeInformers.Generator;

public sealed partial class InformerGenerator
{
    /// <summary>
    /// Turns attributed symbols into models. Shared by the generator (which passes a <see cref="Reporter"/> without a sink
    /// and skips whatever is invalid) and the analyzer (which reports every problem at its source location). Never
    /// throws on bad input; every check that fails reports a diagnostic and drops the target (or just the bad index).
    /// </summary>
    internal static class Parser
    {
        private static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat;
        private static readonly SymbolDisplayFormat Short = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

        /// <summary>A class carrying <c>[GenerateInformer]</c>: a custom resource declared in source.</summary>
        public static ResourceSpec? ParseCustomResource(
            INamedTypeSymbol type, AttributeData attribute, KnownSymbols known, Reporter reporter, CancellationToken cancellationToken)
        {
            var location = type.Locations.FirstOrDefault();
            if (attribute.ConstructorArguments.Length == 1)
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, ArgumentLocation(attribute, 0, cancellationToken),
                    $"On a class, write [GenerateInformer] without a type; the typeof(...) form belongs on the assembly: [assembly: GenerateInformer(typeof({type.Name}))]");
                return null;
            }

            var clusterScoped = NamedBool(attribute, "ClusterScoped");
            return ParseResourceType(type, attribute, clusterScoped, location, readClassIndexes: true, known, reporter, cancellationToken);
        }

        /// <summary>An assembly-level <c>[GenerateInformer(typeof(T))]</c>: a built-in or another referenced type.</summary>
        public static ResourceSpec? ParseReferencedResource(
            AttributeData attribute, KnownSymbols known, Reporter reporter, CancellationToken cancellationToken)
        {
            var location = ArgumentLocation(attribute, 0, cancellationToken);
            if (attribute.ConstructorArguments.Length != 1)
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, AttributeLocation(attribute, cancellationToken),
                    "On the assembly, [GenerateInformer] needs the resource type: [assembly: GenerateInformer(typeof(V1Deployment))]");
                return null;
            }

            var argument = attribute.ConstructorArguments[0];
            if (argument.Kind == TypedConstantKind.Error)
            {
                return null; // the compiler reports it
            }

            if (argument.Value is not INamedTypeSymbol type)
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, location,
                    "[GenerateInformer] needs a resource type, not null: [assembly: GenerateInformer(typeof(V1Deployment))]");
                return null;
            }

            if (type.TypeKind == TypeKind.Error)
            {
                return null;
            }

            return ParseResourceType(type, attribute, NamedBool(attribute, "ClusterScoped"), location, readClassIndexes: true, known, reporter, cancellationToken);
        }

        /// <summary>Every listable built-in of the referenced KubernetesClient, for <c>[assembly: GenerateBuiltInInformers]</c>.</summary>
        public static EquatableArray<ResourceSpec> ParseCatalogue(KnownSymbols known, CancellationToken cancellationToken)
            => ParseCatalogueTypes(known, cancellationToken).Select(static c => c.Spec).ToEquatableArray();

        /// <summary>The catalogue with each resource's model type, sorted by model type (the generator builds the readers from the types).</summary>
        public static List<(ResourceSpec Spec, INamedTypeSymbol Type)> ParseCatalogueTypes(KnownSymbols known, CancellationToken cancellationToken)
        {
            var result = new List<(ResourceSpec Spec, INamedTypeSymbol Type)>();
            if (known.KubernetesClientAssembly is not { } assembly)
            {
                return result;
            }

            foreach (var entry in BuiltInCatalog.For(assembly).Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var spec = ParseResourceType(entry.Key, null, clusterScoped: false, null, readClassIndexes: false, known, new Reporter(), cancellationToken);
                if (spec is not null)
                {
                    result.Add((spec, entry.Key));
                }
            }

            result.Sort(static (a, b) => System.StringComparer.Ordinal.Compare(a.Spec.ModelType, b.Spec.ModelType));
            return result;
        }

        /// <summary>An assembly-level <c>[InformerIndex(typeof(T), name, path)]</c>.</summary>
        public static TargetedIndex? ParseAssemblyIndex(
            AttributeData attribute, KnownSymbols known, Reporter reporter, CancellationToken cancellationToken)
        {
            var args = attribute.ConstructorArguments;
            if (args.Length != 3)
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, AttributeLocation(attribute, cancellationToken),
                    "On the assembly, [InformerIndex] needs the resource type first: [assembly: InformerIndex(typeof(V1Pod), \"byNode\", \"spec.nodeName\")]");
                return null;
            }

            if (args.Any(a => a.Kind == TypedConstantKind.Error))
            {
                return null;
            }

            if (args[0].Value is not INamedTypeSymbol type || type.TypeKind == TypeKind.Error)
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, ArgumentLocation(attribute, 0, cancellationToken),
                    "[InformerIndex] needs a resource type, not null: [assembly: InformerIndex(typeof(V1Pod), \"byNode\", \"spec.nodeName\")]");
                return null;
            }

            // A projection's index paths start from its own members and metadata, as for its class-level indexes.
            var rootMembers = type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AttributeNames.InformerProjection)
                ? ProjectionParser.ProjectionRoot(type, known)
                : null;
            var index = ParseIndex(type, attribute, 1, known, reporter, cancellationToken, rootMembers);
            return index is null ? null : new TargetedIndex(type.ToDisplayString(FullyQualified), index);
        }

        /// <summary>A method carrying <c>[InformerIndexFunction(name)]</c>.</summary>
        public static TargetedIndex? ParseIndexFunction(
            IMethodSymbol method, AttributeData attribute, KnownSymbols known, Reporter reporter, CancellationToken cancellationToken)
        {
            var location = method.Locations.FirstOrDefault();
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
            {
                return null;
            }

            if (attribute.ConstructorArguments[0].Value is not string name || name.Trim().Length == 0)
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, ArgumentLocation(attribute, 0, cancellationToken),
                    $"The index name of '{method.Name}' must not be empty");
                return null;
            }

            string? problem = null;
            if (!method.IsStatic)
            {
                problem = "is not static";
            }
            else if (method.IsGenericMethod)
            {
                problem = "is generic";
            }
            else if (method.Parameters.Length != 1 || method.Parameters[0].RefKind != RefKind.None)
            {
                problem = "must take exactly one by-value parameter, the object";
            }
            else if (!IsEnumerableOfString(method.ReturnType, known))
            {
                problem = $"returns {method.ReturnType.ToDisplayString(Short)}, not IEnumerable<string>";
            }
            else if (ContainingGeneric(method.ContainingType) is { } generic)
            {
                problem = $"is declared in generic type '{generic.ToDisplayString(Short)}'";
            }
            else if (!IsAccessibleToAssembly(method))
            {
                problem = "is not accessible to generated code (make it and its containing types public or internal)";
            }

            if (problem is not null)
            {
                reporter.Report(DiagnosticDescriptors.InvalidIndexMethod, location, method.Name, problem);
                return null;
            }

            if (method.Parameters[0].Type is not INamedTypeSymbol target || target.TypeKind == TypeKind.Error)
            {
                return null;
            }

            var index = new IndexSpec(name, Naming.IndexMember(name), null, EquatableArray<PathStep>.Empty, LeafKind.String, true,
                method.ContainingType.ToDisplayString(FullyQualified), method.Name);
            return new TargetedIndex(target.ToDisplayString(FullyQualified), index);
        }

        /// <summary><c>[assembly: InformerFactory(name, Namespace = ...)]</c>.</summary>
        public static FactoryOptions? ParseFactoryOptions(AttributeData attribute, Reporter reporter, CancellationToken cancellationToken)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
            {
                return null;
            }

            if (attribute.ConstructorArguments[0].Value is not string typeName || !Naming.IsIdentifier(typeName))
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, ArgumentLocation(attribute, 0, cancellationToken),
                    $"The informer factory name '{attribute.ConstructorArguments[0].Value}' is not a valid C# type name");
                return null;
            }

            var ns = NamedString(attribute, "Namespace");
            if (ns is not null && !Naming.IsNamespace(ns))
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, NamedArgumentLocation(attribute, "Namespace", cancellationToken),
                    $"The informer factory namespace '{ns}' is not a valid C# namespace");
                return null;
            }

            return new FactoryOptions(typeName, ns);
        }

        private static ResourceSpec? ParseResourceType(
            INamedTypeSymbol type, AttributeData? attribute, bool clusterScoped, Location? location, bool readClassIndexes,
            KnownSymbols known, Reporter reporter, CancellationToken cancellationToken)
        {
            var display = type.ToDisplayString(Short);
            var ok = reporter.Scoped(() =>
            {
                if (type.TypeKind != TypeKind.Class || type.IsRecord && type.IsValueType)
                {
                    reporter.Report(DiagnosticDescriptors.UnsupportedDeclaration, location, display,
                        $"it is {(type.TypeKind == TypeKind.Struct ? "a struct" : type.TypeKind == TypeKind.Interface ? "an interface" : type.TypeKind == TypeKind.Enum ? "an enum" : "not a class")}; informers cache classes");
                }
                else if (type.IsGenericType || type.IsUnboundGenericType)
                {
                    reporter.Report(DiagnosticDescriptors.UnsupportedDeclaration, location, display, "generic types are not supported");
                }
                else if (ContainingGeneric(type.ContainingType) is { } generic)
                {
                    reporter.Report(DiagnosticDescriptors.UnsupportedDeclaration, location, display,
                        $"it is nested in generic type '{generic.ToDisplayString(Short)}'");
                }
                else if (type.IsAbstract || type.IsStatic)
                {
                    reporter.Report(DiagnosticDescriptors.UnsupportedDeclaration, location, display,
                        $"it is {(type.IsStatic ? "static" : "abstract")}; cached objects are deserialized into it");
                }
                else if (!IsAccessibleToAssembly(type))
                {
                    reporter.Report(DiagnosticDescriptors.UnsupportedDeclaration, location, display,
                        "it is not accessible to generated code (make it and its containing types public or internal)");
                }
            });
            if (!ok)
            {
                return null;
            }

            var entity = FindEntityAttribute(type, known);
            if (entity is null)
            {
                reporter.Report(DiagnosticDescriptors.NotKubernetesEntity, location, display);
                return null;
            }

            if (known.KubernetesObjectOfMeta is null || !type.AllInterfaces.Contains(known.KubernetesObjectOfMeta, SymbolEqualityComparer.Default))
            {
                reporter.Report(DiagnosticDescriptors.MissingKubernetesObject, location, display);
                return null;
            }

            var kind = NamedString(entity, "Kind") ?? string.Empty;
            var group = NamedString(entity, "Group") ?? string.Empty;
            var version = NamedString(entity, "ApiVersion") ?? string.Empty;
            var plural = NamedString(entity, "PluralName") ?? string.Empty;
            var slash = version.IndexOf('/');
            if (slash >= 0)
            {
                group = group.Length == 0 ? version.Substring(0, slash) : group;
                version = version.Substring(slash + 1);
            }

            var isBuiltIn = known.KubernetesClientAssembly is { } k8s && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, k8s);
            var namespaced = !clusterScoped;
            if (isBuiltIn)
            {
                if (!BuiltInCatalog.For(known.KubernetesClientAssembly!).Entries.TryGetValue(type, out var entry))
                {
                    reporter.Report(DiagnosticDescriptors.NotListable, location, display);
                    return null;
                }

                namespaced = entry.Namespaced;
                if (plural.Length == 0 && entry.ListPlural is { } listPlural)
                {
                    plural = listPlural; // KubernetesClient leaves some plurals empty on the item type but not on its list type
                }
            }

            foreach (var (value, what) in new[] { (kind, "Kind"), (version, "ApiVersion"), (plural, "PluralName") })
            {
                if (value.Trim().Length == 0)
                {
                    reporter.Report(DiagnosticDescriptors.MissingResourceName, location, display, what);
                    return null;
                }
            }

            // apiextensions validates a CRD's spec.group as required and "a domain with at least one dot": a dotless
            // group (the core group "" included) belongs to Kubernetes itself, so a source-declared type may use one only
            // to model a resource Kubernetes serves there (a lighter V1Pod, say), never for a resource of its own.
            if (!isBuiltIn && group.IndexOf('.') < 0
                && !(known.KubernetesClientAssembly is { } client && BuiltInCatalog.For(client).ServesResource(group, plural)))
            {
                reporter.Report(DiagnosticDescriptors.CustomResourceWithoutGroup, location, display,
                    group.Length == 0 ? "no Group, so it would be read from the core group (/api/v1/.../" + plural + ")" : "Group '" + group + "', which has no dot");
                return null;
            }

            if (!Naming.IsIdentifier(kind))
            {
                reporter.Report(DiagnosticDescriptors.UnsupportedDeclaration, location, display,
                    $"its kind '{kind}' is not a valid C# identifier, so no {kind}Informer type can be generated");
                return null;
            }

            if (!isBuiltIn && System.Array.IndexOf(Naming.GeneratedTypeNames(kind, namespaced), type.Name) >= 0 && type.ContainingType is null)
            {
                reporter.Report(DiagnosticDescriptors.UnsupportedDeclaration, location, display,
                    $"its name is one of the types generated for kind '{kind}' in the same namespace; rename the class");
                return null;
            }

            string? groupAccessor = null;
            if (attribute is not null && NamedString(attribute, "GroupAccessor") is { } accessor)
            {
                if (!Naming.IsIdentifier(accessor))
                {
                    reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, NamedArgumentLocation(attribute, "GroupAccessor", cancellationToken),
                        $"GroupAccessor '{accessor}' is not a valid C# identifier");
                    return null;
                }

                groupAccessor = accessor;
            }

            var indexes = readClassIndexes
                ? ParseClassIndexes(type, kind, known, reporter, cancellationToken, rootMembers: null)
                : EquatableArray<IndexSpec>.Empty;

            return new ResourceSpec(
                type.ToDisplayString(FullyQualified),
                type.Name,
                kind,
                group,
                version,
                plural,
                namespaced,
                isBuiltIn,
                IsPublic(type),
                isBuiltIn ? null : (type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty),
                groupAccessor,
                indexes);
        }

        /// <summary>The source model of a projection: the same checks as a referenced resource, no class-level indexes.</summary>
        public static ResourceSpec? ParseSource(
            INamedTypeSymbol type, AttributeData attribute, bool clusterScoped, Location? location, KnownSymbols known, Reporter reporter, CancellationToken cancellationToken)
            => ParseResourceType(type, attribute, clusterScoped, location, readClassIndexes: false, known, reporter, cancellationToken);

        /// <summary>The class-level <c>[InformerIndex(name, path)]</c> attributes of <paramref name="type"/>, sorted by name.</summary>
        public static EquatableArray<IndexSpec> ParseClassIndexes(
            INamedTypeSymbol type, string stem, KnownSymbols known, Reporter reporter, CancellationToken cancellationToken,
            Dictionary<string, IPropertySymbol>? rootMembers)
        {
            var display = type.ToDisplayString(Short);
            var kind = stem;
            var indexes = new List<IndexSpec>();
            if (known.InformerIndexAttribute is not null)
            {
                foreach (var indexAttribute in type.GetAttributes())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!SymbolEqualityComparer.Default.Equals(indexAttribute.AttributeClass, known.InformerIndexAttribute))
                    {
                        continue;
                    }

                    if (indexAttribute.ConstructorArguments.Length != 2)
                    {
                        reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, AttributeLocation(indexAttribute, cancellationToken),
                            "On a class, [InformerIndex] indexes that class: write [InformerIndex(\"name\", \"json.path\")]; the typeof(...) form belongs on the assembly");
                        continue;
                    }

                    var index = ParseIndex(type, indexAttribute, 0, known, reporter, cancellationToken, rootMembers);
                    if (index is null)
                    {
                        continue;
                    }

                    if (Naming.ClashesWithGeneratedType(index.MemberName, kind))
                    {
                        reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, ArgumentLocation(indexAttribute, 0, cancellationToken),
                            $"Index '{index.Name}' would generate the member '{index.MemberName}', which clashes with the generated type of the same name; rename the index");
                        continue;
                    }

                    if (indexes.Any(i => i.Name == index.Name || i.MemberName == index.MemberName))
                    {
                        reporter.Report(DiagnosticDescriptors.DuplicateIndexName, ArgumentLocation(indexAttribute, 0, cancellationToken), index.Name, display);
                        continue;
                    }

                    indexes.Add(index);
                }
            }

            return indexes.OrderBy(i => i.Name, System.StringComparer.Ordinal).ToEquatableArray();
        }

        // name at args[offset], path at args[offset + 1]
        private static IndexSpec? ParseIndex(
            INamedTypeSymbol type, AttributeData attribute, int offset, KnownSymbols known, Reporter reporter, CancellationToken cancellationToken,
            Dictionary<string, IPropertySymbol>? rootMembers = null)
        {
            var args = attribute.ConstructorArguments;
            if (args.Length < offset + 2 || args.Any(a => a.Kind == TypedConstantKind.Error))
            {
                return null;
            }

            if (args[offset].Value is not string name || name.Trim().Length == 0)
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, ArgumentLocation(attribute, offset, cancellationToken),
                    "An index name must not be empty");
                return null;
            }

            if (args[offset + 1].Value is not string path || path.Trim().Length == 0)
            {
                reporter.Report(DiagnosticDescriptors.InvalidAttributeArgument, ArgumentLocation(attribute, offset + 1, cancellationToken),
                    $"Index '{name}' needs a JSON path, for example \"spec.nodeName\"");
                return null;
            }

            return PathResolver.Resolve(type, name, path.Trim(), known, reporter, ArgumentLocation(attribute, offset + 1, cancellationToken), cancellationToken, rootMembers);
        }

        private static AttributeData? FindEntityAttribute(INamedTypeSymbol type, KnownSymbols known)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var attribute in t.GetAttributes())
                {
                    if (attribute.AttributeClass is { } c
                        && (SymbolEqualityComparer.Default.Equals(c, known.KubernetesEntityAttribute)
                            || (known.KubernetesEntityAttribute is null && c.Name == "KubernetesEntityAttribute")))
                    {
                        return attribute;
                    }
                }
            }

            return null;
        }

        private static bool IsEnumerableOfString(ITypeSymbol type, KnownSymbols known)
            => type is INamedTypeSymbol { TypeArguments.Length: 1 } named
                && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, known.IEnumerableOfT)
                && named.TypeArguments[0].SpecialType == SpecialType.System_String;

        private static INamedTypeSymbol? ContainingGeneric(INamedTypeSymbol? type)
        {
            for (var t = type; t is not null; t = t.ContainingType)
            {
                if (t.IsGenericType)
                {
                    return t;
                }
            }

            return null;
        }

        private static bool IsAccessibleToAssembly(ISymbol symbol)
        {
            for (var s = symbol; s is not null and not INamespaceSymbol; s = s.ContainingSymbol)
            {
                if (s.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Whether <paramref name="type"/> and its containing types are public.</summary>
        public static bool IsPublicType(INamedTypeSymbol type) => IsPublic(type);

        private static bool IsPublic(INamedTypeSymbol type)
        {
            for (var t = type; t is not null; t = t.ContainingType)
            {
                if (t.DeclaredAccessibility != Accessibility.Public)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool NamedBool(AttributeData attribute, string name)
            => attribute.NamedArguments.Any(a => a.Key == name && a.Value.Value is true);

        private static string? NamedString(AttributeData attribute, string name)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == name && argument.Value.Kind != TypedConstantKind.Error)
                {
                    return argument.Value.Value as string;
                }
            }

            return null;
        }

        /// <summary>The location of the whole attribute.</summary>
        public static Location? AttributeLocation(AttributeData attribute, CancellationToken cancellationToken)
            => attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();

        /// <summary>The location of positional argument <paramref name="index"/> (the attribute when absent).</summary>
        public static Location? ArgumentLocation(AttributeData attribute, int index, CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
            {
                return null;
            }

            var positional = syntax.ArgumentList?.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
            return positional is not null && index < positional.Count ? positional[index].Expression.GetLocation() : syntax.GetLocation();
        }

        /// <summary>The location of named argument <paramref name="name"/> (the attribute when absent).</summary>
        public static Location? NamedArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
            {
                return null;
            }

            var argument = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
            return (argument?.Expression ?? (SyntaxNode)syntax).GetLocation();
        }
    }
}
