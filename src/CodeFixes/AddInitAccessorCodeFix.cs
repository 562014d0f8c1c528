using System.Composition;
using System.Linq;
using KubeInformers.Generator;
using KubeInformers.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KubeInformers.CodeFixes;

/// <summary>
/// KI0018 "no set or init accessor": turns an auto property <c>{ get; }</c> into <c>{ get; init; }</c> so the generated
/// reader can fill it. Offered only for auto properties (the analyzer marks them); stateless, so safe to call concurrently.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddInitAccessorCodeFix)), Shared]
public sealed class AddInitAccessorCodeFix() : SingleEditCodeFix(DiagnosticDescriptors.InvalidProjectionMember.Id)
{
    /// <inheritdoc/>
    protected override Edit? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (EnclosingNodeWhenAsked<PropertyDeclarationSyntax>(root, diagnostic, CodeFixProperties.AddInitAccessor) is not { AccessorList: { } accessors })
        {
            return null;
        }

        return new Edit("Add an init accessor", accessors, () =>
        {
            var init = SyntaxFactory.AccessorDeclaration(SyntaxKind.InitAccessorDeclaration)
                .WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken))
                .WithLeadingTrivia(SyntaxFactory.Space);
            var last = accessors.Accessors.Last();
            return accessors
                .ReplaceNode(last, last.WithoutTrailingTrivia())
                .AddAccessors(init.WithTrailingTrivia(last.GetTrailingTrivia()));
        });
    }
}
