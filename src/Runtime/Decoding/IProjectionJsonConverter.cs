using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace KubeInformers;

/// <summary>
/// Implemented by the JSON converter generated for an <see cref="InformerProjectionAttribute">informer projection</see>.
/// The runtime's decoder calls it directly on list items and watch events, instead of going through
/// <c>JsonSerializer</c> (which scans every value once more just to scope the reader to it), and on list items even
/// before it knows the item is complete, so each item is read in a single pass. Generated code implements it; there is
/// nothing to call.
/// </summary>
/// <typeparam name="T">The projection type.</typeparam>
/// <remarks>Implementations are thread-safe and read exactly one JSON object.</remarks>
public interface IProjectionJsonConverter<T>
{
    /// <summary>
    /// Reads one object from <paramref name="reader"/>, which is at its opening brace and may hold only part of it.
    /// </summary>
    /// <param name="reader">The reader; on success left at the object's closing brace, otherwise in no useful state.</param>
    /// <param name="options">The serializer options (string converter, converters of sub-objects).</param>
    /// <param name="value">The object, when it was complete.</param>
    /// <returns><see langword="true"/> when the whole object was read; <see langword="false"/> when the data ended first.</returns>
    /// <exception cref="JsonException">The JSON is not the expected shape.</exception>
    bool TryRead(ref Utf8JsonReader reader, JsonSerializerOptions options, [NotNullWhen(true)] out T? value);
}
