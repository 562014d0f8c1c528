using System.Text.Json;
using k8s;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// Decodes one watch line, <c>{"type":"ADDED","object":{…}}</c>, straight from its UTF-8 bytes: the envelope here, the
/// object with the type's <see cref="ItemDecoder{T}"/> (the same decoder as list items). ERROR events become
/// <see cref="KubernetesApiException"/>; anything that is not a valid event becomes <see cref="KubernetesDecodeException"/>
/// whose message gives the position, never the content. Stateless and thread-safe; called by
/// <see cref="HttpWatchStream{T}"/> once per line, on its reading loop.
/// </summary>
internal static class WatchLineDecoder
{
    /// <summary>Decodes a line that holds exactly one event (surrounding whitespace allowed).</summary>
    /// <param name="line">The line, without its newline.</param>
    /// <param name="lineNumber">1-based line number within the stream, for error messages.</param>
    /// <param name="streamOffset">Byte offset of the line within the stream, for error messages.</param>
    /// <param name="resource">The resource watched, for error messages.</param>
    /// <param name="decoder">The decoder of the object (default: <see cref="ItemDecoder{T}.Default"/>, compiled readers allowed).</param>
    public static WatchEvent<T> Decode<T>(ReadOnlySpan<byte> line, long lineNumber, long streamOffset, string resource, ItemDecoder<T>? decoder = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        decoder ??= ItemDecoder<T>.Default;
        try
        {
            var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Invalid("it is not a JSON object", lineNumber, streamOffset, resource, null);
            }

            string? typeText = null;
            WatchEventType? type = null;
            var isError = false;
            T? obj = null;
            V1Status? status = null;
            var deferredStart = -1;
            var deferredEnd = -1;

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Invalid("its \"type\" is not a string", lineNumber, streamOffset, resource, null);
                    }

                    (type, isError) = ParseType(ref reader);
                    if (type is null && !isError)
                    {
                        typeText = reader.GetString();
                    }
                }
                else if (reader.ValueTextEquals("object"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw Invalid("its \"object\" is missing or not a JSON object", lineNumber, streamOffset, resource, null);
                    }

                    if (isError)
                    {
                        status = ItemDecoder<V1Status>.Default.Decode(ref reader);
                    }
                    else if (type is not null)
                    {
                        obj = decoder.Decode(ref reader);
                    }
                    else
                    {
                        // "object" before "type": remember where it is and decode it once the type is known.
                        deferredStart = (int)reader.TokenStartIndex;
                        reader.Skip();
                        deferredEnd = (int)reader.BytesConsumed;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (type is null && !isError)
            {
                throw Invalid(typeText is null ? "it has no \"type\"" : $"its type \"{Truncate(typeText)}\" is not a known event type",
                    lineNumber, streamOffset, resource, null);
            }

            if (deferredStart >= 0)
            {
                var objectReader = new Utf8JsonReader(line[deferredStart..deferredEnd], isFinalBlock: true, state: default);
                objectReader.Read();
                if (isError)
                {
                    status = ItemDecoder<V1Status>.Default.Decode(ref objectReader);
                }
                else
                {
                    obj = decoder.Decode(ref objectReader);
                }
            }

            if (isError)
            {
                status ??= new V1Status { Kind = "Status", ApiVersion = "v1", Status = "Failure", Message = "the watch sent an ERROR event without a status" };
                status.Code ??= 500;
                var retryAfter = status.Details?.RetryAfterSeconds is { } s and > 0 ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
                throw new KubernetesApiException(status, retryAfter);
            }

            if (obj is null)
            {
                throw Invalid("it has no \"object\"", lineNumber, streamOffset, resource, null);
            }

            return new WatchEvent<T>(type!.Value, obj);
        }
        catch (JsonException ex)
        {
            // The JsonException message is left out on purpose: converters may quote field values.
            throw Invalid($"invalid JSON at byte {ex.BytePositionInLine ?? 0} of the line (path {ex.Path ?? "$"})", lineNumber, streamOffset, resource, ex);
        }
        catch (Exception ex) when (DecodeErrors.IsConversionError(ex))
        {
            throw Invalid($"a value could not be converted ({ex.GetType().Name})", lineNumber, streamOffset, resource, ex);
        }
    }

    private static (WatchEventType? Type, bool IsError) ParseType(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("ADDED"u8)) return (WatchEventType.Added, false);
        if (reader.ValueTextEquals("MODIFIED"u8)) return (WatchEventType.Modified, false);
        if (reader.ValueTextEquals("DELETED"u8)) return (WatchEventType.Deleted, false);
        if (reader.ValueTextEquals("BOOKMARK"u8)) return (WatchEventType.Bookmark, false);
        if (reader.ValueTextEquals("ERROR"u8)) return (null, true);
        return (null, false);
    }

    private static string Truncate(string text) => text.Length <= 32 ? text : text[..32] + "…";

    private static KubernetesDecodeException Invalid(string why, long lineNumber, long streamOffset, string resource, Exception? inner) =>
        new($"Watch line {lineNumber} (stream byte {streamOffset}) of {resource} is not a valid watch event: {why}.", inner);
}
