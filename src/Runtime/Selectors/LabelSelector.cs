using System.Globalization;
using System.Text;

namespace KubeInformers;

/// <summary>
/// A parsed Kubernetes label selector with the full string syntax: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>,
/// <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c> (exists), <c>!a</c> (does not exist), comma-separated (AND).
/// Immutable and thread-safe; parse once and reuse.
/// </summary>
/// <remarks>
/// <para>Follows <c>k8s.io/apimachinery/pkg/labels</c>: whitespace around tokens is ignored; keys are qualified names
/// (an optional DNS-subdomain prefix of at most 253 characters and <c>/</c>, then a name of at most 63 characters of
/// alphanumerics, <c>-</c>, <c>_</c>, <c>.</c>, starting and ending alphanumeric); values are empty or of at most 63 such
/// characters; <c>a in ()</c> means the value set {""}; the numeric operators <c>a&gt;1</c> and <c>a&lt;1</c> are accepted too.
/// <c>!=</c> and <c>notin</c> also match objects that lack the label.</para>
/// <para>Requirements are kept sorted by key (stable), and <see cref="ToString"/> writes the canonical form:
/// <c>=</c> for equality and sorted value sets, e.g. <c>app=web,tier in (back,front)</c>.</para>
/// </remarks>
public sealed class LabelSelector
{
    private readonly LabelRequirement[] _requirements;

    private LabelSelector(LabelRequirement[] requirements) => _requirements = requirements;

    /// <summary>The selector that matches every object (the empty string).</summary>
    public static LabelSelector Everything { get; } = new([]);

    /// <summary>The requirements, sorted by key; all must hold for a match.</summary>
    public IReadOnlyList<LabelRequirement> Requirements => _requirements;

    /// <summary>Whether this selector matches everything.</summary>
    public bool IsEverything => _requirements.Length == 0;

    /// <summary>Parses a selector.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="selector"/> is null.</exception>
    /// <exception cref="FormatException">The text is not a valid selector; the message says where and why.</exception>
    public static LabelSelector Parse(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return TryParse(selector, out var result, out var error) ? result : throw new FormatException(error);
    }

    /// <summary>Parses a selector, reporting failure instead of throwing. A null text is the empty selector.</summary>
    public static bool TryParse(string? selector, out LabelSelector result, out string? error)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            result = Everything;
            error = null;
            return true;
        }

        var parser = new Parser(selector);
        var requirements = parser.ParseAll();
        if (requirements is null)
        {
            result = Everything;
            error = parser.Error;
            return false;
        }

        result = Create(requirements);
        error = null;
        return true;
    }

    /// <summary>Builds a selector from a <c>V1LabelSelector</c> (matchLabels and matchExpressions).</summary>
    /// <remarks>An empty <c>V1LabelSelector</c> (no labels, no expressions) matches everything, as in Kubernetes.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="selector"/> is null (Kubernetes treats a null selector as "nothing"; decide that at the call site).</exception>
    /// <exception cref="FormatException">An expression has an unknown operator or wrong values.</exception>
    public static LabelSelector FromLabelSelector(k8s.Models.V1LabelSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var requirements = new List<LabelRequirement>();
        if (selector.MatchLabels is not null)
        {
            foreach (var (key, value) in selector.MatchLabels)
            {
                requirements.Add(LabelRequirement.Create(key, LabelSelectorOperator.Equals, [value ?? string.Empty]));
            }
        }

        if (selector.MatchExpressions is not null)
        {
            var i = 0;
            foreach (var expression in selector.MatchExpressions)
            {
                var op = expression.OperatorProperty switch
                {
                    "In" => LabelSelectorOperator.In,
                    "NotIn" => LabelSelectorOperator.NotIn,
                    "Exists" => LabelSelectorOperator.Exists,
                    "DoesNotExist" => LabelSelectorOperator.DoesNotExist,
                    _ => throw new FormatException(
                        $"matchExpressions[{i}]: '{expression.OperatorProperty}' is not a valid label selector operator (In, NotIn, Exists, DoesNotExist)."),
                };
                try
                {
                    requirements.Add(LabelRequirement.Create(expression.Key, op, expression.Values?.ToArray() ?? []));
                }
                catch (FormatException ex)
                {
                    throw new FormatException($"matchExpressions[{i}]: {ex.Message}", ex);
                }

                i++;
            }
        }

        return Create(requirements);
    }

    /// <summary>Builds a selector that requires every label of <paramref name="labels"/> (like matchLabels).</summary>
    /// <exception cref="FormatException">A key or value is not valid.</exception>
    public static LabelSelector FromLabels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Create(labels.Select(l => LabelRequirement.Create(l.Key, LabelSelectorOperator.Equals, [l.Value])).ToList());
    }

    /// <summary>Whether a set of labels (possibly null: no labels) satisfies every requirement.</summary>
    public bool Matches(IDictionary<string, string>? labels)
    {
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The canonical string form, as accepted by the API server.</summary>
    public override string ToString()
    {
        if (_requirements.Length == 0)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        foreach (var requirement in _requirements)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            requirement.AppendTo(builder);
        }

        return builder.ToString();
    }

    private static LabelSelector Create(List<LabelRequirement> requirements)
    {
        if (requirements.Count == 0)
        {
            return Everything;
        }

        // Stable sort by key, as Kubernetes does.
        var sorted = requirements.Select((r, i) => (r, i))
            .OrderBy(p => p.r.Key, StringComparer.Ordinal).ThenBy(p => p.i)
            .Select(p => p.r).ToArray();
        return new LabelSelector(sorted);
    }

    /// <summary>A hand-written scanner/parser; positions in errors are 0-based character offsets.</summary>
    private sealed class Parser(string text)
    {
        private int _pos;

        public string? Error { get; private set; }

        public List<LabelRequirement>? ParseAll()
        {
            var requirements = new List<LabelRequirement>();
            while (true)
            {
                var requirement = ParseRequirement();
                if (requirement is null)
                {
                    return null;
                }

                requirements.Add(requirement);
                SkipWhitespace();
                if (AtEnd)
                {
                    return requirements;
                }

                if (text[_pos] != ',')
                {
                    return Fail(_pos, $"expected ',' or the end of the selector, found '{text[_pos]}'");
                }

                _pos++;
                SkipWhitespace();
                if (AtEnd)
                {
                    return Fail(_pos, "expected a requirement after ','");
                }
            }
        }

        private bool AtEnd => _pos >= text.Length;

        private LabelRequirement? ParseRequirement()
        {
            SkipWhitespace();
            var negated = false;
            if (!AtEnd && text[_pos] == '!' && !IsAt("!="))
            {
                negated = true;
                _pos++;
                SkipWhitespace();
            }

            var keyStart = _pos;
            var key = ReadIdentifier();
            if (key.Length == 0)
            {
                return Fail<LabelRequirement>(keyStart, AtEnd ? "expected a label key, found the end of the selector" : $"expected a label key, found '{text[_pos]}'");
            }

            if (LabelRequirement.ValidateKey(key) is { } keyError)
            {
                return Fail<LabelRequirement>(keyStart, keyError);
            }

            SkipWhitespace();
            if (negated)
            {
                if (!AtEnd && text[_pos] != ',')
                {
                    return Fail<LabelRequirement>(_pos, $"'!{key}' (does not exist) takes no operator or value");
                }

                return new LabelRequirement(key, LabelSelectorOperator.DoesNotExist, []);
            }

            if (AtEnd || text[_pos] == ',')
            {
                return new LabelRequirement(key, LabelSelectorOperator.Exists, []);
            }

            var opStart = _pos;
            LabelSelectorOperator op;
            if (IsAt("=="))
            {
                op = LabelSelectorOperator.Equals;
                _pos += 2;
            }
            else if (IsAt("!="))
            {
                op = LabelSelectorOperator.NotEquals;
                _pos += 2;
            }
            else if (text[_pos] == '=')
            {
                op = LabelSelectorOperator.Equals;
                _pos++;
            }
            else if (text[_pos] == '>')
            {
                op = LabelSelectorOperator.GreaterThan;
                _pos++;
            }
            else if (text[_pos] == '<')
            {
                op = LabelSelectorOperator.LessThan;
                _pos++;
            }
            else
            {
                var word = ReadIdentifier();
                if (word == "in" || word == "notin")
                {
                    return ParseSet(key, word == "in" ? LabelSelectorOperator.In : LabelSelectorOperator.NotIn);
                }

                return Fail<LabelRequirement>(opStart, word.Length > 0
                    ? $"expected an operator (=, ==, !=, in, notin, <, >) or ',' after key '{key}', found '{word}'"
                    : $"expected an operator (=, ==, !=, in, notin, <, >) or ',' after key '{key}', found '{text[opStart]}'");
            }

            SkipWhitespace();
            var valueStart = _pos;
            var value = ReadIdentifier();
            if (!AtEnd && text[_pos] is '(' or ')' or '=' or '!' or '<' or '>')
            {
                return Fail<LabelRequirement>(_pos, $"unexpected '{text[_pos]}' in the value of '{key}'");
            }

            if (LabelRequirement.ValidateValue(value) is { } valueError)
            {
                return Fail<LabelRequirement>(valueStart, valueError);
            }

            if (op is LabelSelectorOperator.GreaterThan or LabelSelectorOperator.LessThan && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                return Fail<LabelRequirement>(valueStart, $"the value of '{key}' after '{(op == LabelSelectorOperator.GreaterThan ? ">" : "<")}' must be an integer, found '{value}'");
            }

            return new LabelRequirement(key, op, [value]);
        }

        private LabelRequirement? ParseSet(string key, LabelSelectorOperator op)
        {
            SkipWhitespace();
            if (AtEnd || text[_pos] != '(')
            {
                return Fail<LabelRequirement>(_pos, $"expected '(' after '{(op == LabelSelectorOperator.In ? "in" : "notin")}' for key '{key}'");
            }

            _pos++;
            var values = new List<string>();
            while (true)
            {
                SkipWhitespace();
                var valueStart = _pos;
                var value = ReadIdentifier();
                if (LabelRequirement.ValidateValue(value) is { } valueError)
                {
                    return Fail<LabelRequirement>(valueStart, valueError);
                }

                values.Add(value);
                SkipWhitespace();
                if (AtEnd)
                {
                    return Fail<LabelRequirement>(_pos, $"expected ')' to close the value set of '{key}'");
                }

                if (text[_pos] == ',')
                {
                    _pos++;
                    continue;
                }

                if (text[_pos] == ')')
                {
                    _pos++;
                    return new LabelRequirement(key, op, LabelRequirement.Normalize(values));
                }

                return Fail<LabelRequirement>(_pos, $"expected ',' or ')' in the value set of '{key}', found '{text[_pos]}'");
            }
        }

        private bool IsAt(string token) => string.CompareOrdinal(text, _pos, token, 0, token.Length) == 0;

        private void SkipWhitespace()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private string ReadIdentifier()
        {
            var start = _pos;
            while (!AtEnd && !char.IsWhiteSpace(text[_pos]) && text[_pos] is not ('!' or '=' or ',' or '(' or ')' or '<' or '>'))
            {
                _pos++;
            }

            return text[start.._pos];
        }

        private List<LabelRequirement>? Fail(int position, string problem) => Fail<List<LabelRequirement>>(position, problem);

        private TResult? Fail<TResult>(int position, string problem) where TResult : class
        {
            Error = $"Invalid label selector \"{text}\" at position {position}: {problem}.";
            return null;
        }
    }
}

/// <summary>The operator of a <see cref="LabelRequirement"/>.</summary>
public enum LabelSelectorOperator
{
    /// <summary><c>key=value</c> (also written <c>key==value</c>): the label exists and equals the value.</summary>
    Equals,
    /// <summary><c>key!=value</c>: the label is absent or differs from the value.</summary>
    NotEquals,
    /// <summary><c>key in (a,b)</c>: the label exists and is one of the values.</summary>
    In,
    /// <summary><c>key notin (a,b)</c>: the label is absent or is none of the values.</summary>
    NotIn,
    /// <summary><c>key</c>: the label exists.</summary>
    Exists,
    /// <summary><c>!key</c>: the label does not exist.</summary>
    DoesNotExist,
    /// <summary><c>key&gt;n</c>: the label exists and is an integer greater than n.</summary>
    GreaterThan,
    /// <summary><c>key&lt;n</c>: the label exists and is an integer less than n.</summary>
    LessThan,
}

/// <summary>One requirement of a <see cref="LabelSelector"/>. Immutable.</summary>
public sealed class LabelRequirement
{
    private const int MaxNameLength = 63;
    private const int MaxPrefixLength = 253;
    private readonly string[] _values;

    internal LabelRequirement(string key, LabelSelectorOperator op, string[] values)
    {
        Key = key;
        Operator = op;
        _values = values;
    }

    /// <summary>The label key.</summary>
    public string Key { get; }

    /// <summary>The operator.</summary>
    public LabelSelectorOperator Operator { get; }

    /// <summary>The values, sorted and distinct (empty for <see cref="LabelSelectorOperator.Exists"/> and <see cref="LabelSelectorOperator.DoesNotExist"/>).</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>Creates a validated requirement.</summary>
    /// <exception cref="FormatException">The key or a value is invalid, or the number of values does not suit the operator.</exception>
    public static LabelRequirement Create(string key, LabelSelectorOperator op, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (key is null)
        {
            throw new FormatException("Invalid label selector requirement: the key is missing.");
        }

        if (ValidateKey(key) is { } keyError)
        {
            throw new FormatException($"Invalid label selector requirement: {keyError}.");
        }

        if (!Enum.IsDefined(op))
        {
            throw new FormatException($"Invalid label selector requirement for key '{key}': unknown operator {op}.");
        }

        var list = values.ToList();
        foreach (var value in list)
        {
            if (value is null)
            {
                throw new FormatException($"Invalid label selector requirement for key '{key}': a value is null.");
            }

            if (ValidateValue(value) is { } valueError)
            {
                throw new FormatException($"Invalid label selector requirement for key '{key}': {valueError}.");
            }
        }

        switch (op)
        {
            case LabelSelectorOperator.In or LabelSelectorOperator.NotIn when list.Count == 0:
                throw new FormatException($"Invalid label selector requirement for key '{key}': operator {op} needs at least one value.");
            case LabelSelectorOperator.Equals or LabelSelectorOperator.NotEquals when list.Count != 1:
                throw new FormatException($"Invalid label selector requirement for key '{key}': operator {op} needs exactly one value.");
            case LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist when list.Count != 0:
                throw new FormatException($"Invalid label selector requirement for key '{key}': operator {op} takes no values.");
            case LabelSelectorOperator.GreaterThan or LabelSelectorOperator.LessThan
                when list.Count != 1 || !long.TryParse(list[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _):
                throw new FormatException($"Invalid label selector requirement for key '{key}': operator {op} needs exactly one integer value.");
        }

        return new LabelRequirement(key, op, Normalize(list));
    }

    /// <summary>Whether <paramref name="labels"/> satisfies this requirement.</summary>
    public bool Matches(IDictionary<string, string>? labels)
    {
        string? actual = null;
        var has = labels is not null && labels.TryGetValue(Key, out actual);
        switch (Operator)
        {
            case LabelSelectorOperator.Exists:
                return has;
            case LabelSelectorOperator.DoesNotExist:
                return !has;
            case LabelSelectorOperator.Equals:
            case LabelSelectorOperator.In:
                return has && Contains(actual ?? string.Empty);
            case LabelSelectorOperator.NotEquals:
            case LabelSelectorOperator.NotIn:
                return !has || !Contains(actual ?? string.Empty);
            case LabelSelectorOperator.GreaterThan:
            case LabelSelectorOperator.LessThan:
                if (!has || !long.TryParse(actual, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return false;
                }

                var bound = long.Parse(_values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                return Operator == LabelSelectorOperator.GreaterThan ? number > bound : number < bound;
            default:
                return false;
        }
    }

    /// <summary>The canonical text of this requirement.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        AppendTo(builder);
        return builder.ToString();
    }

    internal void AppendTo(StringBuilder builder)
    {
        switch (Operator)
        {
            case LabelSelectorOperator.Exists:
                builder.Append(Key);
                break;
            case LabelSelectorOperator.DoesNotExist:
                builder.Append('!').Append(Key);
                break;
            case LabelSelectorOperator.Equals:
                builder.Append(Key).Append('=').Append(_values[0]);
                break;
            case LabelSelectorOperator.NotEquals:
                builder.Append(Key).Append("!=").Append(_values[0]);
                break;
            case LabelSelectorOperator.GreaterThan:
                builder.Append(Key).Append('>').Append(_values[0]);
                break;
            case LabelSelectorOperator.LessThan:
                builder.Append(Key).Append('<').Append(_values[0]);
                break;
            case LabelSelectorOperator.In:
            case LabelSelectorOperator.NotIn:
                builder.Append(Key).Append(Operator == LabelSelectorOperator.In ? " in (" : " notin (").AppendJoin(',', _values).Append(')');
                break;
        }
    }

    internal static string[] Normalize(List<string> values)
    {
        var array = values.Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(array, StringComparer.Ordinal);
        return array;
    }

    /// <summary>Validates a label key (a qualified name); returns the problem, or null when valid.</summary>
    internal static string? ValidateKey(string key)
    {
        var slash = key.IndexOf('/');
        var name = key;
        if (slash >= 0)
        {
            var prefix = key[..slash];
            name = key[(slash + 1)..];
            if (prefix.Length == 0)
            {
                return $"label key '{key}' has an empty prefix before '/'";
            }

            if (prefix.Length > MaxPrefixLength)
            {
                return $"the prefix of label key '{key}' is longer than {MaxPrefixLength} characters";
            }

            if (!IsDnsSubdomain(prefix))
            {
                return $"the prefix '{prefix}' of label key '{key}' is not a DNS subdomain (lowercase alphanumerics, '-' and '.', starting and ending alphanumeric)";
            }
        }

        if (name.Length == 0)
        {
            return $"label key '{key}' has an empty name";
        }

        if (name.Length > MaxNameLength)
        {
            return $"the name of label key '{key}' is longer than {MaxNameLength} characters";
        }

        if (!IsQualifiedNamePart(name))
        {
            return $"label key '{key}' must consist of alphanumerics, '-', '_' or '.', start and end with an alphanumeric, and have at most one '/'";
        }

        return null;
    }

    /// <summary>Validates a label value; returns the problem, or null when valid.</summary>
    internal static string? ValidateValue(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (value.Length > MaxNameLength)
        {
            return $"label value '{value}' is longer than {MaxNameLength} characters";
        }

        return IsQualifiedNamePart(value)
            ? null
            : $"label value '{value}' must be empty or consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
    }

    private static bool IsQualifiedNamePart(string s)
    {
        if (!char.IsAsciiLetterOrDigit(s[0]) || !char.IsAsciiLetterOrDigit(s[^1]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDnsSubdomain(string s)
    {
        foreach (var label in s.Split('.'))
        {
            if (label.Length == 0 || label.Length > 63 || !IsLowerAlnum(label[0]) || !IsLowerAlnum(label[^1]))
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!IsLowerAlnum(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;

        static bool IsLowerAlnum(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c);
    }

    private bool Contains(string value)
    {
        foreach (var v in _values)
        {
            if (string.Equals(v, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
