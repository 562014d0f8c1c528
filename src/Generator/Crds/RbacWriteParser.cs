using KubeInformers.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KubeInformers.Generator.Crds;

/// <summary>
/// Finds the writing toolkit types an assembly uses, for its RBAC: <c>StatusUpdater&lt;T&gt;</c> and
/// <c>Finalizer&lt;T&gt;</c> (namespace <c>KubeInformers.Hosting.Controllers</c>) with the resource of <c>T</c> from its
/// <c>[KubernetesEntity]</c>, and <c>EventRecorder</c> (<c>KubeInformers.Hosting.Events</c>). The syntax predicate
/// looks only at the name (cheap, no semantic model); the transform then checks the symbol. Stateless.
/// </summary>
internal static class RbacWriteParser
{
    private const string ControllersNamespace = "KubeInformers.Hosting.Controllers";
    private const string EventsNamespace = "KubeInformers.Hosting.Events";

    /// <summary>A name that may be one of the toolkit types.</summary>
    public static bool IsCandidate(SyntaxNode node) => node switch
    {
        GenericNameSyntax g => g.TypeArgumentList.Arguments.Count == 1 && g.Identifier.ValueText is "StatusUpdater" or "Finalizer",
        IdentifierNameSyntax i => i.Identifier.ValueText == "EventRecorder",
        _ => false,
    };

    /// <summary>The write the name stands for, or null when it is another type or its resource is unknown.</summary>
    public static RbacWrite? Parse(SemanticModel model, SyntaxNode node, System.Threading.CancellationToken cancellationToken)
    {
        if (model.GetSymbolInfo(node, cancellationToken).Symbol is not INamedTypeSymbol type)
        {
            return null;
        }

        var ns = type.ContainingNamespace?.ToDisplayString();
        RbacWriteKind kind;
        switch (type.OriginalDefinition.MetadataName)
        {
            case "EventRecorder" when ns == EventsNamespace:
                return new RbacWrite(RbacWriteKind.Events, "events.k8s.io", "events");
            case "StatusUpdater`1" when ns == ControllersNamespace:
                kind = RbacWriteKind.Status;
                break;
            case "Finalizer`1" when ns == ControllersNamespace:
                kind = RbacWriteKind.Finalizer;
                break;
            default:
                return null;
        }

        if (type.TypeArguments[0] is not INamedTypeSymbol resource)
        {
            return null; // a type parameter: the resource is decided elsewhere
        }

        foreach (var attribute in resource.GetAttributes())
        {
            if (attribute.AttributeClass?.Name != "KubernetesEntityAttribute")
            {
                continue;
            }

            string? group = null, plural = null;
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == "Group") group = argument.Value.Value as string;
                else if (argument.Key == "PluralName") plural = argument.Value.Value as string;
            }

            return string.IsNullOrEmpty(plural) ? null : new RbacWrite(kind, group ?? string.Empty, plural!);
        }

        return null;
    }
}
