using System.Collections.Generic;
using System.Linq;
using System.Threading;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// Builds the OpenAPI v3 schema of a custom resource from its C# type graph, the way KubernetesClient serializes it
/// (System.Text.Json, camelCase unless <c>[JsonPropertyName]</c>, enums as strings). What has no schema becomes
/// <c>x-kubernetes-preserve-unknown-fields</c> with a warning (KI0100, KI0101); bad annotation arguments are errors
/// (KI0104); conflicting JSON names are errors (KI0102). One builder per parse; not thread-safe; never throws on bad input.
/// </summary>
internal sealed class CrdSchemaBuilder
{
    private static readonly SymbolDisplayFormat Short = SymbolDisplayFormat.CSharpShortErrorMessageFormat;
    private const string QuantityPattern = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

    private readonly KnownSymbols _known;
    private readonly CrdSymbols _crd;
    private readonly Reporter _reporter;
    private readonly Location? _fallback;
    private readonly CancellationToken _cancellationToken;
    private readonly HashSet<ITypeSymbol> _visiting = new(SymbolEqualityComparer.Default);

    public CrdSchemaBuilder(KnownSymbols known, CrdSymbols crd, Reporter reporter, Location? fallback, CancellationToken cancellationToken)
    {
        _known = known;
        _crd = crd;
        _reporter = reporter;
        _fallback = fallback;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The schema of a whole custom resource: apiVersion, kind, metadata (an object), then its own members.</summary>
    public CrdSchema Root(INamedTypeSymbol type)
    {
        var properties = new List<CrdProperty>
        {
            new("apiVersion", new CrdSchema { Type = "string", Description = "The versioned schema of this representation of an object (group/version)." }),
            new("kind", new CrdSchema { Type = "string", Description = "The REST resource this object represents, in CamelCase." }),
            new("metadata", new CrdSchema { Type = "object" }),
        };
        var required = new List<string>();
        _visiting.Add(type);
        foreach (var (name, property) in Members(type))
        {
            if (name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            var schema = ForMember(property, name);
            properties.Add(new CrdProperty(name, schema));
            if (name != "status" && IsRequired(property))
            {
                required.Add(name);
            }
        }

        _visiting.Remove(type);
        return ApplyTypeAnnotations(type, new CrdSchema
        {
            Type = "object",
            Description = DocComments.Summary(type, _cancellationToken),
            Properties = properties.OrderBy(p => p.Name, System.StringComparer.Ordinal).ToEquatableArray(),
            Required = required.OrderBy(r => r, System.StringComparer.Ordinal).ToEquatableArray(),
        });
    }

    /// <summary>The JSON members of <paramref name="type"/> (its base chain, public instance properties), conflicts reported.</summary>
    private List<(string Name, IPropertySymbol Property)> Members(ITypeSymbol type)
    {
        var result = new List<(string, IPropertySymbol)>();
        var seen = new Dictionary<string, IPropertySymbol>(System.StringComparer.Ordinal);
        var overridden = new HashSet<string>(System.StringComparer.Ordinal);
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                if (member is not IPropertySymbol { IsStatic: false, IsIndexer: false, GetMethod: not null, DeclaredAccessibility: Accessibility.Public } property
                    || !overridden.Add(property.Name) || HasAttribute(property, CrdAttributeNames.JsonExtensionData))
                {
                    continue;
                }

                if (InformerGenerator.PathResolver.JsonNameOf(property, _known) is not { } name)
                {
                    continue;
                }

                if (seen.TryGetValue(name, out var first))
                {
                    _reporter.Report(DiagnosticDescriptors.ConflictingJsonNames, LocationOf(property), first.Name, property.Name, type.ToDisplayString(Short), name);
                    continue;
                }

                seen.Add(name, property);
                result.Add((name, property));
            }
        }

        return result;
    }

    private CrdSchema ForMember(IPropertySymbol property, string path)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var schema = ForType(property.Type, path, property);
        if (HasAttribute(property, CrdAttributeNames.PreserveUnknownFields))
        {
            schema = schema with { PreserveUnknownFields = true };
        }

        var description = DocComments.Summary(property, _cancellationToken);
        if (description is not null)
        {
            schema = schema with { Description = description };
        }

        return ApplyAnnotations(property, schema, path);
    }

    private CrdSchema ForType(ITypeSymbol type, string path, ISymbol? owner)
    {
        if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T && type is INamedTypeSymbol { TypeArguments.Length: 1 } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Char:
                return new CrdSchema { Type = "string" };
            case SpecialType.System_Boolean:
                return new CrdSchema { Type = "boolean" };
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
                return new CrdSchema { Type = "integer", Format = "int32" };
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
                return new CrdSchema { Type = "integer", Format = "int64" };
            case SpecialType.System_Single:
                return new CrdSchema { Type = "number", Format = "float" };
            case SpecialType.System_Double:
                return new CrdSchema { Type = "number", Format = "double" };
            case SpecialType.System_Decimal:
                return new CrdSchema { Type = "number" };
            case SpecialType.System_DateTime:
                return new CrdSchema { Type = "string", Format = "date-time" };
            case SpecialType.System_Object:
                return new CrdSchema { PreserveUnknownFields = true };
        }

        if (Is(type, _crd.DateTimeOffset))
        {
            return new CrdSchema { Type = "string", Format = "date-time" };
        }

        if (Is(type, _crd.TimeSpan) || Is(type, _crd.Uri))
        {
            return new CrdSchema { Type = "string" };
        }

        if (Is(type, _crd.Guid))
        {
            return new CrdSchema { Type = "string", Format = "uuid" };
        }

        if (Is(type, _crd.IntOrString))
        {
            return new CrdSchema { AnyOfTypes = new[] { "integer", "string" }.ToEquatableArray(), IntOrString = true };
        }

        if (Is(type, _crd.ResourceQuantity))
        {
            return new CrdSchema { AnyOfTypes = new[] { "integer", "string" }.ToEquatableArray(), IntOrString = true, Pattern = QuantityPattern };
        }

        if (Is(type, _crd.JsonElement) || InheritsFrom(type, _crd.JsonNode))
        {
            return new CrdSchema { PreserveUnknownFields = true };
        }

        if (Is(type, _known.V1ObjectMeta))
        {
            return new CrdSchema { Type = "object", PreserveUnknownFields = true }; // embedded metadata: kept whole
        }

        if (type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte })
        {
            return new CrdSchema { Type = "string", Format = "byte" };
        }

        if (type.TypeKind == TypeKind.Enum && type is INamedTypeSymbol enumType)
        {
            return ForEnum(enumType, path, owner);
        }

        if (TypeShapes.MapOf(type, _known) is { } map)
        {
            if (map.Key.SpecialType != SpecialType.System_String)
            {
                return Inexpressible(owner, path, $"a map keyed by {map.Key.ToDisplayString(Short)}; JSON object keys are strings (use a string-keyed dictionary)");
            }

            return new CrdSchema { Type = "object", AdditionalProperties = ForType(map.Value, path + "[*]", owner) };
        }

        if (TypeShapes.ElementOf(type) is { } element)
        {
            return new CrdSchema { Type = "array", Items = ForType(element, path + "[*]", owner) };
        }

        if (type.TypeKind is TypeKind.Interface or TypeKind.TypeParameter or TypeKind.Delegate or TypeKind.Pointer or TypeKind.Error
            || type.IsAbstract || type is not INamedTypeSymbol named)
        {
            return Unsupported(owner, path, type, type.TypeKind == TypeKind.Interface || type.IsAbstract
                ? "interfaces and abstract types have no single shape"
                : "it is not a class, struct, scalar, list or map");
        }

        if (type.ContainingNamespace?.ToDisplayString() is { } ns && (ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal)))
        {
            return Unsupported(owner, path, type, "a framework type the KubernetesClient serializer writes in its own way");
        }

        return ForObject(named, path, owner);
    }

    private CrdSchema ForObject(INamedTypeSymbol type, string path, ISymbol? owner)
    {
        if (!_visiting.Add(type))
        {
            return Inexpressible(owner, path, $"{type.ToDisplayString(Short)} contains itself; a CRD schema cannot be recursive");
        }

        try
        {
            var properties = new List<CrdProperty>();
            var required = new List<string>();
            foreach (var (name, property) in Members(type))
            {
                properties.Add(new CrdProperty(name, ForMember(property, path + "." + name)));
                if (IsRequired(property))
                {
                    required.Add(name);
                }
            }

            var extensionData = type.GetMembers().OfType<IPropertySymbol>().Any(p => HasAttribute(p, CrdAttributeNames.JsonExtensionData));
            return ApplyTypeAnnotations(type, new CrdSchema
            {
                Type = "object",
                Description = DocComments.Summary(type, _cancellationToken),
                Properties = properties.OrderBy(p => p.Name, System.StringComparer.Ordinal).ToEquatableArray(),
                Required = required.OrderBy(r => r, System.StringComparer.Ordinal).ToEquatableArray(),
                PreserveUnknownFields = extensionData, // [JsonExtensionData] keeps what is not declared
            });
        }
        finally
        {
            _visiting.Remove(type);
        }
    }

    private CrdSchema ForEnum(INamedTypeSymbol type, string path, ISymbol? owner)
    {
        if (type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.FlagsAttribute"))
        {
            return Inexpressible(owner, path, $"{type.ToDisplayString(Short)} is a [Flags] enum, serialized as a comma-separated list of names");
        }

        return new CrdSchema { Type = "string", Enum = EnumNames(type).Select(JsonLiteral.Quote).ToEquatableArray() };
    }

    /// <summary>The names the serializer writes for <paramref name="type"/>'s members: <c>[JsonStringEnumMemberName]</c>, else the member name.</summary>
    internal static IEnumerable<string> EnumNames(INamedTypeSymbol type)
        => type.GetMembers().OfType<IFieldSymbol>().Where(f => f.IsConst).Select(EnumName);

    private static string EnumName(IFieldSymbol field)
        => field.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == CrdAttributeNames.JsonStringEnumMemberName)
            is { ConstructorArguments.Length: 1 } a && a.ConstructorArguments[0].Value is string s ? s : field.Name;

    private CrdSchema ApplyTypeAnnotations(INamedTypeSymbol type, CrdSchema schema)
    {
        if (HasAttribute(type, CrdAttributeNames.PreserveUnknownFields))
        {
            schema = schema with { PreserveUnknownFields = true };
        }

        var rules = Rules(type);
        return rules.Count == 0 ? schema : schema with { Validations = schema.Validations.Concat(rules).ToEquatableArray() };
    }

    /// <summary>DataAnnotations, <c>[DefaultValue]</c> and <c>[ValidationRule]</c> on a property, applied to its schema.</summary>
    private CrdSchema ApplyAnnotations(IPropertySymbol property, CrdSchema schema, string path)
    {
        var location = LocationOf(property);
        var isString = schema.Type == "string" || schema.IntOrString;
        var isNumber = schema.Type is "integer" or "number";
        var isArray = schema.Type == "array";
        foreach (var attribute in property.GetAttributes())
        {
            var name = attribute.AttributeClass?.ToDisplayString();
            var args = attribute.ConstructorArguments;
            switch (name)
            {
                case CrdAttributeNames.Range:
                    if (!isNumber)
                    {
                        Bad(location, path, "[Range] applies to numbers, not " + Describe(schema));
                        break;
                    }

                    var min = args.Length >= 2 ? JsonLiteral.Number(args[args.Length - 2].Value) : null;
                    var max = args.Length >= 2 ? JsonLiteral.Number(args[args.Length - 1].Value) : null;
                    if (min is null || max is null)
                    {
                        Bad(location, path, "[Range] needs numeric bounds");
                        break;
                    }

                    if (double.Parse(min, System.Globalization.CultureInfo.InvariantCulture) > double.Parse(max, System.Globalization.CultureInfo.InvariantCulture))
                    {
                        Bad(location, path, $"[Range] minimum {min} is greater than maximum {max}");
                        break;
                    }

                    schema = schema with
                    {
                        Minimum = min,
                        Maximum = max,
                        ExclusiveMinimum = NamedBool(attribute, "MinimumIsExclusive"),
                        ExclusiveMaximum = NamedBool(attribute, "MaximumIsExclusive"),
                    };
                    break;
                case CrdAttributeNames.StringLength:
                    if (!isString || args.Length != 1 || args[0].Value is not int stringMax)
                    {
                        Bad(location, path, "[StringLength] applies to strings, not " + Describe(schema));
                        break;
                    }

                    var stringMin = NamedInt(attribute, "MinimumLength");
                    if (stringMax < 0 || stringMin is < 0 || stringMin > stringMax)
                    {
                        Bad(location, path, $"[StringLength] needs 0 <= MinimumLength <= maximumLength (got {stringMin ?? 0} and {stringMax})");
                        break;
                    }

                    schema = schema with { MaxLength = stringMax, MinLength = stringMin is > 0 ? stringMin : schema.MinLength };
                    break;
                case CrdAttributeNames.MinLength:
                case CrdAttributeNames.MaxLength:
                case CrdAttributeNames.Length:
                    var isMin = name == CrdAttributeNames.MinLength;
                    var isBoth = name == CrdAttributeNames.Length;
                    var label = isBoth ? "[Length]" : isMin ? "[MinLength]" : "[MaxLength]";
                    if (!isString && !isArray)
                    {
                        Bad(location, path, $"{label} applies to strings and lists, not {Describe(schema)}");
                        break;
                    }

                    var values = args.Select(a => a.Value as int?).ToList();
                    if (values.Count != (isBoth ? 2 : 1) || values.Any(v => v is null or < 0) || (isBoth && values[0] > values[1]))
                    {
                        Bad(location, path, $"{label} needs non-negative lengths" + (isBoth ? ", minimum first" : string.Empty));
                        break;
                    }

                    long? lo = isBoth || isMin ? values[0] : null;
                    long? hi = isBoth ? values[1] : isMin ? null : values[0];
                    schema = isArray
                        ? schema with { MinItems = lo ?? schema.MinItems, MaxItems = hi ?? schema.MaxItems }
                        : schema with { MinLength = lo ?? schema.MinLength, MaxLength = hi ?? schema.MaxLength };
                    break;
                case CrdAttributeNames.RegularExpression:
                    if (!isString || args.Length != 1 || args[0].Value is not string pattern)
                    {
                        Bad(location, path, "[RegularExpression] applies to strings, not " + Describe(schema));
                        break;
                    }

                    if (!IsValidPattern(pattern))
                    {
                        Bad(location, path, $"'{pattern}' is not a valid regular expression");
                        break;
                    }

                    schema = schema with { Pattern = pattern };
                    break;
                case CrdAttributeNames.AllowedValues:
                    var allowed = args.Length == 1 && args[0].Kind == TypedConstantKind.Array
                        ? args[0].Values.Select(v => Literal(v, schema)).ToList()
                        : new List<string?> { null };
                    if (allowed.Any(a => a is null))
                    {
                        Bad(location, path, "[AllowedValues] needs values of the member's JSON type");
                        break;
                    }

                    schema = schema with { Enum = allowed.Select(a => a!).ToEquatableArray() };
                    break;
                case CrdAttributeNames.DefaultValue:
                    var literal = args.Length == 1 ? Literal(args[0], schema) : null;
                    if (literal is null)
                    {
                        Bad(location, path, $"[DefaultValue] needs a constant of the member's JSON type ({Describe(schema)})");
                        break;
                    }

                    schema = schema with { Default = literal };
                    break;
            }
        }

        var rules = Rules(property);
        return rules.Count == 0 ? schema : schema with { Validations = schema.Validations.Concat(rules).ToEquatableArray() };
    }

    private List<CrdValidationRule> Rules(ISymbol symbol)
    {
        var result = new List<CrdValidationRule>();
        foreach (var attribute in symbol.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == CrdAttributeNames.ValidationRule))
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string rule || rule.Trim().Length == 0)
            {
                Bad(LocationOf(symbol), symbol.Name, "[ValidationRule] needs a non-empty CEL rule");
                continue;
            }

            var reason = NamedString(attribute, "Reason");
            if (reason is not null && reason is not ("FieldValueInvalid" or "FieldValueForbidden" or "FieldValueRequired" or "FieldValueDuplicate"))
            {
                Bad(LocationOf(symbol), symbol.Name, $"[ValidationRule] Reason '{reason}' is not one of FieldValueInvalid, FieldValueForbidden, FieldValueRequired, FieldValueDuplicate");
                continue;
            }

            result.Add(new CrdValidationRule(rule, NamedString(attribute, "Message"), NamedString(attribute, "MessageExpression"), reason, NamedString(attribute, "FieldPath")));
        }

        return result;
    }

    /// <summary>
    /// Whether the property is required: <c>[Required]</c>, the C# <c>required</c> modifier, or a non-nullable type (a
    /// value type, or a reference type not annotated <c>?</c> in a nullable context) without <c>[DefaultValue]</c>.
    /// </summary>
    private static bool IsRequired(IPropertySymbol property)
    {
        if (HasAttribute(property, CrdAttributeNames.Required) || property.IsRequired)
        {
            return true;
        }

        if (HasAttribute(property, CrdAttributeNames.DefaultValue))
        {
            return false;
        }

        var type = property.Type;
        if (type.IsValueType)
        {
            return type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T;
        }

        return property.NullableAnnotation == NullableAnnotation.NotAnnotated;
    }

    private string? Literal(TypedConstant constant, CrdSchema schema)
    {
        if (constant.IsNull || constant.Kind == TypedConstantKind.Array)
        {
            return null;
        }

        if (constant.Kind == TypedConstantKind.Enum && constant.Type is INamedTypeSymbol enumType)
        {
            var field = enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst && Equals(f.ConstantValue, constant.Value));
            return schema.Type == "string" && field is not null ? JsonLiteral.Quote(EnumName(field)) : null;
        }

        switch (constant.Value)
        {
            case string s when schema.Type == "string" || schema.IntOrString:
                return JsonLiteral.Quote(s);
            case bool b when schema.Type == "boolean":
                return b ? "true" : "false";
            case string:
            case bool:
                return null;
            default:
                var number = JsonLiteral.Number(constant.Value);
                return number is not null && (schema.Type == "number" || schema.IntOrString || (schema.Type == "integer" && !number.Contains('.')))
                    ? number
                    : null;
        }
    }

    private static bool IsValidPattern(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.ECMAScript);
            return true;
        }
        catch (System.ArgumentException)
        {
            return false;
        }
    }

    private CrdSchema Unsupported(ISymbol? owner, string path, ITypeSymbol type, string why)
    {
        _reporter.Report(DiagnosticDescriptors.UnsupportedSchemaType, LocationOf(owner), path, type.ToDisplayString(Short), why);
        return new CrdSchema { PreserveUnknownFields = true };
    }

    private CrdSchema Inexpressible(ISymbol? owner, string path, string why)
    {
        _reporter.Report(DiagnosticDescriptors.InexpressibleSchemaMember, LocationOf(owner), path, why);
        return new CrdSchema { Type = "object", PreserveUnknownFields = true };
    }

    private void Bad(Location? location, string path, string message)
        => _reporter.Report(DiagnosticDescriptors.InvalidCrdAttribute, location, "'" + path + "'", message);

    private static string Describe(CrdSchema schema)
        => schema.IntOrString ? "an int-or-string" : schema.Type is { } t ? "a schema of type " + t : "an untyped (preserved) value";

    private Location? LocationOf(ISymbol? symbol)
        => symbol?.Locations.FirstOrDefault(l => l.IsInSource) ?? _fallback;

    private static bool HasAttribute(ISymbol symbol, string name)
        => symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == name);

    private static bool NamedBool(AttributeData attribute, string name)
        => attribute.NamedArguments.Any(a => a.Key == name && a.Value.Value is true);

    private static int? NamedInt(AttributeData attribute, string name)
        => attribute.NamedArguments.Where(a => a.Key == name).Select(a => a.Value.Value as int?).FirstOrDefault();

    internal static string? NamedString(AttributeData attribute, string name)
        => attribute.NamedArguments.Where(a => a.Key == name).Select(a => a.Value.Value as string).FirstOrDefault();

    private static bool Is(ITypeSymbol type, INamedTypeSymbol? candidate)
        => candidate is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, candidate);

    private static bool InheritsFrom(ITypeSymbol type, INamedTypeSymbol? candidate)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (Is(t, candidate))
            {
                return true;
            }
        }

        return false;
    }
}
