using KubeInformers.Generator.Helpers;

namespace KubeInformers.Generator.Model;

/// <summary>The result of a guarded pipeline step: its value (a fallback after an internal error) and the errors it caught.</summary>
/// <typeparam name="T">The step's value, equatable.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="Errors">The internal errors caught while computing it (usually none).</param>
public sealed record Guarded<T>(T Value, EquatableArray<InternalError> Errors)
    where T : System.IEquatable<T>;
