using System.Collections.Immutable;

namespace KubeInformers.Generator.Helpers;

/// <summary>
/// The diagnostic properties through which the analyzer hands a code fix its one edit (KubeInformers.CodeFixes reads
/// them; the fix itself knows nothing of the model). Only diagnostics whose fix is a single, certain edit carry them.
/// </summary>
public static class CodeFixProperties
{
    /// <summary>The key of the whole replacement JSON path (KI0004, KI0016: the misspelt segment replaced by the nearest member).</summary>
    public const string SuggestedPath = "KubeInformers.SuggestedPath";

    /// <summary>The key of the kind of edit a declaration needs (KI0015, KI0018).</summary>
    public const string Fix = "KubeInformers.Fix";

    /// <summary><see cref="Fix"/>: add the <c>partial</c> modifier to the type.</summary>
    public const string AddPartial = nameof(AddPartial);

    /// <summary><see cref="Fix"/>: add an <c>init</c> accessor to the property.</summary>
    public const string AddInitAccessor = nameof(AddInitAccessor);

    /// <summary>The properties of one edit.</summary>
    internal static ImmutableDictionary<string, string?> Of(string key, string value)
        => ImmutableDictionary<string, string?>.Empty.Add(key, value);
}
