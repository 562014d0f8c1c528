using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeInformers.Emulator.Internal.Validation;

/// <summary>
/// One validation failure, shaped like the API server's <c>field.Error</c>: a field path
/// (<c>spec.users[0].name</c>), a cause reason (<c>FieldValueRequired</c>, <c>FieldValueInvalid</c>, ...) and the
/// message the server prints (<c>spec.replicas: Invalid value: 10: spec.replicas in body should be less than or equal
/// to 9</c>). Immutable.
/// </summary>
internal sealed record FieldError(string Field, string Reason, string Detail)
{
    /// <summary>The whole message, path first, as in a Status cause's <c>message</c> plus field.</summary>
    public string Message => Field.Length == 0 ? Detail : Field + ": " + Detail;

    public static FieldError Required(string field) => new(field, "FieldValueRequired", "Required value");

    public static FieldError Invalid(string field, string value, string detail) => new(field, "FieldValueInvalid", $"Invalid value: {value}: {detail}");

    public static FieldError TypeInvalid(string field, string actualType, string detail) => new(field, "FieldValueTypeInvalid", $"Invalid value: \"{actualType}\": {detail}");

    public static FieldError NotSupported(string field, string value, IEnumerable<string> supported) =>
        new(field, "FieldValueNotSupported", $"Unsupported value: {value}: supported values: {string.Join(", ", supported)}");

    public static FieldError TooLong(string field, long max) => new(field, "FieldValueTooLong", $"Too long: may not be more than {max} bytes");

    public static FieldError TooMany(string field, int actual, long max) => new(field, "FieldValueTooMany", $"Too many: {actual}: must have at most {max} items");

    /// <summary>A value as the server prints it in a message: strings quoted, numbers and booleans bare.</summary>
    public static string Show(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonSerializer.Serialize(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        JsonValue v => v.ToJsonString(),
        JsonObject => "\"object\"",
        JsonArray a => a.Count.ToString(CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };

    /// <summary>The JSON type name the server reports for a value (integral numbers are <c>integer</c>).</summary>
    public static string TypeOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsIntegral(v) ? "integer" : "number",
            _ => "null",
        },
        _ => "null",
    };

    // Judged on the JSON text, not on the CLR value: a JsonValue built in code holds an int, a long or a double as it was
    // created, and TryGetValue<long> fails for an int (the scale subresource writes spec.replicas that way).
    internal static bool IsIntegral(JsonValue v)
    {
        var text = v.ToJsonString();
        return long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)
            || (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
                && Math.Floor(d) == d && !double.IsInfinity(d));
    }
}
