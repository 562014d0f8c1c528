using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator.Helpers;

/// <summary>
/// How a model type is seen as JSON: a list (an array or an <c>IEnumerable&lt;T&gt;</c>) or a map (an
/// <c>IDictionary&lt;,&gt;</c> or <c>IReadOnlyDictionary&lt;,&gt;</c>), whether the type is that interface itself or
/// implements it. One rule for the path resolver, the CRD schema builder and the cached-object analyzer. Stateless.
/// </summary>
internal static class TypeShapes
{
    /// <summary>A named type itself (it may be <c>IDictionary&lt;,&gt;</c> or <c>IEnumerable&lt;&gt;</c> exactly), then every interface it implements.</summary>
    public static IEnumerable<INamedTypeSymbol> SelfAndInterfaces(ITypeSymbol type)
        => type is INamedTypeSymbol named ? new[] { named }.Concat(type.AllInterfaces) : type.AllInterfaces;

    /// <summary>
    /// The element type of an array or of the first <c>IEnumerable&lt;T&gt;</c> the type is or implements, or null.
    /// Strings and maps are enumerable too: a caller that treats them otherwise tests for them first.
    /// </summary>
    public static ITypeSymbol? ElementOf(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol array)
        {
            return array.ElementType;
        }

        foreach (var candidate in SelfAndInterfaces(type))
        {
            if (candidate.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                return candidate.TypeArguments[0];
            }
        }

        return null;
    }

    /// <summary>
    /// The key and value types of the first <c>IDictionary&lt;,&gt;</c> or <c>IReadOnlyDictionary&lt;,&gt;</c> the type
    /// is or implements (with <paramref name="stringKeysOnly"/>, the first keyed by <c>string</c>), or null.
    /// </summary>
    public static (ITypeSymbol Key, ITypeSymbol Value)? MapOf(ITypeSymbol type, KnownSymbols known, bool stringKeysOnly = false)
    {
        foreach (var candidate in SelfAndInterfaces(type))
        {
            var definition = candidate.OriginalDefinition;
            if ((SymbolEqualityComparer.Default.Equals(definition, known.IDictionaryOfT)
                    || SymbolEqualityComparer.Default.Equals(definition, known.IReadOnlyDictionaryOfT))
                && (!stringKeysOnly || candidate.TypeArguments[0].SpecialType == SpecialType.System_String))
            {
                return (candidate.TypeArguments[0], candidate.TypeArguments[1]);
            }
        }

        return null;
    }
}
