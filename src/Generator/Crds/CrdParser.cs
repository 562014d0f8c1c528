using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using KubeInformers.Generator.Helpers;
using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// Turns one <c>[GenerateInformer]</c> custom-resource class into a <see cref="CrdVersionSpec"/>: the informer parser's
/// resource (group, version, kind, plural, scope), <c>[CustomResource]</c>, <c>[ScaleSubresource]</c>,
/// <c>[PrinterColumn]</c> and the schema of its type graph. Shared by the generator (reporter without a sink) and
/// <see cref="CustomResourceDefinitionAnalyzer"/>; returns null (after reporting) when the CRD cannot be generated.
/// </summary>
internal static class CrdParser
{
    private static readonly Regex DnsLabel = new("^[a-z]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant);
    private static readonly Regex SimpleJsonPath = new("^(\\.[A-Za-z0-9_-]+(\\[[0-9*]+\\])?)+$", RegexOptions.CultureInvariant);
    private static readonly string[] ColumnTypes = { "integer", "number", "string", "boolean", "date" };

    /// <summary>Parses <paramref name="type"/>; null when it is no valid custom resource, opts out, or has errors.</summary>
    public static CrdVersionSpec? Parse(
        INamedTypeSymbol type, AttributeData generateInformer, KnownSymbols known, CrdSymbols crd, Reporter reporter, CancellationToken cancellationToken)
    {
        var resource = InformerGenerator.Parser.ParseCustomResource(type, generateInformer, known, new Reporter(), cancellationToken);
        if (resource is null || resource.IsBuiltIn)
        {
            return null; // the informer analyzer explains it
        }

        var attributes = type.GetAttributes();
        var options = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == CrdAttributeNames.CustomResource);
        if (options is not null && NamedBool(options, "GenerateDefinition") == false)
        {
            return null;
        }

        var location = type.Locations.FirstOrDefault();
        var ok = true;
        string? Bad(string what, string message)
        {
            reporter.Report(DiagnosticDescriptors.InvalidCrdAttribute, location, what, message);
            ok = false;
            return null;
        }

        if (!resource.Group.Contains('.'))
        {
            Bad("[KubernetesEntity] Group", $"'{resource.Group}' must be a domain name with at least one dot, e.g. stable.example.com");
        }

        if (!DnsLabel.IsMatch(resource.Version))
        {
            Bad("[KubernetesEntity] ApiVersion", $"'{resource.Version}' must be a DNS label such as v1 or v1beta1");
        }

        if (!DnsLabel.IsMatch(resource.Plural))
        {
            Bad("[KubernetesEntity] PluralName", $"'{resource.Plural}' must be a lower-case DNS label");
        }

        var singular = (options is null ? null : CrdSchemaBuilder.NamedString(options, "Singular")) ?? resource.Kind.ToLowerInvariant();
        if (!DnsLabel.IsMatch(singular))
        {
            Bad("[CustomResource] Singular", $"'{singular}' must be a lower-case DNS label");
        }

        var listKind = (options is null ? null : CrdSchemaBuilder.NamedString(options, "ListKind")) ?? resource.Kind + "List";
        var shortNames = options is null ? new List<string>() : NamedStrings(options, "ShortNames");
        foreach (var shortName in shortNames.Where(s => !DnsLabel.IsMatch(s)))
        {
            Bad("[CustomResource] ShortNames", $"'{shortName}' must be a lower-case DNS label");
        }

        var categories = options is null ? new List<string>() : NamedStrings(options, "Categories");
        foreach (var category in categories.Where(s => !DnsLabel.IsMatch(s)))
        {
            Bad("[CustomResource] Categories", $"'{category}' must be a lower-case DNS label");
        }

        var schema = new CrdSchemaBuilder(known, crd, reporter, location, cancellationToken).Root(type);
        var hasStatus = schema.Properties.Any(p => p.Name == "status");
        var statusSubresource = hasStatus && (options is null || NamedBool(options, "StatusSubresource") != false);

        CrdScale? scale = null;
        var scaleAttribute = attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == CrdAttributeNames.ScaleSubresource);
        if (scaleAttribute is { ConstructorArguments.Length: 2 })
        {
            var specPath = scaleAttribute.ConstructorArguments[0].Value as string ?? string.Empty;
            var statusPath = scaleAttribute.ConstructorArguments[1].Value as string ?? string.Empty;
            var selectorPath = CrdSchemaBuilder.NamedString(scaleAttribute, "LabelSelectorPath");
            if (!specPath.StartsWith(".spec.", System.StringComparison.Ordinal) || !SimpleJsonPath.IsMatch(specPath))
            {
                Bad("[ScaleSubresource] specReplicasPath", $"'{specPath}' must be a JSON path under .spec, e.g. .spec.replicas");
            }

            if (!statusPath.StartsWith(".status.", System.StringComparison.Ordinal) || !SimpleJsonPath.IsMatch(statusPath))
            {
                Bad("[ScaleSubresource] statusReplicasPath", $"'{statusPath}' must be a JSON path under .status, e.g. .status.replicas");
            }

            if (selectorPath is not null && !((selectorPath.StartsWith(".status.", System.StringComparison.Ordinal) || selectorPath.StartsWith(".spec.", System.StringComparison.Ordinal)) && SimpleJsonPath.IsMatch(selectorPath)))
            {
                Bad("[ScaleSubresource] LabelSelectorPath", $"'{selectorPath}' must be a JSON path under .status or .spec");
            }

            if (!hasStatus)
            {
                Bad("[ScaleSubresource]", $"'{type.Name}' has no status member; the scale subresource needs the status subresource");
            }

            scale = new CrdScale(specPath, statusPath, selectorPath);
        }

        var columns = new List<CrdPrinterColumn>();
        foreach (var column in attributes.Where(a => a.AttributeClass?.ToDisplayString() == CrdAttributeNames.PrinterColumn))
        {
            if (column.ConstructorArguments.Length != 3 || column.ConstructorArguments.Any(a => a.Value is not string))
            {
                Bad("[PrinterColumn]", "needs a name, a type and a JSON path");
                continue;
            }

            var name = (string)column.ConstructorArguments[0].Value!;
            var columnType = (string)column.ConstructorArguments[1].Value!;
            var path = (string)column.ConstructorArguments[2].Value!;
            if (name.Trim().Length == 0)
            {
                Bad("[PrinterColumn]", "the column name must not be empty");
            }
            else if (!ColumnTypes.Contains(columnType))
            {
                Bad($"[PrinterColumn] '{name}'", $"type '{columnType}' is not one of {string.Join(", ", ColumnTypes)}");
            }
            else if (!SimpleJsonPath.IsMatch(path))
            {
                Bad($"[PrinterColumn] '{name}'", $"'{path}' is not a simple JSON path such as .spec.replicas");
            }
            else
            {
                var priority = column.NamedArguments.Where(a => a.Key == "Priority").Select(a => a.Value.Value as int?).FirstOrDefault() ?? 0;
                columns.Add(new CrdPrinterColumn(name, columnType, path, CrdSchemaBuilder.NamedString(column, "Format"),
                    CrdSchemaBuilder.NamedString(column, "Description"), priority));
            }
        }

        foreach (var problem in StructuralSchema.Check(schema))
        {
            reporter.Report(DiagnosticDescriptors.NonStructuralSchema, location, type.Name, problem.Path, problem.Message);
            ok = false;
        }

        if (!ok || reporter.HasErrors)
        {
            return null;
        }

        return new CrdVersionSpec(
            resource.ModelType,
            resource.TypeNamespace ?? string.Empty,
            resource.IsPublic,
            resource.Group,
            resource.Version,
            resource.Kind,
            resource.Plural,
            singular,
            listKind,
            shortNames.ToEquatableArray(),
            categories.ToEquatableArray(),
            resource.Namespaced,
            options is null || NamedBool(options, "Served") != false,
            options is not null && NamedBool(options, "Storage") == true,
            options is not null && NamedBool(options, "Deprecated") == true,
            options is null ? null : CrdSchemaBuilder.NamedString(options, "DeprecationWarning"),
            statusSubresource,
            scale,
            columns.ToEquatableArray(),
            schema);
    }

    private static bool? NamedBool(AttributeData attribute, string name)
        => attribute.NamedArguments.Where(a => a.Key == name).Select(a => a.Value.Value as bool?).FirstOrDefault();

    private static List<string> NamedStrings(AttributeData attribute, string name)
        => attribute.NamedArguments.Where(a => a.Key == name && a.Value.Kind == TypedConstantKind.Array)
            .SelectMany(a => a.Value.Values.Select(v => v.Value as string ?? string.Empty)).ToList();
}
