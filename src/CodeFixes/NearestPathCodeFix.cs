using System.Composition;
using KubeInformers.Generator;
using KubeInformers.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KubeInformers.CodeFixes;

/// <summary>
/// KI0004, KI0016: replaces a misspelt JSON path with the one the analyzer found nearest (the unknown segment swapped
/// for the closest valid member, passed in <see cref="CodeFixProperties.SuggestedPath"/>). Offered only when the
/// analyzer found a member near enough; stateless, so safe to call concurrently.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NearestPathCodeFix)), Shared]
public sealed class NearestPathCodeFix() : SingleEditCodeFix(DiagnosticDescriptors.UnknownIndexPath.Id, DiagnosticDescriptors.UnknownProjectionPath.Id)
{
    /// <inheritdoc/>
    protected override Edit? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(CodeFixProperties.SuggestedPath, out var path) || path is null
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
            || !literal.IsKind(SyntaxKind.StringLiteralExpression))
        {
            return null;
        }

        return new Edit($"Use \"{path}\"", literal,
            () => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(path)).WithTriviaFrom(literal));
    }
}
