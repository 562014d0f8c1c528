namespace KubeInformers;

/// <summary>
/// The stable lowercase strings that metrics and logs use for <see cref="ReflectorListReason"/>,
/// <see cref="ReflectorWatchReason"/> and <see cref="ReflectorFailure"/>. They are part of the metric contract
/// (documented on <see cref="ReflectorInstruments"/>): renaming an enum member must not change its tag.
/// </summary>
internal static class ReflectorReasonTags
{
    public static string ToTag(this ReflectorListReason reason) => reason switch
    {
        ReflectorListReason.Initial => "initial",
        ReflectorListReason.Expired => "expired",
        ReflectorListReason.Error => "error",
        ReflectorListReason.Retry => "retry",
        ReflectorListReason.StreamingFallback => "streaming_fallback",
        _ => "other",
    };

    public static string ToTag(this ReflectorWatchReason reason) => reason switch
    {
        ReflectorWatchReason.Initial => "initial",
        ReflectorWatchReason.Closed => "closed",
        ReflectorWatchReason.VeryShort => "very_short",
        ReflectorWatchReason.Idle => "idle",
        ReflectorWatchReason.DecodeError => "decode_error",
        ReflectorWatchReason.Error => "error",
        ReflectorWatchReason.RequestFailed => "request_failed",
        _ => "other",
    };

    public static string ToTag(this ReflectorFailure failure) => failure switch
    {
        ReflectorFailure.None => "none",
        ReflectorFailure.Expired => "expired",
        ReflectorFailure.ResourceVersionTooLarge => "resource_version_too_large",
        ReflectorFailure.Throttled => "throttled",
        ReflectorFailure.ServerError => "server_error",
        ReflectorFailure.Connection => "connection",
        ReflectorFailure.Timeout => "timeout",
        ReflectorFailure.Decode => "decode",
        ReflectorFailure.Idle => "idle",
        ReflectorFailure.Rejected => "rejected",
        ReflectorFailure.Unexpected => "unexpected",
        _ => "other",
    };
}
