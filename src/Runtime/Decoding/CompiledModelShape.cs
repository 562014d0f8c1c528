using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeInformers;

/// <summary>
/// One model class as a generated <see cref="CompiledJsonReader{T}">compiled reader</see> was compiled against: the type
/// and the JSON names of the properties it sets. The runtime compares it with the class the process actually runs with,
/// so a reader built against another KubernetesClient model (a field added: it would be dropped silently; a field
/// removed or retyped) is not used. Created by generated code only; immutable.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CompiledModelShape
{
    private readonly string[] _jsonNames;

    /// <summary>Describes <paramref name="type"/> as the reader knows it.</summary>
    /// <param name="type">The model class.</param>
    /// <param name="jsonNames">The JSON names of the properties the reader sets, in any order.</param>
    public CompiledModelShape([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, params string[] jsonNames)
    {
        Type = type ?? throw new ArgumentNullException(nameof(type));
        _jsonNames = jsonNames ?? throw new ArgumentNullException(nameof(jsonNames));
    }

    /// <summary>The model class.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)]
    public Type Type { get; }

    /// <summary>The JSON names of the properties the reader sets.</summary>
    public IReadOnlyList<string> JsonNames => _jsonNames;

    /// <summary>
    /// Null when the running class has exactly the properties the reader sets (as System.Text.Json deserializes them:
    /// public instance properties with a public setter, named by <c>[JsonPropertyName]</c> or in camelCase, without
    /// <c>[JsonIgnore]</c>); else what differs, in words.
    /// </summary>
    public string? FindDifference()
    {
        var running = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The most derived declaration comes first; a hidden base property is not deserialized.
            if (property.GetIndexParameters().Length != 0 || !seen.Add(property.Name) || property.GetSetMethod() is null)
            {
                continue;
            }

            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always })
            {
                continue;
            }

            running.Add(property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name));
        }

        var known = new HashSet<string>(_jsonNames, StringComparer.Ordinal);
        var added = running.Where(n => !known.Contains(n)).Order(StringComparer.Ordinal).ToArray();
        var removed = known.Where(n => !running.Contains(n)).Order(StringComparer.Ordinal).ToArray();
        if (added.Length == 0 && removed.Length == 0)
        {
            return null;
        }

        var parts = new List<string>(2);
        if (added.Length > 0)
        {
            parts.Add($"{Type.Name} has {string.Join(", ", added)}, which the reader does not know");
        }

        if (removed.Length > 0)
        {
            parts.Add($"{Type.Name} no longer has {string.Join(", ", removed)}");
        }

        return string.Join("; ", parts);
    }
}
