using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using KubeInformers.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace KubeInformers.CodeFixes;

/// <summary>
/// A code fix that is one node replaced by another: the subclass says, per diagnostic, which node and with what (or
/// nothing, when the fix does not apply); this class registers the action, with the subclass's name as equivalence key,
/// and fixes all in a batch. Stateless, so safe to call concurrently.
/// </summary>
public abstract class SingleEditCodeFix : CodeFixProvider
{
    /// <summary>One edit: the action's title, the node replaced, and how to make its replacement.</summary>
    protected sealed class Edit(string title, SyntaxNode node, Func<SyntaxNode> replacement)
    {
        /// <summary>The action's title.</summary>
        public string Title { get; } = title;

        /// <summary>The node replaced.</summary>
        public SyntaxNode Node { get; } = node;

        /// <summary>Makes the replacement (called when the action is applied).</summary>
        public Func<SyntaxNode> Replacement { get; } = replacement;
    }

    /// <summary>Fixes the diagnostics with <paramref name="ids"/>.</summary>
    protected SingleEditCodeFix(params string[] ids) => FixableDiagnosticIds = ImmutableArray.Create(ids);

    /// <inheritdoc/>
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Plan(root, diagnostic) is not { } edit)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(edit.Title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(edit.Node, edit.Replacement()))),
                    equivalenceKey: GetType().Name),
                diagnostic);
        }
    }

    /// <summary>
    /// The innermost <typeparamref name="TNode"/> around <paramref name="diagnostic"/>'s location when the analyzer asked
    /// for <paramref name="fix"/> (the diagnostic's <see cref="CodeFixProperties.Fix"/> property); null when it asked for
    /// another fix or there is no such node.
    /// </summary>
    protected static TNode? EnclosingNodeWhenAsked<TNode>(SyntaxNode root, Diagnostic diagnostic, string fix) where TNode : SyntaxNode
        => diagnostic.Properties.TryGetValue(CodeFixProperties.Fix, out var asked) && asked == fix
            ? root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<TNode>().FirstOrDefault()
            : null;

    /// <summary>The edit that fixes <paramref name="diagnostic"/>, or null when this fix does not apply to it.</summary>
    protected abstract Edit? Plan(SyntaxNode root, Diagnostic diagnostic);
}
