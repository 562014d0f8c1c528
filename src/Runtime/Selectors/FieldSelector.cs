using System.Text;

namespace KubeInformers;

/// <summary>The operator of a <see cref="FieldRequirement"/>.</summary>
public enum FieldSelectorOperator
{
    /// <summary><c>field=value</c> or <c>field==value</c>.</summary>
    Equals,
    /// <summary><c>field!=value</c>.</summary>
    NotEquals,
}

/// <summary>One term of a <see cref="FieldSelector"/>: a field compared with a value.</summary>
/// <param name="Field">The field path, e.g. <c>metadata.name</c> or <c>spec.nodeName</c>.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">The value, unescaped.</param>
public readonly record struct FieldRequirement(string Field, FieldSelectorOperator Operator, string Value)
{
    /// <summary>Whether a field value (null: the object has no such field, which compares as the empty string) satisfies this term.</summary>
    public bool Matches(string? fieldValue)
        => string.Equals(fieldValue ?? string.Empty, Value, StringComparison.Ordinal) == (Operator == FieldSelectorOperator.Equals);

    /// <summary>The canonical text: <c>field=value</c> or <c>field!=value</c>, with <c>\</c>, <c>,</c> and <c>=</c> in the value escaped.</summary>
    public override string ToString()
        => string.Concat(Field, Operator == FieldSelectorOperator.Equals ? "=" : "!=", FieldSelector.EscapeValue(Value));
}

/// <summary>
/// A parsed Kubernetes field selector: comma-separated terms <c>field=value</c>, <c>field==value</c> or
/// <c>field!=value</c>, all of which must hold. Immutable and thread-safe; parse once and reuse.
/// </summary>
/// <remarks>
/// Follows <c>k8s.io/apimachinery/pkg/fields</c>: empty terms are ignored; the operator is the first <c>!=</c>, <c>==</c>
/// or <c>=</c> in a term; in values <c>\\</c>, <c>\,</c> and <c>\=</c> escape those characters, and an unescaped
/// <c>,</c> or <c>=</c> is an error; whitespace is not trimmed; terms are kept sorted, so <see cref="ToString"/> is
/// canonical. Which fields exist is up to the server (every type supports <c>metadata.name</c> and
/// <c>metadata.namespace</c>); this class only parses and evaluates.
/// </remarks>
public sealed class FieldSelector
{
    private readonly FieldRequirement[] _requirements;

    private FieldSelector(FieldRequirement[] requirements) => _requirements = requirements;

    /// <summary>The selector that matches every object (the empty string).</summary>
    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The terms, in canonical (sorted) order; all must hold for a match.</summary>
    public IReadOnlyList<FieldRequirement> Requirements => _requirements;

    /// <summary>Whether this selector matches everything.</summary>
    public bool IsEverything => _requirements.Length == 0;

    /// <summary>A selector with one <c>field=value</c> term.</summary>
    /// <exception cref="ArgumentException"><paramref name="field"/> is null or empty.</exception>
    public static FieldSelector OneTermEquals(string field, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentNullException.ThrowIfNull(value);
        return new FieldSelector([new FieldRequirement(field, FieldSelectorOperator.Equals, value)]);
    }

    /// <summary>Parses a selector.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="selector"/> is null.</exception>
    /// <exception cref="FormatException">The text is not a valid selector; the message says where and why.</exception>
    public static FieldSelector Parse(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return TryParse(selector, out var result, out var error) ? result : throw new FormatException(error);
    }

    /// <summary>Parses a selector, reporting failure instead of throwing. A null or empty text is <see cref="Everything"/>.</summary>
    public static bool TryParse(string? selector, out FieldSelector result, out string? error)
    {
        result = Everything;
        error = null;
        if (string.IsNullOrEmpty(selector))
        {
            return true;
        }

        var terms = new List<(string Raw, FieldRequirement Requirement)>();
        var start = 0;
        for (var i = 0; i <= selector.Length; i++)
        {
            if (i < selector.Length && selector[i] == '\\')
            {
                i++; // the escaped character never separates terms
                continue;
            }

            if (i < selector.Length && selector[i] != ',')
            {
                continue;
            }

            var term = selector[start..i];
            if (term.Length > 0)
            {
                if (!TryParseTerm(selector, term, start, out var requirement, out error))
                {
                    return false;
                }

                terms.Add((term, requirement));
            }

            start = i + 1;
        }

        if (terms.Count > 0)
        {
            terms.Sort((a, b) => string.CompareOrdinal(a.Raw, b.Raw));
            result = new FieldSelector([.. terms.Select(t => t.Requirement)]);
        }

        return true;
    }

    /// <summary>Whether an object satisfies every term; <paramref name="fieldValue"/> returns a field's value, or null when the object has no such field.</summary>
    public bool Matches(Func<string, string?> fieldValue)
    {
        ArgumentNullException.ThrowIfNull(fieldValue);
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(fieldValue(requirement.Field)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The value a term <c>field=value</c> requires, if there is one (useful to serve <c>metadata.name=x</c> by key).</summary>
    public bool TryGetExactMatch(string field, out string value)
    {
        foreach (var requirement in _requirements)
        {
            if (requirement.Operator == FieldSelectorOperator.Equals && requirement.Field == field)
            {
                value = requirement.Value;
                return true;
            }
        }

        value = string.Empty;
        return false;
    }

    /// <summary>The canonical string form, as accepted by the API server.</summary>
    public override string ToString() => string.Join(',', _requirements);

    /// <summary>Escapes <c>\</c>, <c>,</c> and <c>=</c> in a value for use in a selector string.</summary>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\\', ',', '=') < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c is '\\' or ',' or '=')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static bool TryParseTerm(string selector, string term, int offset, out FieldRequirement requirement, out string? error)
    {
        requirement = default;
        for (var i = 0; i < term.Length; i++)
        {
            FieldSelectorOperator op;
            int length;
            if (string.CompareOrdinal(term, i, "!=", 0, 2) == 0)
            {
                (op, length) = (FieldSelectorOperator.NotEquals, 2);
            }
            else if (string.CompareOrdinal(term, i, "==", 0, 2) == 0)
            {
                (op, length) = (FieldSelectorOperator.Equals, 2);
            }
            else if (term[i] == '=')
            {
                (op, length) = (FieldSelectorOperator.Equals, 1);
            }
            else
            {
                continue;
            }

            var field = term[..i];
            if (field.Length == 0)
            {
                error = Error(selector, offset, $"the term '{term}' has no field name before the operator");
                return false;
            }

            if (!TryUnescape(term[(i + length)..], out var value, out var badIndex, out var problem))
            {
                error = Error(selector, offset + i + length + badIndex, problem);
                return false;
            }

            requirement = new FieldRequirement(field, op, value);
            error = null;
            return true;
        }

        error = Error(selector, offset, $"can't understand '{term}': expected field=value, field==value or field!=value");
        return false;
    }

    private static bool TryUnescape(string raw, out string value, out int badIndex, out string problem)
    {
        value = raw;
        badIndex = 0;
        problem = string.Empty;
        if (raw.AsSpan().IndexOfAny('\\', ',', '=') < 0)
        {
            return true;
        }

        var builder = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\')
            {
                if (i + 1 >= raw.Length || raw[i + 1] is not ('\\' or ',' or '='))
                {
                    badIndex = i;
                    problem = i + 1 >= raw.Length
                        ? "the value ends with a lone '\\'"
                        : $"invalid escape sequence '\\{raw[i + 1]}' in the value (only \\\\, \\, and \\= are allowed)";
                    return false;
                }

                builder.Append(raw[++i]);
            }
            else if (c is ',' or '=')
            {
                badIndex = i;
                problem = $"unescaped '{c}' in the value '{raw}' (write '\\{c}')";
                return false;
            }
            else
            {
                builder.Append(c);
            }
        }

        value = builder.ToString();
        return true;
    }

    private static string Error(string selector, int position, string problem)
        => $"Invalid field selector \"{selector}\" at position {position}: {problem}.";
}
