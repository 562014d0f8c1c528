namespace KubeInformers.Emulator.Internal;

/// <summary>Builds watch-event lines from pre-serialized objects.</summary>
internal static class WatchLines
{
    private static readonly byte[] s_prefix = "{\"type\":\""u8.ToArray();
    private static readonly byte[] s_middle = "\",\"object\":"u8.ToArray();
    private static readonly byte[] s_suffix = "}\n"u8.ToArray();

    public static byte[] Build(string type, byte[] objectJson)
    {
        var typeBytes = System.Text.Encoding.UTF8.GetBytes(type);
        var line = new byte[s_prefix.Length + typeBytes.Length + s_middle.Length + objectJson.Length + s_suffix.Length];
        var span = line.AsSpan();
        s_prefix.CopyTo(span);
        span = span[s_prefix.Length..];
        typeBytes.CopyTo(span);
        span = span[typeBytes.Length..];
        s_middle.CopyTo(span);
        span = span[s_middle.Length..];
        objectJson.CopyTo(span);
        span = span[objectJson.Length..];
        s_suffix.CopyTo(span);
        return line;
    }
}
