using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// The symbols the CRD schema builder recognises, looked up once per compilation (immutable, shared by concurrent
/// parses). Any may be null when the compilation lacks the reference. Never stored in a model.
/// </summary>
internal sealed class CrdSymbols
{
    private static readonly ConditionalWeakTable<Compilation, CrdSymbols> Cache = new();

    /// <summary>The symbols of <paramref name="compilation"/>.</summary>
    public static CrdSymbols For(Compilation compilation) => Cache.GetValue(compilation, static c => new CrdSymbols(c));

    private CrdSymbols(Compilation c)
    {
        IntOrString = c.GetTypeByMetadataName("k8s.Models.IntOrString");
        ResourceQuantity = c.GetTypeByMetadataName("k8s.Models.ResourceQuantity");
        JsonElement = c.GetTypeByMetadataName("System.Text.Json.JsonElement");
        JsonNode = c.GetTypeByMetadataName("System.Text.Json.Nodes.JsonNode");
        DateTime = c.GetSpecialType(SpecialType.System_DateTime);
        DateTimeOffset = c.GetTypeByMetadataName("System.DateTimeOffset");
        TimeSpan = c.GetTypeByMetadataName("System.TimeSpan");
        Guid = c.GetTypeByMetadataName("System.Guid");
        Uri = c.GetTypeByMetadataName("System.Uri");
        GeneratedManifest = c.GetTypeByMetadataName(CrdAttributeNames.GeneratedManifest);
        V1CustomResourceDefinition = c.GetTypeByMetadataName("k8s.Models.V1CustomResourceDefinition");
    }

    public INamedTypeSymbol? IntOrString { get; }

    public INamedTypeSymbol? ResourceQuantity { get; }

    public INamedTypeSymbol? JsonElement { get; }

    public INamedTypeSymbol? JsonNode { get; }

    public INamedTypeSymbol DateTime { get; }

    public INamedTypeSymbol? DateTimeOffset { get; }

    public INamedTypeSymbol? TimeSpan { get; }

    public INamedTypeSymbol? Guid { get; }

    public INamedTypeSymbol? Uri { get; }

    /// <summary><c>KubeInformers.GeneratedManifestAttribute</c>; without it (an older runtime) no manifest is emitted.</summary>
    public INamedTypeSymbol? GeneratedManifest { get; }

    public INamedTypeSymbol? V1CustomResourceDefinition { get; }
}

/// <summary>Metadata names of the attributes the CRD generator reads.</summary>
internal static class CrdAttributeNames
{
    public const string CustomResource = "KubeInformers.CustomResourceAttribute";
    public const string ScaleSubresource = "KubeInformers.ScaleSubresourceAttribute";
    public const string PrinterColumn = "KubeInformers.PrinterColumnAttribute";
    public const string ValidationRule = "KubeInformers.ValidationRuleAttribute";
    public const string PreserveUnknownFields = "KubeInformers.PreserveUnknownFieldsAttribute";
    public const string GeneratedManifest = "KubeInformers.GeneratedManifestAttribute";
    public const string Required = "System.ComponentModel.DataAnnotations.RequiredAttribute";
    public const string Range = "System.ComponentModel.DataAnnotations.RangeAttribute";
    public const string StringLength = "System.ComponentModel.DataAnnotations.StringLengthAttribute";
    public const string MinLength = "System.ComponentModel.DataAnnotations.MinLengthAttribute";
    public const string MaxLength = "System.ComponentModel.DataAnnotations.MaxLengthAttribute";
    public const string Length = "System.ComponentModel.DataAnnotations.LengthAttribute";
    public const string RegularExpression = "System.ComponentModel.DataAnnotations.RegularExpressionAttribute";
    public const string AllowedValues = "System.ComponentModel.DataAnnotations.AllowedValuesAttribute";
    public const string DefaultValue = "System.ComponentModel.DefaultValueAttribute";
    public const string JsonExtensionData = "System.Text.Json.Serialization.JsonExtensionDataAttribute";
    public const string JsonStringEnumMemberName = "System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute";
}
