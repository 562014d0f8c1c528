using System.Buffers.Text;
using System.Text.Json;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// The opaque list continuation token: base64url of <c>{"v":"emulator/v1","rv":N,"start":"key"}</c>, like the real
/// server's (RV plus the key to continue after). An rv of 0 means "continue at the latest state".
/// </summary>
internal static class ContinueToken
{
    public static string Encode(long rv, string lastKey)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["v"] = "emulator/v1", ["rv"] = rv, ["start"] = lastKey + "\0" });
        return Base64Url.EncodeToString(json);
    }

    public static (long Rv, string AfterKey) Decode(string token)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(token);
            using var doc = JsonDocument.Parse(bytes);
            var rv = doc.RootElement.GetProperty("rv").GetInt64();
            var start = doc.RootElement.GetProperty("start").GetString() ?? string.Empty;
            if (!start.EndsWith('\0'))
            {
                throw new FormatException();
            }

            return (rv, start[..^1]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw ApiException.BadRequest($"continue key is not valid: {ex.Message}");
        }
    }
}
