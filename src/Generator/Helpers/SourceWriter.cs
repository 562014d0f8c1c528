using System;
using System.Text;

namespace KubeInformers.Generator.Helpers;

/// <summary>
/// An indenting text writer for generated C#: four spaces per level, <c>\n</c> line endings, nothing else implicit.
/// Not thread-safe; one per emitted file.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    /// <summary>Writes one line at the current indentation (an empty line carries no indentation).</summary>
    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(text);
        }

        _builder.Append('\n');
        return this;
    }

    /// <summary>Indents without writing a brace (e.g. under a <c>case</c> label).</summary>
    public SourceWriter Indent()
    {
        _indent++;
        return this;
    }

    /// <summary>Undoes <see cref="Indent"/>.</summary>
    public SourceWriter Outdent()
    {
        _indent--;
        return this;
    }

    /// <summary>Writes <c>{</c> and indents.</summary>
    public SourceWriter Open()
    {
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>Writes <c>{</c> after <paramref name="header"/> on its own line and indents.</summary>
    public SourceWriter Open(string header)
    {
        Line(header);
        return Open();
    }

    /// <summary>Unindents and writes <c>}</c> (plus <paramref name="suffix"/>).</summary>
    public SourceWriter Close(string suffix = "")
    {
        if (_indent == 0)
        {
            throw new InvalidOperationException("Unbalanced block.");
        }

        _indent--;
        return Line("}" + suffix);
    }

    /// <summary>Writes an XML doc <c>&lt;summary&gt;</c> with already-escaped content.</summary>
    public SourceWriter Summary(string xml) => Line("/// <summary>" + xml + "</summary>");

    /// <summary>Writes a raw doc comment line with already-escaped content.</summary>
    public SourceWriter Doc(string xml) => Line("/// " + xml);

    /// <inheritdoc/>
    public override string ToString() => _builder.ToString();
}
