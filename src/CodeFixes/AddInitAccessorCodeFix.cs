using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using KubeInformers.Generator;
using KubeInformers.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KubeInformers.CodeFixes;

/// <summary>
/// KI0018 "no set or init accessor": turns an auto property <c>{ get; }</c> into <c>{ get; init; }</c> so the generated
/// reader can fill it. Offered only for auto properties (the analyzer marks them); stateless, so safe to call concurrently.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddInitAccessorCodeFix)), Shared]
public sealed class AddInitAccessorCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidProjectionMember.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(CodeFixProperties.Fix, out var fix) || fix != CodeFixProperties.AddInitAccessor
                || root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<PropertyDeclarationSyntax>().FirstOrDefault() is not { AccessorList: { } accessors } property)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Add an init accessor", _ =>
                {
                    var init = SyntaxFactory.AccessorDeclaration(SyntaxKind.InitAccessorDeclaration)
                        .WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken))
                        .WithLeadingTrivia(SyntaxFactory.Space);
                    var last = accessors.Accessors.Last();
                    var updated = accessors
                        .ReplaceNode(last, last.WithoutTrailingTrivia())
                        .AddAccessors(init.WithTrailingTrivia(last.GetTrailingTrivia()));
                    return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(accessors, updated)));
                }, equivalenceKey: nameof(AddInitAccessorCodeFix)),
                diagnostic);
        }
    }
}
