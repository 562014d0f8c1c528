using System.Diagnostics.Metrics;

namespace KubeInformers;

/// <summary>
/// The runtime's one <see cref="Meter"/>, named <c>KubeInformers</c>: every instrument of the runtime (the reflector's in
/// <see cref="ReflectorInstruments"/>, <see cref="RuntimeDegradations"/>) is created on it. Process-wide, created on first use.
/// </summary>
internal static class RuntimeMeter
{
    /// <summary>The meter's name.</summary>
    public const string Name = "KubeInformers";

    /// <summary>The meter.</summary>
    public static readonly Meter Meter = new(Name, typeof(RuntimeMeter).Assembly.GetName().Version?.ToString());
}
