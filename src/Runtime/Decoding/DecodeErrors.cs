using System.Text.Json;

namespace KubeInformers;

/// <summary>
/// The decode errors of list bodies, and which exceptions thrown while decoding a value mean the value is bad rather
/// than the code. Every message gives a position and a JSON path, never the content (converters may quote field
/// values, so their messages are only kept as inner exceptions). Stateless and thread-safe.
/// </summary>
internal static class DecodeErrors
{
    /// <summary>
    /// True for what converters throw on a value they cannot convert: KubernetesClient's quantity parser throws
    /// <see cref="ArgumentException"/> for an unknown suffix, others format, overflow and invalid-operation errors.
    /// </summary>
    public static bool IsConversionError(Exception ex) =>
        ex is FormatException or InvalidOperationException or OverflowException or NotSupportedException or ArgumentException;

    /// <summary>A list body that is not valid JSON near <paramref name="position"/>.</summary>
    public static KubernetesDecodeException InvalidList(string resource, long position, string path, JsonException inner) =>
        new($"The list response of {resource} is not valid JSON near byte {position} (path {path}).", inner);

    /// <summary>A list item with a value its converter rejected, near <paramref name="position"/>.</summary>
    public static KubernetesDecodeException UnconvertibleListItem(string resource, long position, string? path, Exception inner) =>
        new($"The list response of {resource} has an item whose value could not be converted ({inner.GetType().Name}) near byte {position}{(path is null ? "" : $" (path {path})")}.", inner);

    /// <summary>A list body that ended before its closing brace.</summary>
    public static KubernetesDecodeException ListEndedEarly(string resource, long consumed) =>
        new($"The list response of {resource} ended early, after {consumed} bytes.");
}
