using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace KubeInformers.Generator;

/// <summary>
/// Traces a value back, within one method body (lambdas and local functions included), to the informer cache: a lister,
/// an <c>IIndexer&lt;T&gt;</c>, the reconcile context's primary, an informer handler's parameter, and what is reached from
/// them through members, elements, LINQ element picks and locals. Conservative: a local counts as cached only when every
/// assignment to it is cached; anything it cannot follow (a call it does not know, a field, a <c>ref</c>) is not cached.
/// One instance per analysed write; not thread-safe.
/// </summary>
internal sealed class CachedValueTracker
{
    private static readonly HashSet<string> ElementPicks = new(System.StringComparer.Ordinal)
    {
        "First", "FirstOrDefault", "Single", "SingleOrDefault", "Last", "LastOrDefault", "ElementAt", "ElementAtOrDefault", "MinBy", "MaxBy",
    };

    private static readonly HashSet<string> SequenceFilters = new(System.StringComparer.Ordinal)
    {
        "Where", "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending", "ToList", "ToArray", "Skip", "Take", "SkipWhile",
        "TakeWhile", "Reverse", "Distinct", "DistinctBy", "AsEnumerable",
    };

    /// <summary><c>k8s.Models.ModelExtensions</c> methods that return a reference into the object they are given.</summary>
    private static readonly HashSet<string> ModelAccessors = new(System.StringComparer.Ordinal)
    {
        "Labels", "Annotations", "Finalizers", "OwnerReferences", "GetController", "GetOwnerReference", "EnsureMetadata", "EnsureLabels",
        "EnsureAnnotations", "EnsureFinalizers",
    };

    private readonly CacheSymbols _symbols;
    private readonly Dictionary<ISymbol, CachedValue?> _symbolValues = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _visiting = new(SymbolEqualityComparer.Default);
    private IOperation? _root;

    public CachedValueTracker(CacheSymbols symbols) => _symbols = symbols;

    /// <summary>What <paramref name="operation"/> evaluates to, when it is traced to the cache; null otherwise.</summary>
    public CachedValue? Evaluate(IOperation? operation)
    {
        switch (operation)
        {
            case null:
                return null;
            case IConversionOperation conversion:
                return conversion.Conversion.IsUserDefined ? null : Evaluate(conversion.Operand);
            case IParenthesizedOperation parenthesized:
                return Evaluate(parenthesized.Operand);
            case IInvocationOperation invocation:
                return EvaluateInvocation(invocation);
            case IPropertyReferenceOperation property:
                return EvaluateProperty(property);
            case IFieldReferenceOperation { Field.IsStatic: false } field:
                return IsMutableReference(field.Type) && Evaluate(field.Instance) is { Shape: CachedShape.Object } owner ? owner : null;
            case IArrayElementReferenceOperation element:
                return IsMutableReference(element.Type) && Evaluate(element.ArrayReference) is { } array ? array.AsObject() : null;
            case ILocalReferenceOperation local:
                return EvaluateLocal(local.Local, local);
            case IParameterReferenceOperation parameter:
                return EvaluateParameter(parameter.Parameter, parameter);
            case IConditionalAccessOperation conditional:
                return Evaluate(conditional.WhenNotNull);
            case IConditionalAccessInstanceOperation instance:
                return Evaluate(ConditionalAccessReceiver(instance));
            case ICoalesceOperation coalesce:
                return Evaluate(coalesce.Value); // the fallback may be fresh, but the cached path still writes the cache
            case ICoalesceAssignmentOperation coalesceAssignment:
                return Evaluate(coalesceAssignment.Target); // cached.Status.Conditions ??= []: the list now in the cached object
            case IConditionalOperation { WhenFalse: { } whenFalse } ternary:
                return AllCached(new[] { ternary.WhenTrue, whenFalse });
            case ISwitchExpressionOperation switchExpression:
                return AllCached(switchExpression.Arms.Select(a => a.Value));
            default:
                return null;
        }
    }

    /// <summary>
    /// The value of a choice between <paramref name="branches"/> (a ternary's, a switch expression's arms): cached when every
    /// branch is cached with the same shape, or is <c>null</c> or a <c>throw</c> (which hold no object).
    /// </summary>
    private CachedValue? AllCached(IEnumerable<IOperation> branches)
    {
        CachedValue? first = null;
        foreach (var branch in branches)
        {
            var bare = StripConversions(branch);
            if (bare is IThrowOperation || bare is ILiteralOperation { ConstantValue: { HasValue: true, Value: null } }
                || bare is IDefaultValueOperation { ConstantValue: { HasValue: true, Value: null } })
            {
                continue;
            }

            if (Evaluate(branch) is not { } value || (first is not null && first.Shape != value.Shape))
            {
                return null;
            }

            first ??= value;
        }

        return first;
    }

    /// <summary>Strips implicit conversions, as the code fix sees the expression.</summary>
    public static IOperation StripConversions(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private CachedValue? EvaluateInvocation(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (invocation.Instance is { } instance)
        {
            if (_symbols.ReaderElement(method.ContainingType) is { } element)
            {
                var source = method.Name + " on " + Display(instance.Type ?? method.ContainingType);
                if (SymbolEqualityComparer.Default.Equals(method.ReturnType, element))
                {
                    return new CachedValue(CachedShape.Object, source, invocation.Syntax.ToString());
                }

                return _symbols.IsSequenceOf(method.ReturnType, element)
                    ? new CachedValue(CachedShape.Elements, source, invocation.Syntax.ToString())
                    : null;
            }

            if (CacheSymbols.Is(method.ContainingType, _symbols.ReconcileContext) && method.Name == "Owned")
            {
                return new CachedValue(CachedShape.Elements, "Owned on " + Display(instance.Type ?? method.ContainingType), invocation.Syntax.ToString());
            }

            if (method.Name is "Find" or "FindLast" && method.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic"
                && IsMutableReference(method.ReturnType) && Evaluate(instance) is { } list)
            {
                return list.AsObject();
            }

            return null;
        }

        // Conditions.Find(cached.Status.Conditions, "Ready") and pod.Labels(), pod.GetController(): references into the argument.
        if (invocation.Arguments.Length > 0 && IsMutableReference(method.ReturnType)
            && ((SymbolEqualityComparer.Default.Equals(method.ContainingType, _symbols.Conditions) && method.Name == "Find")
                || (SymbolEqualityComparer.Default.Equals(method.ContainingType, _symbols.ModelExtensions) && ModelAccessors.Contains(method.Name)))
            && Evaluate(invocation.Arguments[0].Value) is { Shape: CachedShape.Object } argument)
        {
            return argument;
        }

        if (SymbolEqualityComparer.Default.Equals(method.ContainingType, _symbols.Enumerable) && invocation.Arguments.Length > 0
            && Evaluate(invocation.Arguments[0].Value) is { } sequence)
        {
            if (ElementPicks.Contains(method.Name))
            {
                return IsMutableReference(method.ReturnType) ? sequence.AsObject() : null;
            }

            if (SequenceFilters.Contains(method.Name))
            {
                return sequence.AsElements();
            }
        }

        return null;
    }

    private CachedValue? EvaluateProperty(IPropertyReferenceOperation reference)
    {
        var property = reference.Property;
        if (property.IsStatic)
        {
            return null;
        }

        if (CacheSymbols.Is(property.ContainingType, _symbols.ReconcileContext) && property.Name == "Object")
        {
            return new CachedValue(CachedShape.Object, "Object of " + Display(property.ContainingType), reference.Syntax.ToString());
        }

        if (!IsMutableReference(property.Type) || Evaluate(reference.Instance) is not { } owner)
        {
            return null;
        }

        // A member of a cached object is shared with it; an element of a cached collection or of a lister's list is cached.
        return property.IsIndexer ? owner.AsObject() : owner.Shape == CachedShape.Object ? owner : null;
    }

    private CachedValue? EvaluateLocal(ILocalSymbol local, IOperation use)
    {
        if (local.IsRef || local.Type.IsValueType)
        {
            return null;
        }

        return Memoized(local, () =>
        {
            var definitions = new List<(CachedValue? Value, IOperation? CopyPoint)>();
            foreach (var operation in Root(use).Descendants())
            {
                if (Definition(operation, local) is { } definition)
                {
                    definitions.Add(definition);
                }
            }

            if (definitions.Count == 0 || definitions.Any(d => d.Value is null)
                || definitions.Select(d => d.Value!.Shape).Distinct().Count() != 1)
            {
                return null;
            }

            var first = definitions[0].Value!;
            return first.HeldBy(local, definitions.Count == 1 ? definitions[0].CopyPoint : null);
        });
    }

    /// <summary>Whether <paramref name="operation"/> gives <paramref name="local"/> a value, and which (null: one not traced to the cache).</summary>
    private (CachedValue? Value, IOperation? CopyPoint)? Definition(IOperation operation, ILocalSymbol local)
    {
        switch (operation)
        {
            case IVariableDeclaratorOperation declarator when Same(declarator.Symbol, local):
                if (declarator.Parent is IForEachLoopOperation enclosing)
                {
                    return (ForEachElement(enclosing), null);
                }

                return declarator.Initializer is { } initializer
                    ? (Evaluate(initializer.Value), StripConversions(initializer.Value))
                    : null; // declared without a value: the assignments define it
            case IForEachLoopOperation loop when loop.LoopControlVariable is not IVariableDeclaratorOperation && ReferencesLocal(loop.LoopControlVariable, local):
                return (null, null); // deconstruction or an existing variable: not followed
            case ISimpleAssignmentOperation assignment when assignment.Target is ILocalReferenceOperation target && Same(target.Local, local):
                return (Evaluate(assignment.Value), StripConversions(assignment.Value));
            case ICompoundAssignmentOperation or ICoalesceAssignmentOperation or IDeconstructionAssignmentOperation
                when AssignsLocal(((IAssignmentOperation)operation).Target, local):
                return (null, null);
            case IDeclarationPatternOperation declaration when Same(declaration.DeclaredSymbol, local):
                return PatternInput(declaration);
            case IRecursivePatternOperation recursive when Same(recursive.DeclaredSymbol, local):
                return PatternInput(recursive);
            case ILocalReferenceOperation reference when Same(reference.Local, local) && OutArgument(reference) is { } argument:
                return (OutValue(argument), null);
            default:
                return null;
        }
    }

    private CachedValue? ForEachElement(IForEachLoopOperation loop)
        => Evaluate(loop.Collection) is { } collection && loop.LoopControlVariable is IVariableDeclaratorOperation declarator
            && IsMutableReference(declarator.Symbol.Type)
            ? collection.AsObject()
            : null;

    /// <summary>
    /// The value a pattern tests, and where a copy of it would go: for a pattern at the top of an <c>is</c>, a
    /// <c>switch</c> statement's case or a switch expression's arm (or a side of an <c>and</c> there), the tested value; for
    /// a property subpattern (<c>{ Spec: var spec }</c>, <c>{ Metadata.Labels: var labels }</c>), that member of the value
    /// the enclosing pattern tests. Only an <c>is</c> gives a place to copy at (its operand).
    /// </summary>
    private (CachedValue?, IOperation?) PatternInput(IPatternOperation pattern)
    {
        switch (pattern.Parent)
        {
            case IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.And } both:
                return PatternInput(both);
            case INegatedPatternOperation negated when negated.Parent is IIsPatternOperation:
                return PatternInput(negated); // obj is not { } x
            case IPropertySubpatternOperation { Parent: IRecursivePatternOperation enclosing, Member: var member }:
                var (owner, copyPoint) = PatternValue(enclosing);
                return owner is { Shape: CachedShape.Object } && member is IPropertyReferenceOperation or IFieldReferenceOperation && IsMutableReference(member.Type)
                    ? (owner, copyPoint)
                    : (null, null);
        }

        var input = pattern.Parent switch
        {
            IIsPatternOperation isPattern => isPattern.Value,
            ISwitchExpressionArmOperation { Parent: ISwitchExpressionOperation switchExpression } => switchExpression.Value,
            IPatternCaseClauseOperation { Parent: ISwitchCaseOperation { Parent: ISwitchOperation switchStatement } } => switchStatement.Value,
            _ => null,
        };
        return input is null ? (null, null) : (Evaluate(input), pattern.Parent is IIsPatternOperation ? StripConversions(input) : null);
    }

    /// <summary>What a recursive pattern matches, as held by the local it declares (if any), so members read from it name that local.</summary>
    private (CachedValue?, IOperation?) PatternValue(IRecursivePatternOperation pattern)
    {
        var (value, copyPoint) = PatternInput(pattern);
        return value is not null && pattern.DeclaredSymbol is ILocalSymbol local ? (value.HeldBy(local, copyPoint), copyPoint) : (value, copyPoint);
    }

    /// <summary>The argument a local is passed to as <c>out</c> or <c>ref</c> (a write), or null.</summary>
    private static IArgumentOperation? OutArgument(ILocalReferenceOperation reference)
    {
        var parent = reference.Parent is IDeclarationExpressionOperation declaration ? declaration.Parent : reference.Parent;
        return parent is IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument ? argument : null;
    }

    /// <summary><c>TryGetByKey(key, out obj)</c> on a cache reader gives a cached object; any other <c>out</c> or <c>ref</c> is not followed.</summary>
    private CachedValue? OutValue(IArgumentOperation argument)
    {
        if (argument.Parent is IInvocationOperation { Instance: { } instance } invocation && argument.Parameter?.RefKind == RefKind.Out
            && _symbols.ReaderElement(invocation.TargetMethod.ContainingType) is { } element
            && SymbolEqualityComparer.Default.Equals(argument.Parameter.Type, element))
        {
            return new CachedValue(CachedShape.Object, invocation.TargetMethod.Name + " on " + Display(instance.Type ?? invocation.TargetMethod.ContainingType),
                invocation.Syntax.ToString());
        }

        return null;
    }

    private CachedValue? EvaluateParameter(IParameterSymbol parameter, IOperation use)
    {
        if (parameter.RefKind != RefKind.None || !IsMutableReference(parameter.Type))
        {
            return null;
        }

        return Memoized(parameter, () =>
        {
            // A parameter assigned in the body may hold anything: not followed.
            if (Root(use).Descendants().Any(o => o is IAssignmentOperation { Target: IParameterReferenceOperation target } && Same(target.Parameter, parameter)
                || o is IParameterReferenceOperation { Parent: IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } } reference && Same(reference.Parameter, parameter)))
            {
                return null;
            }

            var source = parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda
                ? HandlerOfLambda(lambda, use)
                : parameter.ContainingSymbol is IMethodSymbol method ? HandlerMethod(method, parameter) : null;
            return source is null ? null : CachedValue.FromParameter(parameter, source);
        });
    }

    /// <summary>For a lambda passed straight to an API that hands it cached objects, that API (<c>onUpdate handler of PodInformer.AddEventHandler</c>).</summary>
    private string? HandlerOfLambda(IMethodSymbol lambda, IOperation use)
    {
        IOperation? function = use;
        while (function is not null && !(function is IAnonymousFunctionOperation af && Same(af.Symbol, lambda)))
        {
            function = function.Parent;
        }

        var consumer = function?.Parent;
        while (consumer is IDelegateCreationOperation or IConversionOperation or IParenthesizedOperation)
        {
            function = consumer;
            consumer = consumer.Parent;
        }

        switch (consumer)
        {
            case IArgumentOperation { Parameter: { ContainingSymbol: IMethodSymbol method } parameter }:
            {
                var type = method.ContainingType;
                var handsOutCached =
                    (method.Name == "AddEventHandler" && _symbols.IsGenerated(type) && parameter.Name is "onAdd" or "onUpdate" or "onDelete")
                    || (SymbolEqualityComparer.Default.Equals(type, _symbols.ChangePredicates) && method.Name == "Where")
                    || (CacheSymbols.Is(type, _symbols.ControllerBuilder) && method.Name == "Watches" && parameter.Name == "map")
                    || (SymbolEqualityComparer.Default.Equals(type, _symbols.ControllerInformerExtensions) && method.Name == "WatchMapped" && parameter.Name == "map")
                    || (CacheSymbols.Is(type, _symbols.Finalizer) && method.Name == "HandleAsync" && parameter.Name == "cleanup"); // given the cached object until a 409 re-reads
                return handsOutCached ? $"{parameter.Name} handler of {Display(type)}.{method.Name}" : null;
            }

            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: var property } } assignment when assignment.Value == function:
            {
                var handsOutCached =
                    (CacheSymbols.Is(property.ContainingType, _symbols.ResourceEventHandler) && property.Name is "Added" or "Updated" or "Deleted")
                    || (CacheSymbols.Is(property.ContainingType, _symbols.ChangePredicate) && property.Name is "Add" or "Update" or "Delete");
                return handsOutCached ? $"{property.Name} handler of {Display(property.ContainingType)}" : null;
            }

            default:
                return null;
        }
    }

    /// <summary>For a method implementing <c>IResourceEventHandler&lt;T&gt;.OnAdd/OnUpdate/OnDelete</c>, that member.</summary>
    private string? HandlerMethod(IMethodSymbol method, IParameterSymbol parameter)
    {
        if (_symbols.ResourceEventHandlerInterface is null || method.ContainingType is not { } type)
        {
            return null;
        }

        foreach (var handler in type.AllInterfaces.Where(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, _symbols.ResourceEventHandlerInterface)))
        {
            foreach (var member in handler.GetMembers().OfType<IMethodSymbol>())
            {
                if (Same(type.FindImplementationForInterfaceMember(member), method)
                    && SymbolEqualityComparer.Default.Equals(parameter.Type, handler.TypeArguments[0]))
                {
                    return $"{member.Name} of {Display(handler)}";
                }
            }
        }

        return null;
    }

    private CachedValue? Memoized(ISymbol symbol, System.Func<CachedValue?> evaluate)
    {
        if (_symbolValues.TryGetValue(symbol, out var known))
        {
            return known;
        }

        if (!_visiting.Add(symbol))
        {
            return null; // a cycle (x = x.Next): not followed
        }

        var value = evaluate();
        _visiting.Remove(symbol);
        _symbolValues[symbol] = value;
        return value;
    }

    private IOperation Root(IOperation operation)
    {
        if (_root is not null)
        {
            return _root;
        }

        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return _root = operation;
    }

    private static IOperation? ConditionalAccessReceiver(IConditionalAccessInstanceOperation instance)
    {
        IOperation previous = instance;
        for (var current = instance.Parent; current is not null; previous = current, current = current.Parent)
        {
            if (current is IConditionalAccessOperation conditional && conditional.WhenNotNull == previous)
            {
                return conditional.Operation;
            }
        }

        return null;
    }

    /// <summary>Whether an assignment target is <paramref name="local"/> itself, or a tuple (deconstruction) with it among its elements.</summary>
    private static bool AssignsLocal(IOperation target, ILocalSymbol local) => target switch
    {
        ILocalReferenceOperation reference => Same(reference.Local, local),
        IDeclarationExpressionOperation declaration => AssignsLocal(declaration.Expression, local),
        ITupleOperation tuple => tuple.Elements.Any(e => AssignsLocal(e, local)),
        IConversionOperation conversion => AssignsLocal(conversion.Operand, local),
        _ => false,
    };

    private static bool ReferencesLocal(IOperation operation, ILocalSymbol local)
        => operation.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Any(r => Same(r.Local, local));

    private static bool Same(ISymbol? a, ISymbol? b) => SymbolEqualityComparer.Default.Equals(a, b);

    /// <summary>Reference types whose instances a write can change: not strings, not delegates.</summary>
    private static bool IsMutableReference(ITypeSymbol? type)
        => type is { IsReferenceType: true, SpecialType: not SpecialType.System_String, TypeKind: not TypeKind.Delegate };

    private static string Display(ITypeSymbol type)
        => type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
}
