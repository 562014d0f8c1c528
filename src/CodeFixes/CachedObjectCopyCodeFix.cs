using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KubeInformers.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace KubeInformers.CodeFixes;

/// <summary>
/// KI0200, KI0201: makes the written object a private copy at the point it leaves the cache, with the generated
/// <c>DeepCopy()</c>. For a local, its only definition gets <c>.DeepCopy()</c> (<c>?.DeepCopy()</c> when the value may be
/// null: <c>var d = lister.Get(ns, name)?.DeepCopy();</c>); for an informer handler's parameter, the body starts with
/// <c>var objCopy = obj.DeepCopy();</c> and uses the copy instead. Offered only when the analyzer found that point and a
/// generated <c>DeepCopy()</c> for the type (<see cref="CachedObjectFix"/>); stateless, so safe to call concurrently.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CachedObjectCopyCodeFix)), Shared]
public sealed class CachedObjectCopyCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CachedObjectWrite.Id, DiagnosticDescriptors.CachedCollectionMutation.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(CachedObjectFix.Kind, out var kind) || diagnostic.AdditionalLocations.Count == 0
                || diagnostic.AdditionalLocations[0].SourceTree != root.SyntaxTree)
            {
                continue;
            }

            var span = diagnostic.AdditionalLocations[0].SourceSpan;
            if (kind == CachedObjectFix.CopyValue
                && root.FindNode(span).DescendantNodesAndSelf().OfType<ExpressionSyntax>().FirstOrDefault(e => e.Span == span) is { } value)
            {
                var maybeNull = diagnostic.Properties.TryGetValue(CachedObjectFix.MaybeNull, out var flag) && flag == "true";
                context.RegisterCodeFix(
                    CodeAction.Create("Copy it where it leaves the cache: DeepCopy()",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(value, WithDeepCopy(value, maybeNull)))),
                        equivalenceKey: nameof(CachedObjectCopyCodeFix) + "." + kind),
                    diagnostic);
            }
            else if (kind == CachedObjectFix.CopyParameter
                && root.FindNode(span).AncestorsAndSelf().OfType<ParameterSyntax>().FirstOrDefault() is { } parameter
                && parameter.Ancestors().FirstOrDefault(IsFunction) is { } function)
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Work on a copy of '{parameter.Identifier.ValueText}': DeepCopy()",
                        ct => CopyParameterAsync(context.Document, root, parameter, function, ct),
                        equivalenceKey: nameof(CachedObjectCopyCodeFix) + "." + kind),
                    diagnostic);
            }
        }
    }

    /// <summary><c>value.DeepCopy()</c> or <c>value?.DeepCopy()</c>, parenthesized when the value is not a primary expression.</summary>
    private static ExpressionSyntax WithDeepCopy(ExpressionSyntax value, bool maybeNull)
    {
        var bare = value.WithoutTrivia();
        var receiver = bare is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax
            or ParenthesizedExpressionSyntax or ThisExpressionSyntax or ObjectCreationExpressionSyntax
            || bare.IsKind(SyntaxKind.SuppressNullableWarningExpression)
            || (maybeNull && bare is ConditionalAccessExpressionSyntax)
            ? bare
            : SyntaxFactory.ParenthesizedExpression(bare);
        var deepCopy = SyntaxFactory.IdentifierName("DeepCopy");
        ExpressionSyntax copied = maybeNull
            ? SyntaxFactory.ConditionalAccessExpression(receiver, SyntaxFactory.InvocationExpression(SyntaxFactory.MemberBindingExpression(deepCopy)))
            : SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, deepCopy));
        return copied.WithTriviaFrom(value);
    }

    private static bool IsFunction(SyntaxNode node) => node is AnonymousFunctionExpressionSyntax or BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax;

    /// <summary>Starts the function's body with <c>var xCopy = x.DeepCopy();</c> and makes every use of the parameter use the copy.</summary>
    private static async Task<Document> CopyParameterAsync(Document document, SyntaxNode root, ParameterSyntax parameter, SyntaxNode function,
        CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model?.GetDeclaredSymbol(parameter, cancellationToken) is not { } symbol)
        {
            return document;
        }

        var (block, expression) = function switch
        {
            AnonymousFunctionExpressionSyntax lambda => (lambda.Block, lambda.ExpressionBody),
            BaseMethodDeclarationSyntax method => (method.Body, method.ExpressionBody?.Expression),
            LocalFunctionStatementSyntax local => (local.Body, local.ExpressionBody?.Expression),
            _ => (null, null),
        };
        SyntaxNode? body = (SyntaxNode?)block ?? expression;
        if (body is null)
        {
            return document;
        }

        var copyName = UniqueName(model, body, symbol.Name + "Copy");
        var uses = body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Where(id => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(id, cancellationToken).Symbol, symbol))
            .ToList();
        var renamed = body.ReplaceNodes(uses, (original, _) => SyntaxFactory.IdentifierName(copyName).WithTriviaFrom(original));
        var copy = SyntaxFactory.ParseStatement($"var {copyName} = {parameter.Identifier.Text}.DeepCopy();")
            .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
            .WithTrailingTrivia(SyntaxFactory.ElasticMarker)
            .WithAdditionalAnnotations(Formatter.Annotation);

        SyntaxNode updated;
        if (renamed is BlockSyntax existing)
        {
            updated = ReplaceBody(function, existing.WithStatements(existing.Statements.Insert(0, copy)));
        }
        else
        {
            // An expression body becomes a block, laid out by hand: the formatter keeps a one-line lambda block on one line.
            var returnsValue = FunctionSymbol(model, function, cancellationToken) is { } method && ReturnsValue(method, function);
            var expressionBody = (ExpressionSyntax)renamed;
            var last = returnsValue
                ? (StatementSyntax)SyntaxFactory.ReturnStatement(expressionBody.WithoutTrivia())
                : SyntaxFactory.ExpressionStatement(expressionBody.WithoutTrivia());
            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var line = text.Lines.GetLineFromPosition(function.SpanStart).ToString();
            var indent = line.Substring(0, line.Length - line.TrimStart().Length);
            var newLine = text.ToString().Contains("\r\n") ? "\r\n" : "\n";
            var newBody = SyntaxFactory.Block(
                SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(indent)).WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine)),
                SyntaxFactory.List(new[] { SyntaxFactory.ParseStatement($"var {copyName} = {parameter.Identifier.Text}.DeepCopy();"), last }
                    .Select(st => st.WithoutTrivia().WithLeadingTrivia(SyntaxFactory.Whitespace(indent + "    ")).WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine)))),
                SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(indent)));
            updated = function switch
            {
                LambdaExpressionSyntax lambda => lambda
                    .WithArrowToken(lambda.ArrowToken.WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine)))
                    .WithExpressionBody(null).WithBlock(newBody.WithTrailingTrivia(lambda.ExpressionBody!.GetTrailingTrivia())),
                BaseMethodDeclarationSyntax m => ReplaceBody(m.WithParameterList(m.ParameterList.WithCloseParenToken(
                        m.ParameterList.CloseParenToken.WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine)))),
                    newBody.WithTrailingTrivia(m.SemicolonToken.TrailingTrivia)),
                LocalFunctionStatementSyntax l => ReplaceBody(l.WithParameterList(l.ParameterList.WithCloseParenToken(
                        l.ParameterList.CloseParenToken.WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine)))),
                    newBody.WithTrailingTrivia(l.SemicolonToken.TrailingTrivia)),
                _ => function,
            };
        }

        var changed = document.WithSyntaxRoot(root.ReplaceNode(function, updated));
        return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The function with <paramref name="block"/> as its body (an expression body and its semicolon removed).</summary>
    private static SyntaxNode ReplaceBody(SyntaxNode function, BlockSyntax block) => function switch
    {
        AnonymousFunctionExpressionSyntax lambda => lambda.WithExpressionBody(null).WithBlock(block),
        BaseMethodDeclarationSyntax method => method.WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
        LocalFunctionStatementSyntax local => local.WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
        _ => function,
    };

    /// <summary>The method, or for a lambda the delegate's Invoke (what the lambda was converted to decides what it returns).</summary>
    private static IMethodSymbol? FunctionSymbol(SemanticModel model, SyntaxNode function, CancellationToken cancellationToken)
        => function is AnonymousFunctionExpressionSyntax
            ? (model.GetTypeInfo(function, cancellationToken).ConvertedType as INamedTypeSymbol)?.DelegateInvokeMethod
            : model.GetDeclaredSymbol(function, cancellationToken) as IMethodSymbol;

    /// <summary>Whether an expression body is the returned value (not void, not an async function returning a bare Task/ValueTask).</summary>
    private static bool ReturnsValue(IMethodSymbol method, SyntaxNode function)
    {
        var isAsync = function switch
        {
            AnonymousFunctionExpressionSyntax lambda => lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword),
            BaseMethodDeclarationSyntax m => m.Modifiers.Any(SyntaxKind.AsyncKeyword),
            LocalFunctionStatementSyntax l => l.Modifiers.Any(SyntaxKind.AsyncKeyword),
            _ => false,
        };
        return !method.ReturnsVoid
            && !(isAsync && method.ReturnType is INamedTypeSymbol { IsGenericType: false, Name: "Task" or "ValueTask" });
    }

    private static string UniqueName(SemanticModel model, SyntaxNode body, string name)
    {
        var candidate = name;
        for (var i = 2; model.LookupSymbols(body.SpanStart, name: candidate).Any()
            || body.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == candidate); i++)
        {
            candidate = name + i;
        }

        return candidate;
    }
}
