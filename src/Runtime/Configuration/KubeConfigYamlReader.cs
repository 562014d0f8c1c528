using System.Globalization;
using System.Text;

namespace KubeInformers;

/// <summary>
/// Reads the YAML subset kubeconfig writers produce (kubectl, kind, minikube, cloud CLIs, the emulator) into
/// <see cref="KubeConfigNode"/>s: block mappings and sequences (a sequence may sit at its key's indentation, as
/// kubectl writes it), <c>- </c> items that open a mapping on the same line, plain, single-quoted and double-quoted
/// scalars on one line (double-quoted with YAML's escapes), comments, one optional <c>---</c>, and the empty flow
/// collections <c>{}</c> and <c>[]</c>. Anything else — anchors, aliases, tags, block scalars, non-empty flow
/// collections, scalars over several lines, several documents, directives, tabs in indentation, duplicate keys —
/// throws <see cref="KubeConfigBeyondSubsetException"/> so the caller falls back to a full YAML parser; it never
/// guesses. Stateless between calls; one instance reads one document on one thread.
/// </summary>
internal sealed class KubeConfigYamlReader
{
    private readonly List<SourceLine> _lines;
    private int _pos;

    private KubeConfigYamlReader(List<SourceLine> lines) => _lines = lines;

    /// <summary>The document's root node, or null for a document with no content.</summary>
    public static KubeConfigNode? Read(string text)
    {
        var reader = new KubeConfigYamlReader(SplitLines(text));
        if (reader._lines.Count == 0)
        {
            return null;
        }
        var root = reader.ParseBlock(parentIndent: -1);
        if (reader._pos < reader._lines.Count)
        {
            throw new KubeConfigBeyondSubsetException("content after the document's root node", reader._lines[reader._pos].Number);
        }
        return root;
    }

    private readonly record struct SourceLine(int Number, int Indent, string Content);

    private SourceLine Current => _lines[_pos];

    private bool More => _pos < _lines.Count;

    private static List<SourceLine> SplitLines(string text)
    {
        var lines = new List<SourceLine>();
        var number = 0;
        var start = 0;
        var sawDocumentStart = false;
        while (start <= text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }
            number++;
            var raw = text.AsSpan(start, end - start);
            start = end + 1;
            if (raw.Length > 0 && raw[^1] == '\r')
            {
                raw = raw[..^1];
            }
            if (number == 1 && raw.Length > 0 && raw[0] == '\uFEFF')
            {
                raw = raw[1..];
            }
            var indent = 0;
            while (indent < raw.Length && raw[indent] == ' ')
            {
                indent++;
            }
            var content = raw[indent..].TrimEnd(" \t");
            if (content.IsEmpty || content[0] == '#')
            {
                continue;
            }
            if (content[0] == '\t')
            {
                throw new KubeConfigBeyondSubsetException("a tab in the indentation", number);
            }
            if (indent == 0)
            {
                if (content.SequenceEqual("---") || content.StartsWith("--- ") || content.StartsWith("---\t"))
                {
                    var after = content[3..].TrimStart(" \t");
                    if (sawDocumentStart || lines.Count > 0 || !(after.IsEmpty || after[0] == '#'))
                    {
                        throw new KubeConfigBeyondSubsetException("several documents, or content on the '---' line", number);
                    }
                    sawDocumentStart = true;
                    continue;
                }
                if (content.SequenceEqual("...") || content.StartsWith("... ") || content[0] == '%')
                {
                    throw new KubeConfigBeyondSubsetException("a document end marker or a directive", number);
                }
            }
            lines.Add(new SourceLine(number, indent, content.ToString()));
        }
        return lines;
    }

    private static bool IsSequenceItem(string content) => content == "-" || content.StartsWith("- ", StringComparison.Ordinal);

    /// <summary>A node that starts on the current line, whose owner is at <paramref name="parentIndent"/>.</summary>
    private KubeConfigNode ParseBlock(int parentIndent)
    {
        var line = Current;
        if (IsSequenceItem(line.Content))
        {
            return ParseSequence(line.Indent);
        }
        if (FindKey(line.Content, line.Number) is not null)
        {
            return ParseMapping(line.Indent);
        }
        _pos++;
        var scalar = ParseInlineValue(line.Content, line.Number);
        if (More && Current.Indent > parentIndent)
        {
            throw new KubeConfigBeyondSubsetException("a scalar over several lines", Current.Number);
        }
        return scalar;
    }

    private KubeConfigNode ParseMapping(int indent)
    {
        var mapping = KubeConfigNode.Mapping(Current.Number);
        HashSet<string>? keys = null;
        while (More && Current.Indent == indent)
        {
            var line = Current;
            if (IsSequenceItem(line.Content))
            {
                throw new KubeConfigBeyondSubsetException("a sequence item where a mapping key was expected", line.Number);
            }
            var split = FindKey(line.Content, line.Number)
                ?? throw new KubeConfigBeyondSubsetException("a line without a mapping key", line.Number);
            keys ??= new HashSet<string>(StringComparer.Ordinal);
            if (!keys.Add(split.Key))
            {
                throw new KubeConfigBeyondSubsetException($"the duplicate key '{split.Key}'", line.Number);
            }
            _pos++;
            var rest = split.Rest.AsSpan().TrimStart(" \t");
            KubeConfigNode value;
            if (rest.IsEmpty || rest[0] == '#')
            {
                if (More && Current.Indent > indent)
                {
                    value = ParseBlock(indent);
                }
                else if (More && Current.Indent == indent && IsSequenceItem(Current.Content))
                {
                    value = ParseSequence(indent);
                }
                else
                {
                    value = KubeConfigNode.Null(line.Number);
                }
            }
            else
            {
                value = ParseInlineValue(rest.ToString(), line.Number);
                if (More && Current.Indent > indent)
                {
                    throw new KubeConfigBeyondSubsetException("a scalar over several lines", Current.Number);
                }
            }
            mapping.Entries.Add(new KeyValuePair<string, KubeConfigNode>(split.Key, value));
        }
        if (More && Current.Indent > indent)
        {
            throw new KubeConfigBeyondSubsetException("unexpected indentation", Current.Number);
        }
        return mapping;
    }

    private KubeConfigNode ParseSequence(int indent)
    {
        var sequence = KubeConfigNode.Sequence(Current.Number);
        while (More && Current.Indent == indent && IsSequenceItem(Current.Content))
        {
            var line = Current;
            var spaces = 1;
            while (spaces < line.Content.Length && line.Content[spaces] == ' ')
            {
                spaces++;
            }
            var rest = line.Content[spaces..];
            if (rest.Length > 0 && rest[0] == '\t')
            {
                throw new KubeConfigBeyondSubsetException("a tab after a sequence indicator", line.Number);
            }
            KubeConfigNode item;
            if (rest.Length == 0 || rest[0] == '#')
            {
                _pos++;
                item = More && Current.Indent > indent ? ParseBlock(indent) : KubeConfigNode.Null(line.Number);
            }
            else if (IsSequenceItem(rest) || FindKey(rest, line.Number) is not null)
            {
                // "- key: value": the item's mapping (or nested sequence) starts on this line, at the column after "- ".
                _lines[_pos] = new SourceLine(line.Number, indent + spaces, rest);
                item = ParseBlock(indent);
            }
            else
            {
                _pos++;
                item = ParseInlineValue(rest, line.Number);
                if (More && Current.Indent > indent)
                {
                    throw new KubeConfigBeyondSubsetException("a scalar over several lines", Current.Number);
                }
            }
            sequence.Items.Add(item);
        }
        if (More && Current.Indent > indent)
        {
            throw new KubeConfigBeyondSubsetException("unexpected indentation", Current.Number);
        }
        return sequence;
    }

    private sealed record KeySplit(string Key, string Rest);

    /// <summary>The mapping key at the start of <paramref name="content"/> and the text after its colon, or null when the line is not a key.</summary>
    private static KeySplit? FindKey(string content, int line)
    {
        var first = content[0];
        if (first is '"' or '\'')
        {
            var (key, end) = first == '"' ? ReadDoubleQuoted(content, line) : ReadSingleQuoted(content, line);
            var i = end;
            while (i < content.Length && content[i] is ' ' or '\t')
            {
                i++;
            }
            if (i < content.Length && content[i] == ':' && (i + 1 == content.Length || content[i + 1] is ' ' or '\t'))
            {
                return new KeySplit(key, content[(i + 1)..]);
            }
            return null;
        }
        if (first is '?' or ':' or ',' or ']' or '}' or '&' or '*' or '!' or '|' or '>' or '@' or '`' or '%')
        {
            throw new KubeConfigBeyondSubsetException($"the indicator '{first}'", line);
        }
        if (first is '[' or '{')
        {
            return null;
        }
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            if (c == ':' && (i + 1 == content.Length || content[i + 1] is ' ' or '\t'))
            {
                var key = content[..i].TrimEnd(' ', '\t');
                if (key.Length == 0)
                {
                    throw new KubeConfigBeyondSubsetException("an empty mapping key", line);
                }
                EnsurePlainSubset(key, line);
                return new KeySplit(key, content[(i + 1)..]);
            }
            if (c == '#' && i > 0 && content[i - 1] is ' ' or '\t')
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>A scalar (or <c>{}</c> / <c>[]</c>) that makes up the rest of a line.</summary>
    private static KubeConfigNode ParseInlineValue(string text, int line)
    {
        var first = text[0];
        if (first is '"' or '\'')
        {
            var (value, end) = first == '"' ? ReadDoubleQuoted(text, line) : ReadSingleQuoted(text, line);
            EnsureOnlyComment(text, end, line);
            return KubeConfigNode.Scalar(value, isPlain: false, line);
        }
        if (first is '{' or '[')
        {
            var close = first == '{' ? '}' : ']';
            if (text.Length >= 2 && text[1] == close)
            {
                EnsureOnlyComment(text, 2, line);
                return first == '{' ? KubeConfigNode.Mapping(line) : KubeConfigNode.Sequence(line);
            }
            throw new KubeConfigBeyondSubsetException("a flow collection", line);
        }
        if (first is '?' or ':' or ',' or ']' or '}' or '&' or '*' or '!' or '|' or '>' or '@' or '`' or '%' or '#')
        {
            throw new KubeConfigBeyondSubsetException($"the indicator '{first}'", line);
        }
        if (first == '-' && (text.Length == 1 || text[1] is ' ' or '\t'))
        {
            throw new KubeConfigBeyondSubsetException($"the indicator '{first}' in a value", line);
        }
        var length = text.Length;
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == '#' && text[i - 1] is ' ' or '\t')
            {
                length = i;
                break;
            }
            if (text[i] == ':' && (i + 1 == text.Length || text[i + 1] is ' ' or '\t'))
            {
                throw new KubeConfigBeyondSubsetException("a mapping value inside a plain scalar", line);
            }
        }
        var plain = text[..length].TrimEnd(' ', '\t');
        EnsurePlainSubset(plain, line);
        return KubeConfigNode.Scalar(plain, isPlain: true, line);
    }

    /// <summary>Tabs and flow indicators inside a plain scalar are read differently by YAML parsers: left to the full one.</summary>
    private static void EnsurePlainSubset(string plain, int line)
    {
        if (plain.AsSpan().IndexOfAny("\t[]{}") >= 0)
        {
            throw new KubeConfigBeyondSubsetException("a tab or flow indicator inside a plain scalar", line);
        }
    }

    private static void EnsureOnlyComment(string text, int from, int line)
    {
        var rest = text.AsSpan(from).TrimStart(" \t");
        if (!rest.IsEmpty && rest[0] != '#')
        {
            throw new KubeConfigBeyondSubsetException("text after a quoted scalar or flow collection", line);
        }
        if (!rest.IsEmpty && from < text.Length && text[from] == '#')
        {
            throw new KubeConfigBeyondSubsetException("a '#' right after a quoted scalar", line);
        }
    }

    private static (string Value, int End) ReadSingleQuoted(string text, int line)
    {
        var sb = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    sb.Append('\'');
                    i++;
                    continue;
                }
                return (sb.ToString(), i + 1);
            }
            sb.Append(text[i]);
        }
        throw new KubeConfigBeyondSubsetException("a single-quoted scalar over several lines", line);
    }

    private static (string Value, int End) ReadDoubleQuoted(string text, int line)
    {
        var sb = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                return (sb.ToString(), i + 1);
            }
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (++i == text.Length)
            {
                throw new KubeConfigBeyondSubsetException("a double-quoted scalar over several lines", line);
            }
            switch (text[i])
            {
                case '0': sb.Append('\0'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 't': case '\t': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'v': sb.Append('\v'); break;
                case 'f': sb.Append('\f'); break;
                case 'r': sb.Append('\r'); break;
                case 'e': sb.Append('\u001b'); break;
                case ' ': sb.Append(' '); break;
                case '"': sb.Append('"'); break;
                case '/': sb.Append('/'); break;
                case '\\': sb.Append('\\'); break;
                case 'N': sb.Append('\u0085'); break;
                case '_': sb.Append('\u00a0'); break;
                case 'L': sb.Append('\u2028'); break;
                case 'P': sb.Append('\u2029'); break;
                case 'x': i = AppendCodePoint(sb, text, i, 2, line); break;
                case 'u': i = AppendCodePoint(sb, text, i, 4, line); break;
                case 'U': i = AppendCodePoint(sb, text, i, 8, line); break;
                default: throw new KubeConfigBeyondSubsetException($"the unknown escape '\\{text[i]}'", line);
            }
        }
        throw new KubeConfigBeyondSubsetException("a double-quoted scalar over several lines", line);
    }

    private static int AppendCodePoint(StringBuilder sb, string text, int at, int digits, int line)
    {
        if (at + digits >= text.Length
            || !int.TryParse(text.AsSpan(at + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code < 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF && digits != 4))
        {
            throw new KubeConfigBeyondSubsetException("a bad escape sequence", line);
        }
        if (code >= 0xD800 && code <= 0xDFFF)
        {
            throw new KubeConfigBeyondSubsetException("a surrogate escape", line);
        }
        sb.Append(char.ConvertFromUtf32(code));
        return at + digits;
    }
}
