using System.Text;

namespace KubeInformers.Samples.Tests;

/// <summary>A thread-safe <see cref="TextWriter"/> that keeps the lines written to it, for asserting on a sample's output.</summary>
internal sealed class LineWriter : TextWriter
{
    private readonly StringBuilder _current = new();
    private readonly List<string> _lines = [];

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public override void Write(char value)
    {
        lock (_lines)
        {
            if (value == '\n')
            {
                _lines.Add(_current.ToString().TrimEnd('\r'));
                _current.Clear();
            }
            else
            {
                _current.Append(value);
            }
        }
    }

    public override string ToString() => string.Join(Environment.NewLine, Lines);
}
