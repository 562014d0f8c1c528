namespace KubeInformers;

/// <summary>
/// A CEL validation rule (<c>x-kubernetes-validations</c>) on the schema of a class (its object) or of a property.
/// Repeatable. <c>self</c> is the value the rule is attached to; the API server evaluates the rule on every write.
/// </summary>
/// <code>
/// [ValidationRule("self.minReplicas &lt;= self.maxReplicas", Message = "minReplicas must not exceed maxReplicas")]
/// public sealed class ScalingSpec { ... }
/// </code>
/// <remarks>
/// The KubeInformers emulator evaluates a documented subset of CEL (see <c>docs/crds.md</c>); a rule outside it is
/// accepted there without being checked.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class ValidationRuleAttribute : Attribute
{
    /// <summary>Declares a CEL rule.</summary>
    /// <param name="rule">The CEL expression, true when the value is valid.</param>
    public ValidationRuleAttribute(string rule) => Rule = rule;

    /// <summary>The CEL expression (<c>rule</c>).</summary>
    public string Rule { get; }

    /// <summary>The message returned when the rule fails (<c>message</c>).</summary>
    public string? Message { get; set; }

    /// <summary>A CEL expression producing the message (<c>messageExpression</c>).</summary>
    public string? MessageExpression { get; set; }

    /// <summary>The reason returned when the rule fails (<c>reason</c>): <c>FieldValueInvalid</c>, <c>FieldValueForbidden</c>, <c>FieldValueRequired</c> or <c>FieldValueDuplicate</c>.</summary>
    public string? Reason { get; set; }

    /// <summary>The field path reported on failure, relative to the value (<c>fieldPath</c>), e.g. <c>.maxReplicas</c>.</summary>
    public string? FieldPath { get; set; }
}
