using System.Linq;
using System.Runtime.CompilerServices;
using KubeInformers.Generator.Helpers;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator;

/// <summary>
/// The KubeInformers runtime and hosting types through which objects leave the informer cache, looked up once per
/// compilation by metadata name (so they are recognised in the NuGet package as in the repository). Immutable, so shared
/// by concurrent analyses of that compilation. Each may be null when the compilation lacks the reference (hosting is
/// optional).
/// </summary>
internal sealed class CacheSymbols
{
    private static readonly ConditionalWeakTable<Compilation, CacheSymbols> Cache = new();

    /// <summary>The generator's name in the <c>[GeneratedCode]</c> attribute of everything it emits.</summary>
    private const string GeneratorName = "KubeInformers.Generator";

    private CacheSymbols(Compilation compilation)
    {
        Lister = compilation.GetTypeByMetadataName("KubeInformers.Lister`1");
        NamespaceLister = compilation.GetTypeByMetadataName("KubeInformers.NamespaceLister`1");
        Indexer = compilation.GetTypeByMetadataName("KubeInformers.IIndexer`1");
        KnownObjects = compilation.GetTypeByMetadataName("KubeInformers.IKnownObjects`1");
        ResourceEventHandlerInterface = compilation.GetTypeByMetadataName("KubeInformers.IResourceEventHandler`1");
        ResourceEventHandler = compilation.GetTypeByMetadataName("KubeInformers.ResourceEventHandler`1");
        ReconcileContext = compilation.GetTypeByMetadataName("KubeInformers.Hosting.Controllers.ReconcileContext`1");
        ChangePredicate = compilation.GetTypeByMetadataName("KubeInformers.Hosting.Controllers.ChangePredicate`1");
        ChangePredicates = compilation.GetTypeByMetadataName("KubeInformers.Hosting.Controllers.ChangePredicates");
        ControllerBuilder = compilation.GetTypeByMetadataName("KubeInformers.Hosting.Controllers.ControllerBuilder`1");
        ControllerInformerExtensions = compilation.GetTypeByMetadataName("KubeInformers.Hosting.Controllers.ControllerInformerExtensions");
        Conditions = compilation.GetTypeByMetadataName("KubeInformers.Hosting.Controllers.Conditions");
        Finalizer = compilation.GetTypeByMetadataName("KubeInformers.Hosting.Controllers.Finalizer`1");
        ModelExtensions = compilation.GetTypeByMetadataName("k8s.Models.ModelExtensions");
        GeneratedCodeAttribute = compilation.GetTypeByMetadataName("System.CodeDom.Compiler.GeneratedCodeAttribute");
        Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
        CollectionExtensions = compilation.GetTypeByMetadataName("System.Collections.Generic.CollectionExtensions");
        DeepCopyExtensions = compilation.GetTypeByMetadataName("KubeInformers.GeneratedDeepCopyExtensions");
        EnumerableOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        NonGenericEnumerable = compilation.GetSpecialType(SpecialType.System_Collections_IEnumerable);
    }

    /// <summary>The symbols of <paramref name="compilation"/>, looked up on first use and kept while it lives.</summary>
    public static CacheSymbols For(Compilation compilation) => Cache.GetValue(compilation, static c => new CacheSymbols(c));

    /// <summary>Whether KubeInformers is referenced at all (nothing to analyse otherwise).</summary>
    public bool IsAvailable => Lister is not null && Indexer is not null;

    public INamedTypeSymbol? Lister { get; }
    public INamedTypeSymbol? NamespaceLister { get; }
    public INamedTypeSymbol? Indexer { get; }
    public INamedTypeSymbol? KnownObjects { get; }
    public INamedTypeSymbol? ResourceEventHandlerInterface { get; }
    public INamedTypeSymbol? ResourceEventHandler { get; }
    public INamedTypeSymbol? ReconcileContext { get; }
    public INamedTypeSymbol? ChangePredicate { get; }
    public INamedTypeSymbol? ChangePredicates { get; }
    public INamedTypeSymbol? ControllerBuilder { get; }
    public INamedTypeSymbol? ControllerInformerExtensions { get; }
    public INamedTypeSymbol? Conditions { get; }
    public INamedTypeSymbol? Finalizer { get; }
    /// <summary>KubernetesClient's <c>k8s.Models.ModelExtensions</c> (<c>SetLabel</c>, <c>AddFinalizer</c>, <c>Labels()</c>…).</summary>
    public INamedTypeSymbol? ModelExtensions { get; }
    public INamedTypeSymbol? GeneratedCodeAttribute { get; }
    public INamedTypeSymbol? Enumerable { get; }
    public INamedTypeSymbol? CollectionExtensions { get; }
    public INamedTypeSymbol? DeepCopyExtensions { get; }
    public INamedTypeSymbol EnumerableOfT { get; }
    public INamedTypeSymbol NonGenericEnumerable { get; }

    /// <summary>Whether <paramref name="type"/> is the generic type <paramref name="definition"/> constructed any way.</summary>
    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? definition)
        => definition is not null && type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, definition);

    /// <summary>Whether the generator emitted <paramref name="type"/> (its <c>[GeneratedCode("KubeInformers.Generator", …)]</c>).</summary>
    public bool IsGenerated(INamedTypeSymbol type)
        => GeneratedCodeAttribute is not null && type.GetAttributes().Any(a =>
            SymbolEqualityComparer.Default.Equals(a.AttributeClass, GeneratedCodeAttribute)
            && a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Value as string == GeneratorName);

    /// <summary>
    /// The object type a cache reader hands out: <c>T</c> of the runtime's <c>Lister&lt;T&gt;</c>,
    /// <c>NamespaceLister&lt;T&gt;</c>, <c>IIndexer&lt;T&gt;</c>, <c>IKnownObjects&lt;T&gt;</c>, or of a generated lister
    /// (which wraps one as <c>Inner</c>); null when <paramref name="type"/> is no cache reader.
    /// </summary>
    public ITypeSymbol? ReaderElement(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (Is(named, Lister) || Is(named, NamespaceLister) || Is(named, Indexer) || Is(named, KnownObjects))
        {
            return named.TypeArguments[0];
        }

        if (IsGenerated(named) && named.GetMembers("Inner").OfType<IPropertySymbol>().FirstOrDefault() is { } inner
            && (Is(inner.Type, Lister) || Is(inner.Type, NamespaceLister)))
        {
            return ((INamedTypeSymbol)inner.Type).TypeArguments[0];
        }

        return null;
    }

    /// <summary>The generated <c>DeepCopy()</c> extension that takes <paramref name="type"/>, or null when the assembly has none.</summary>
    public IMethodSymbol? DeepCopyFor(ITypeSymbol? type)
        => type is null || DeepCopyExtensions is null ? null : DeepCopyExtensions.GetMembers("DeepCopy").OfType<IMethodSymbol>()
            .FirstOrDefault(m => m.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, type));

    /// <summary>Whether <paramref name="type"/> is a sequence of <paramref name="element"/> (an array, or a type implementing <c>IEnumerable&lt;element&gt;</c>).</summary>
    public bool IsSequenceOf(ITypeSymbol? type, ITypeSymbol element)
    {
        if (type is IArrayTypeSymbol array)
        {
            return SymbolEqualityComparer.Default.Equals(array.ElementType, element);
        }

        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        return TypeShapes.SelfAndInterfaces(named).Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, EnumerableOfT)
            && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], element));
    }

    /// <summary>The element type of a sequence (<c>IEnumerable&lt;T&gt;</c> or an array), or null.</summary>
    public ITypeSymbol? ElementOf(ITypeSymbol? type)
        => type is IArrayTypeSymbol or INamedTypeSymbol ? TypeShapes.ElementOf(type) : null;

    /// <summary>Whether <paramref name="type"/> is a collection (implements <c>IEnumerable</c>; strings are not).</summary>
    public bool IsCollection(ITypeSymbol? type)
        => type is IArrayTypeSymbol
            || type is { SpecialType: not SpecialType.System_String } && (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, NonGenericEnumerable)
                || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, NonGenericEnumerable)));
}
