using Microsoft.Extensions.Logging;

namespace KubeInformers;

/// <summary>The reflector's log messages. They name resources, resourceVersions, counts and errors, never object contents.</summary>
internal static partial class ReflectorLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "{Reflector}: listing at resourceVersion \"{ResourceVersion}\" (page size {PageSize})")]
    public static partial void Listing(ILogger logger, string reflector, string resourceVersion, int pageSize);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "{Reflector}: listed {Count} objects at resourceVersion {ResourceVersion} in {Pages} page(s)")]
    public static partial void Listed(ILogger logger, string reflector, int count, string resourceVersion, int pages);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "{Reflector}: relisting at resourceVersion \"\" (a consistent read) because resourceVersion \"{ResourceVersion}\" is {Why}")]
    public static partial void RelistConsistent(ILogger logger, string reflector, string resourceVersion, string why);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "{Reflector}: the continue token expired on page {Page}; listing again in one request at resourceVersion \"{ResourceVersion}\"")]
    public static partial void ContinueExpired(ILogger logger, string reflector, int page, string resourceVersion);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "{Reflector}: watching from resourceVersion {ResourceVersion} (server timeout {TimeoutSeconds} s)")]
    public static partial void Watching(ILogger logger, string reflector, string resourceVersion, int timeoutSeconds);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "{Reflector}: the watch ended after {Events} events; watching again from resourceVersion {ResourceVersion}")]
    public static partial void WatchClosed(ILogger logger, string reflector, int events, string? resourceVersion);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "{Reflector}: relisting: {Why}")]
    public static partial void Relisting(ILogger logger, string reflector, string why);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "{Reflector}: {Operation} failed; retrying: {Error}")]
    public static partial void OperationFailed(ILogger logger, string reflector, string operation, string error);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Debug, Message = "{Reflector}: backing off for {DelayMs} ms")]
    public static partial void BackingOff(ILogger logger, string reflector, long delayMs);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "{Reflector}: the watch sent nothing for {IdleSeconds} s; presuming the connection dead and watching again from resourceVersion {ResourceVersion}")]
    public static partial void WatchIdle(ILogger logger, string reflector, double idleSeconds, string? resourceVersion);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "{Reflector}: a watch line could not be decoded; watching again from the last good resourceVersion {ResourceVersion}: {Error}")]
    public static partial void DecodeFailed(ILogger logger, string reflector, string? resourceVersion, string error);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "{Reflector}: streaming list synced {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void StreamingSynced(ILogger logger, string reflector, int count, string resourceVersion);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "{Reflector}: the streaming list (sendInitialEvents) did not work ({Why}); falling back to list and watch")]
    public static partial void StreamingFallback(ILogger logger, string reflector, string why);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Error, Message = "{Reflector}: the watch error handler threw")]
    public static partial void ErrorHandlerFailed(ILogger logger, string reflector, Exception exception);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Debug, Message = "{Reflector}: resync")]
    public static partial void Resync(ILogger logger, string reflector);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Warning, Message = "{Reflector}: the watch closed after {Milliseconds} ms without any event; backing off before watching again")]
    public static partial void VeryShortWatch(ILogger logger, string reflector, long milliseconds);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Error, Message = "{Reflector}: the store rejected a change; relisting")]
    public static partial void StoreFailed(ILogger logger, string reflector, Exception exception);
}
