using Microsoft.Extensions.Logging;

namespace KubeInformers;

/// <summary>The informer's log messages. They name resources, handlers and counts, never object contents.</summary>
internal static partial class InformerLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "{Informer}: handler {Handler} threw on {Notification}; the notification is skipped and the handler keeps receiving")]
    public static partial void HandlerFailed(ILogger logger, string informer, string handler, string notification, Exception exception);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "{Informer}: resync period {Requested} of handler {Handler} is below the minimum; using {Used}")]
    public static partial void ResyncRaised(ILogger logger, string informer, string handler, TimeSpan requested, TimeSpan used);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "{Informer}: handler {Handler} asked for resync every {Requested}, but the informer is running without resync checks; the handler gets no resync (add handlers with resync before starting the informer)")]
    public static partial void ResyncDisabled(ILogger logger, string informer, string handler, TimeSpan requested);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "{Informer}: synced {Count} objects")]
    public static partial void Synced(ILogger logger, string informer, int count);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "{Informer}: processing the changes of one object failed; they are dropped")]
    public static partial void ProcessFailed(ILogger logger, string informer, Exception exception);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information, Message = "{Informer}: stopped")]
    public static partial void Stopped(ILogger logger, string informer);
}
