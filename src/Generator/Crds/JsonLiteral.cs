using System;
using System.Globalization;
using System.Text;

namespace KubeInformers.Generator.Crds;

/// <summary>Writes JSON literals (strings, numbers) for schemas and manifests; culture-invariant, no dependencies.</summary>
internal static class JsonLiteral
{
    /// <summary>A JSON string literal of <paramref name="value"/>, quotes included.</summary>
    public static string Quote(string value)
    {
        var b = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append(c);
                    }

                    break;
            }
        }

        return b.Append('"').ToString();
    }

    /// <summary>A JSON number literal for a compile-time constant (integral values without a fraction), or null.</summary>
    public static string? Number(object? value)
    {
        switch (value)
        {
            case int or long or short or byte or sbyte or ushort or uint:
                return Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            case ulong u:
                return u.ToString(CultureInfo.InvariantCulture);
            case double or float or decimal:
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(d) || double.IsInfinity(d))
                {
                    return null;
                }

                return d == Math.Floor(d) && Math.Abs(d) < 9e15
                    ? ((long)d).ToString(CultureInfo.InvariantCulture)
                    : d.ToString("R", CultureInfo.InvariantCulture);
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                return Number(parsed);
            default:
                return null;
        }
    }
}
