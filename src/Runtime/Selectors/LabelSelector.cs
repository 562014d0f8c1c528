namespace KubeInformers;

/// <summary>
/// A parsed Kubernetes label selector with the full string syntax: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>,
/// <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c> (exists), <c>!a</c> (does not exist), comma-separated (AND).
/// Immutable and thread-safe; parse once and reuse.
/// </summary>
public sealed class LabelSelector
{
    /// <summary>The selector that matches every object (the empty string).</summary>
    public static LabelSelector Everything { get; } = null!;

    /// <summary>Parses a selector.</summary>
    /// <exception cref="FormatException">The text is not a valid selector; the message says where and why.</exception>
    public static LabelSelector Parse(string selector) => throw new NotImplementedException();

    /// <summary>Parses a selector, reporting failure instead of throwing.</summary>
    public static bool TryParse(string? selector, out LabelSelector result, out string? error) => throw new NotImplementedException();

    /// <summary>Builds a selector from a <c>V1LabelSelector</c> (matchLabels and matchExpressions).</summary>
    /// <exception cref="FormatException">An expression has an unknown operator or wrong values.</exception>
    public static LabelSelector FromLabelSelector(k8s.Models.V1LabelSelector selector) => throw new NotImplementedException();

    /// <summary>Whether this selector matches everything.</summary>
    public bool IsEverything => throw new NotImplementedException();

    /// <summary>Whether a set of labels (possibly null: no labels) satisfies every requirement.</summary>
    public bool Matches(IDictionary<string, string>? labels) => throw new NotImplementedException();

    /// <summary>The canonical string form, as accepted by the API server.</summary>
    public override string ToString() => throw new NotImplementedException();
}
