using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal.Validation;

/// <summary>
/// The subset of CEL the emulator evaluates for <c>x-kubernetes-validations</c> rules: literals (integers, doubles,
/// strings in single or double quotes, <c>true</c>, <c>false</c>, <c>null</c>, lists <c>[a, b]</c>), <c>self</c>, field
/// selection (<c>self.spec.x</c>) and indexing (<c>self.items[0]</c>, <c>self.labels['k']</c>), <c>has(self.x)</c>,
/// <c>size(x)</c> and <c>x.size()</c>, <c>! - * / % + -</c>, comparisons <c>== != &lt; &lt;= &gt; &gt;=</c>, <c>in</c>,
/// <c>&amp;&amp;</c>, <c>||</c> and <c>c ? a : b</c>. A rule using anything else (macros such as <c>all</c>,
/// <c>exists</c>; functions such as <c>matches</c>; <c>oldSelf</c>) does not parse, and the validator accepts it
/// unchecked. Parsed expressions are immutable and thread-safe.
/// </summary>
internal static class CelSubset
{
    /// <summary>A parsed rule.</summary>
    internal abstract class Expression
    {
        /// <summary>Evaluates with <c>self</c> bound to <paramref name="self"/>: the value, or the CEL runtime error.</summary>
        public (object? Value, string? Error) Evaluate(JsonNode? self)
        {
            try
            {
                return (Eval(self), null);
            }
            catch (CelError e)
            {
                return (null, e.Message);
            }
        }

        internal abstract object? Eval(JsonNode? self);
    }

    /// <summary>Parses <paramref name="rule"/>, or null when it is outside the subset.</summary>
    public static Expression? TryParse(string? rule)
    {
        if (string.IsNullOrWhiteSpace(rule))
        {
            return null;
        }

        try
        {
            var parser = new Parser(Tokenize(rule));
            var result = parser.Ternary();
            return parser.AtEnd ? result : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private sealed class CelError(string message) : Exception(message);

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
            else if (c is '\'' or '"')
            {
                var b = new StringBuilder("'");
                i++;
                while (i < text.Length && text[i] != c)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    b.Append(text[i++]);
                }

                if (i >= text.Length)
                {
                    throw new FormatException("unterminated string");
                }

                i++;
                tokens.Add(b.ToString());
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
                if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||")
                {
                    tokens.Add(two);
                    i += 2;
                }
                else if ("()[].,!<>+-*/%?:".Contains(c, StringComparison.Ordinal))
                {
                    tokens.Add(c.ToString());
                    i++;
                }
                else
                {
                    throw new FormatException("unsupported character " + c);
                }
            }
        }

        return tokens;
    }

    private sealed class Parser(List<string> tokens)
    {
        private int _i;

        public bool AtEnd => _i == tokens.Count;

        private string? Peek => _i < tokens.Count ? tokens[_i] : null;

        private bool Take(string token)
        {
            if (Peek == token)
            {
                _i++;
                return true;
            }

            return false;
        }

        private void Expect(string token)
        {
            if (!Take(token))
            {
                throw new FormatException("expected " + token);
            }
        }

        public Expression Ternary()
        {
            var condition = Or();
            if (!Take("?"))
            {
                return condition;
            }

            var then = Ternary();
            Expect(":");
            var otherwise = Ternary();
            return new Node(self => Truth(condition.Eval(self)) ? then.Eval(self) : otherwise.Eval(self));
        }

        private Expression Or()
        {
            var left = And();
            while (Take("||"))
            {
                var l = left;
                var r = And();
                left = new Node(self => Truth(l.Eval(self)) || Truth(r.Eval(self)));
            }

            return left;
        }

        private Expression And()
        {
            var left = Comparison();
            while (Take("&&"))
            {
                var l = left;
                var r = Comparison();
                left = new Node(self => Truth(l.Eval(self)) && Truth(r.Eval(self)));
            }

            return left;
        }

        private Expression Comparison()
        {
            var left = Additive();
            var op = Peek;
            if (op is "==" or "!=" or "<" or "<=" or ">" or ">=" or "in")
            {
                _i++;
                var right = Additive();
                return new Node(self => Compare(op, left.Eval(self), right.Eval(self)));
            }

            return left;
        }

        private Expression Additive()
        {
            var left = Multiplicative();
            while (Peek is "+" or "-")
            {
                var op = tokens[_i++];
                var l = left;
                var r = Multiplicative();
                left = new Node(self => Arithmetic(op, l.Eval(self), r.Eval(self)));
            }

            return left;
        }

        private Expression Multiplicative()
        {
            var left = Unary();
            while (Peek is "*" or "/" or "%")
            {
                var op = tokens[_i++];
                var l = left;
                var r = Unary();
                left = new Node(self => Arithmetic(op, l.Eval(self), r.Eval(self)));
            }

            return left;
        }

        private Expression Unary()
        {
            if (Take("!"))
            {
                var operand = Unary();
                return new Node(self => !Truth(operand.Eval(self)));
            }

            if (Take("-"))
            {
                var operand = Unary();
                return new Node(self => Arithmetic("-", 0L, operand.Eval(self)));
            }

            return Postfix(Primary());
        }

        private Expression Postfix(Expression target)
        {
            while (true)
            {
                if (Take("."))
                {
                    var name = Identifier();
                    if (name == "size" && Take("("))
                    {
                        Expect(")");
                        var t = target;
                        target = new Node(self => Size(t.Eval(self)));
                        continue;
                    }

                    var owner = target;
                    target = new Select(owner, name);
                }
                else if (Take("["))
                {
                    var owner = target;
                    var index = Ternary();
                    Expect("]");
                    target = new Node(self => Index(owner.Eval(self), index.Eval(self)));
                }
                else
                {
                    return target;
                }
            }
        }

        private Expression Primary()
        {
            var token = Peek ?? throw new FormatException("unexpected end");
            _i++;
            if (token == "(")
            {
                var inner = Ternary();
                Expect(")");
                return inner;
            }

            if (token == "[")
            {
                var items = new List<Expression>();
                if (!Take("]"))
                {
                    do
                    {
                        items.Add(Ternary());
                    }
                    while (Take(","));
                    Expect("]");
                }

                return new Node(self => items.Select(e => e.Eval(self)).ToList());
            }

            if (token.StartsWith('\''))
            {
                var text = token[1..];
                return new Node(_ => text);
            }

            if (char.IsDigit(token[0]))
            {
                if (token.Contains('.', StringComparison.Ordinal))
                {
                    var d = double.Parse(token, CultureInfo.InvariantCulture);
                    return new Node(_ => d);
                }

                var n = long.Parse(token, CultureInfo.InvariantCulture);
                return new Node(_ => n);
            }

            switch (token)
            {
                case "true": return new Node(_ => true);
                case "false": return new Node(_ => false);
                case "null": return new Node(_ => null);
                case "self": return new Node(self => self);
                case "has":
                    Expect("(");
                    var selection = Postfix(Primary());
                    Expect(")");
                    if (selection is not Select select)
                    {
                        throw new FormatException("has() needs a field selection");
                    }

                    return new Node(self => select.Owner.Eval(self) is JsonObject o && o.ContainsKey(select.Name));
                case "size":
                    Expect("(");
                    var argument = Ternary();
                    Expect(")");
                    return new Node(self => Size(argument.Eval(self)));
                default:
                    throw new FormatException("unsupported identifier " + token);
            }
        }

        private string Identifier()
        {
            var token = Peek;
            if (token is null || !(char.IsLetter(token[0]) || token[0] == '_'))
            {
                throw new FormatException("expected a field name");
            }

            _i++;
            return token;
        }
    }

    private sealed class Node(Func<JsonNode?, object?> eval) : Expression
    {
        internal override object? Eval(JsonNode? self) => eval(self);
    }

    private sealed class Select(Expression owner, string name) : Expression
    {
        public Expression Owner { get; } = owner;

        public string Name { get; } = name;

        internal override object? Eval(JsonNode? self) =>
            Owner.Eval(self) is JsonObject o && o.TryGetPropertyValue(Name, out var value)
                ? value
                : throw new CelError("no such key: " + Name);
    }

    private static object? Plain(object? value) => value switch
    {
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => long.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l)
                ? l : double.Parse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => value,
    };

    private static bool Truth(object? value) =>
        Plain(value) as bool? ?? throw new CelError("no such overload: expected a bool");

    private static object Size(object? value) => Plain(value) switch
    {
        string s => (long)s.Length,
        JsonArray a => (long)a.Count,
        JsonObject o => (long)o.Count,
        List<object?> l => (long)l.Count,
        _ => throw new CelError("no such overload: size"),
    };

    private static object? Index(object? owner, object? index) => (Plain(owner), Plain(index)) switch
    {
        (JsonArray a, long i) when i >= 0 && i < a.Count => a[(int)i],
        (List<object?> l, long i) when i >= 0 && i < l.Count => l[(int)i],
        (JsonObject o, string k) when o.TryGetPropertyValue(k, out var v) => v,
        (JsonObject, string k) => throw new CelError("no such key: " + k),
        _ => throw new CelError("index out of range"),
    };

    private static object Arithmetic(string op, object? left, object? right)
    {
        var (l, r) = (Plain(left), Plain(right));
        if (op == "+" && l is string ls && r is string rs)
        {
            return ls + rs;
        }

        if (l is long a && r is long b)
        {
            return op switch
            {
                "+" => a + b,
                "-" => a - b,
                "*" => a * b,
                "/" => b == 0 ? throw new CelError("division by zero") : a / b,
                "%" => b == 0 ? throw new CelError("modulus by zero") : a % b,
                _ => throw new CelError("no such overload: " + op),
            };
        }

        if (l is double or long && r is double or long)
        {
            var (x, y) = (Convert.ToDouble(l, CultureInfo.InvariantCulture), Convert.ToDouble(r, CultureInfo.InvariantCulture));
            return op switch
            {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" => x / y,
                _ => throw new CelError("no such overload: " + op),
            };
        }

        throw new CelError("no such overload: " + op);
    }

    private static bool Compare(string op, object? left, object? right)
    {
        var (l, r) = (Plain(left), Plain(right));
        if (op == "in")
        {
            return r switch
            {
                List<object?> list => list.Any(item => Equal(l, Plain(item))),
                JsonArray array => array.Any(item => Equal(l, Plain(item))),
                JsonObject obj when l is string key => obj.ContainsKey(key),
                _ => throw new CelError("no such overload: in"),
            };
        }

        if (op is "==" or "!=")
        {
            return Equal(l, r) == (op == "==");
        }

        int order;
        if (l is string ls && r is string rs)
        {
            order = string.CompareOrdinal(ls, rs);
        }
        else if (l is double or long && r is double or long)
        {
            order = Convert.ToDouble(l, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(r, CultureInfo.InvariantCulture));
        }
        else
        {
            throw new CelError("no such overload: " + op);
        }

        return op switch { "<" => order < 0, "<=" => order <= 0, ">" => order > 0, _ => order >= 0 };
    }

    private static bool Equal(object? l, object? r) => (l, r) switch
    {
        (null, null) => true,
        (long a, long b) => a == b,
        (double or long, double or long) => Convert.ToDouble(l, CultureInfo.InvariantCulture) == Convert.ToDouble(r, CultureInfo.InvariantCulture),
        (JsonNode a, JsonNode b) => JsonNode.DeepEquals(a, b),
        _ => Equals(l, r),
    };
}
