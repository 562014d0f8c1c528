using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace KubeInformers.Generator;

/// <summary>
/// Reports writes to objects that came from the informer cache (KI0200: a member assigned, compound-assigned,
/// incremented, or set by KubernetesClient's <c>SetNamespace</c>/<c>Ensure…</c>; KI0201: a collection reached from one
/// changed, by <c>Add</c>/<c>Remove</c>/<c>Clear</c>/..., an indexer, an element set, <c>Conditions.Set</c>/<c>Remove</c>
/// or KubernetesClient's <c>SetLabel</c>/<c>SetAnnotation</c>/<c>AddFinalizer</c>/<c>…OwnerReference</c>), where the object is traced by <see cref="CachedValueTracker"/> within the method. Works on
/// IOperation and the runtime's symbols (by metadata name), never on the spelling of the code. Stateless between
/// operations; safe for concurrent execution.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CachedObjectMutationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Methods of <c>System.Collections</c> types (and <c>CollectionExtensions</c>) that change the collection.</summary>
    private static readonly HashSet<string> CollectionMutators = new(System.StringComparer.Ordinal)
    {
        "Add", "AddRange", "Clear", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere",
        "Reverse", "Sort", "TryAdd", "UnionWith", "ExceptWith", "IntersectWith", "SymmetricExceptWith", "Push", "Pop",
        "Enqueue", "Dequeue",
    };

    /// <summary><c>k8s.Models.ModelExtensions</c> methods that change a collection of the object they are given.</summary>
    private static readonly HashSet<string> ModelCollectionMutators = new(System.StringComparer.Ordinal)
    {
        "AddFinalizer", "RemoveFinalizer", "AddOwnerReference", "RemoveOwnerReference", "RemoveOwnerReferences", "SetAnnotation", "SetLabel",
    };

    /// <summary><c>k8s.Models.ModelExtensions</c> methods that assign a member of the object they are given (the Ensure ones when it is missing).</summary>
    private static readonly HashSet<string> ModelMemberWriters = new(System.StringComparer.Ordinal)
    {
        "SetNamespace", "EnsureMetadata", "EnsureLabels", "EnsureAnnotations", "EnsureFinalizers",
    };

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CachedObjectWrite, DiagnosticDescriptors.CachedCollectionMutation);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = CacheSymbols.For(start.Compilation);
            if (!symbols.IsAvailable)
            {
                return; // KubeInformers is not referenced
            }

            start.RegisterOperationAction(c => AnalyzeWrite(c, symbols),
                OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.CoalesceAssignment,
                OperationKind.Increment, OperationKind.Decrement);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, symbols), OperationKind.Invocation);
        });
    }

    private static void AnalyzeWrite(OperationAnalysisContext context, CacheSymbols symbols)
    {
        var target = context.Operation switch
        {
            IAssignmentOperation assignment => assignment.Target,
            IIncrementOrDecrementOperation increment => increment.Target,
            _ => null,
        };

        var tracker = new CachedValueTracker(symbols);
        switch (target)
        {
            case IPropertyReferenceOperation { Property.IsStatic: false, Instance: { } instance } property:
                if (tracker.Evaluate(instance) is { Shape: CachedShape.Object } owner)
                {
                    Report(context, symbols, property.Property.IsIndexer ? DiagnosticDescriptors.CachedCollectionMutation : DiagnosticDescriptors.CachedObjectWrite,
                        target.Syntax.GetLocation(), owner, "the indexer");
                }

                break;
            case IFieldReferenceOperation { Field.IsStatic: false, Instance: { } instance }:
                if (tracker.Evaluate(instance) is { Shape: CachedShape.Object } fieldOwner)
                {
                    Report(context, symbols, DiagnosticDescriptors.CachedObjectWrite, target.Syntax.GetLocation(), fieldOwner, null);
                }

                break;
            case IArrayElementReferenceOperation element:
                if (tracker.Evaluate(element.ArrayReference) is { Shape: CachedShape.Object } array)
                {
                    Report(context, symbols, DiagnosticDescriptors.CachedCollectionMutation, target.Syntax.GetLocation(), array, "the indexer");
                }

                break;
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, CacheSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        IOperation? collection;
        string verb;
        if (SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.ModelExtensions) && invocation.Arguments.Length > 0
            && (ModelCollectionMutators.Contains(method.Name) || ModelMemberWriters.Contains(method.Name)))
        {
            // pod.SetLabel("x", "y"), pod.AddFinalizer(...): KubernetesClient's helpers change the object they extend.
            if (new CachedValueTracker(symbols).Evaluate(invocation.Arguments[0].Value) is { Shape: CachedShape.Object } target)
            {
                Report(context, symbols, ModelCollectionMutators.Contains(method.Name) ? DiagnosticDescriptors.CachedCollectionMutation : DiagnosticDescriptors.CachedObjectWrite,
                    invocation.Syntax.GetLocation(), target, "'" + method.Name + "'");
            }

            return;
        }

        if (SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.Conditions) && method.Name is "Set" or "Remove"
            && invocation.Arguments.Length > 0)
        {
            collection = invocation.Arguments[0].Value; // Conditions.Set(obj.Status.Conditions, ...) changes the list
            verb = "'Conditions." + method.Name + "'";
        }
        else if (CollectionMutators.Contains(method.Name) && method.ContainingNamespace?.ToDisplayString() is { } ns
            && (ns == "System.Collections" || ns.StartsWith("System.Collections.", System.StringComparison.Ordinal))
            && ns is not ("System.Collections.Immutable" or "System.Collections.Frozen")) // their Add returns a new collection
        {
            collection = invocation.Instance ?? (method.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
            verb = "'" + method.Name + "'";
        }
        else
        {
            return;
        }

        if (collection is null || !symbols.IsCollection(CachedValueTracker.StripConversions(collection).Type))
        {
            return;
        }

        if (new CachedValueTracker(symbols).Evaluate(collection) is { Shape: CachedShape.Object } value)
        {
            Report(context, symbols, DiagnosticDescriptors.CachedCollectionMutation, invocation.Syntax.GetLocation(), value, verb);
        }
    }

    private static void Report(OperationAnalysisContext context, CacheSymbols symbols, DiagnosticDescriptor descriptor, Location location,
        CachedValue value, string? verb)
    {
        var properties = ImmutableDictionary<string, string?>.Empty;
        var additional = new List<Location>();
        if (value.CopyPoint is { } copyPoint && symbols.DeepCopyFor(copyPoint.Type) is not null)
        {
            // value! has no operation of its own: the copy goes after the '!' (value!.DeepCopy()).
            var syntax = copyPoint.Syntax.Parent is PostfixUnaryExpressionSyntax suppressed && suppressed.IsKind(SyntaxKind.SuppressNullableWarningExpression)
                ? suppressed
                : copyPoint.Syntax;
            // Where nullable analysis is off, the declared annotation says it (a lister's Get returns T?).
            var nullability = copyPoint.SemanticModel?.GetTypeInfo(syntax, context.CancellationToken).Nullability;
            var maybeNull = nullability?.FlowState == NullableFlowState.MaybeNull
                || (nullability?.FlowState is null or NullableFlowState.None && syntax == copyPoint.Syntax
                    && copyPoint.Type?.NullableAnnotation == NullableAnnotation.Annotated);
            properties = properties.Add(CachedObjectFix.Kind, CachedObjectFix.CopyValue)
                .Add(CachedObjectFix.MaybeNull, maybeNull ? "true" : "false");
            additional.Add(syntax.GetLocation());
        }
        else if (value.Parameter is { } parameter && symbols.DeepCopyFor(parameter.Type) is not null
            && parameter.DeclaringSyntaxReferences.FirstOrDefault() is { } declaration)
        {
            properties = properties.Add(CachedObjectFix.Kind, CachedObjectFix.CopyParameter);
            additional.Add(declaration.GetSyntax(context.CancellationToken).GetLocation());
        }

        var diagnostic = descriptor == DiagnosticDescriptors.CachedCollectionMutation
            ? Diagnostic.Create(descriptor, location, additional, properties, value.WrittenName, value.Source, verb, value.CopyName)
            : Diagnostic.Create(descriptor, location, additional, properties, value.WrittenName, value.Source, value.CopyName);
        context.ReportDiagnostic(diagnostic);
    }
}
