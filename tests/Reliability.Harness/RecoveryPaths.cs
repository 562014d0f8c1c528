namespace KubeInformers.Reliability.Harness;

/// <summary>The runtime's log event ids that show which recovery path a fault took (see ReflectorLog and InformerLog).</summary>
public static class RecoveryPaths
{
    public static readonly IReadOnlyDictionary<string, int> EventIds = new Dictionary<string, int>
    {
        ["relist"] = 1007,
        ["relist-consistent"] = 1003,
        ["continue-expired"] = 1004,
        ["retry"] = 1008,
        ["watch-idle"] = 1010,
        ["decode-failed"] = 1011,
        ["streaming-fallback"] = 1013,
        ["very-short-watch"] = 1016,
        ["store-rejected"] = 1017,
        ["handler-threw"] = 1101,
        ["changes-dropped"] = 1105,
    };
}
