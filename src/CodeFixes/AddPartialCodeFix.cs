using System.Composition;
using KubeInformers.Generator;
using KubeInformers.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KubeInformers.CodeFixes;

/// <summary>
/// KI0015 "not partial": adds the <c>partial</c> modifier to the projection's declaration (last among its modifiers,
/// where C# requires it). Offered only for that reason of KI0015; stateless, so safe to call concurrently.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFix)), Shared]
public sealed class AddPartialCodeFix() : SingleEditCodeFix(DiagnosticDescriptors.InvalidProjection.Id)
{
    /// <inheritdoc/>
    protected override Edit? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (EnclosingNodeWhenAsked<TypeDeclarationSyntax>(root, diagnostic, CodeFixProperties.AddPartial) is not { } declaration
            || declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return null;
        }

        return new Edit("Make the projection partial", declaration, () =>
        {
            var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
            if (declaration.Modifiers.Count == 0)
            {
                // No modifiers: the keyword's leading trivia (indentation, comments) moves in front of partial.
                var keyword = declaration.Keyword;
                return declaration
                    .WithKeyword(keyword.WithLeadingTrivia())
                    .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
            }

            return declaration.WithModifiers(declaration.Modifiers.Add(partial));
        });
    }
}
