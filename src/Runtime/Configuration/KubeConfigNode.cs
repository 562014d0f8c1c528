namespace KubeInformers;

/// <summary>What a <see cref="KubeConfigNode"/> is.</summary>
internal enum KubeConfigNodeKind
{
    /// <summary>A scalar: <see cref="KubeConfigNode.Text"/> with <see cref="KubeConfigNode.IsPlain"/> telling plain from quoted.</summary>
    Scalar,

    /// <summary>A mapping: <see cref="KubeConfigNode.Entries"/> in document order, keys unique.</summary>
    Mapping,

    /// <summary>A sequence: <see cref="KubeConfigNode.Items"/> in document order.</summary>
    Sequence,
}

/// <summary>
/// One node of a parsed kubeconfig document, produced by <see cref="KubeConfigYamlReader"/> or
/// <see cref="KubeConfigJsonReader"/> and consumed by <see cref="KubeConfigBinder"/>. Immutable once the reader
/// returns it; <see cref="Line"/> (1-based) names where it starts, for error messages.
/// </summary>
internal sealed class KubeConfigNode
{
    private KubeConfigNode(KubeConfigNodeKind kind, int line, string? text, bool isPlain)
    {
        Kind = kind;
        Line = line;
        Text = text;
        IsPlain = isPlain;
    }

    public KubeConfigNodeKind Kind { get; }

    public int Line { get; }

    /// <summary>The scalar's value after unquoting and unescaping (scalars only).</summary>
    public string? Text { get; }

    /// <summary>True for a plain (unquoted) scalar, whose text may resolve to null, a boolean or a number.</summary>
    public bool IsPlain { get; }

    public List<KeyValuePair<string, KubeConfigNode>> Entries { get; } = [];

    public List<KubeConfigNode> Items { get; } = [];

    /// <summary>A plain scalar YAML's core schema reads as null: empty, <c>~</c>, <c>null</c>, <c>Null</c>, <c>NULL</c>.</summary>
    public bool IsNull => Kind == KubeConfigNodeKind.Scalar && IsPlain && Text is "" or "~" or "null" or "Null" or "NULL";

    public static KubeConfigNode Scalar(string text, bool isPlain, int line) => new(KubeConfigNodeKind.Scalar, line, text, isPlain);

    public static KubeConfigNode Null(int line) => new(KubeConfigNodeKind.Scalar, line, "", isPlain: true);

    public static KubeConfigNode Mapping(int line) => new(KubeConfigNodeKind.Mapping, line, null, isPlain: false);

    public static KubeConfigNode Sequence(int line) => new(KubeConfigNodeKind.Sequence, line, null, isPlain: false);
}
