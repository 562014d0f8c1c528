using System.ComponentModel;

namespace KubeInformers;

/// <summary>The outcome of a <see cref="CompiledJsonReader{T}">compiled reader</see>. Called by generated code only.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum CompiledReadResult
{
    /// <summary>The whole value was read; the reader is at its last token.</summary>
    Done,

    /// <summary>The buffer ended inside the value: the caller retries from its saved reader with more data.</summary>
    NeedMoreData,

    /// <summary>
    /// The value holds something the compiled reader does not decode itself (an unexpected token, an escaped property
    /// name, a null where a value type is expected…): the caller decodes it with <c>JsonSerializer</c> from its saved reader.
    /// </summary>
    Unsupported,
}
