namespace KubeInformers.Hosting.Events;

/// <summary>Options of an <see cref="EventRecorder"/>. Defaults follow client-go (<c>tools/events</c> for series, <c>tools/record</c> for the spam filter).</summary>
public sealed class EventRecorderOptions
{
    /// <summary>The <c>reportingController</c> of every event, e.g. <c>example.com/webapp-operator</c> (required).</summary>
    public string? ReportingController { get; set; }

    /// <summary>The <c>reportingInstance</c> (null: the host name), e.g. the pod name.</summary>
    public string? ReportingInstance { get; set; }

    /// <summary>How many events may wait to be written (1000). When full, <see cref="EventRecorder.Record"/> drops the event and counts it.</summary>
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>How many events one object may emit in a burst (25), after which one more per <see cref="RefillInterval"/>.</summary>
    public int Burst { get; set; } = 25;

    /// <summary>How often an object earns one more event once its burst is spent (5 minutes).</summary>
    public TimeSpan RefillInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A repeat of an event within this time of its last occurrence updates that event's series instead of creating a new Event (6 minutes).</summary>
    public TimeSpan SeriesWindow { get; set; } = TimeSpan.FromMinutes(6);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ReportingController))
        {
            throw new InvalidOperationException("EventRecorderOptions.ReportingController is required (e.g. example.com/my-operator).");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1, nameof(QueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(Burst, 1, nameof(Burst));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RefillInterval, TimeSpan.Zero, nameof(RefillInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SeriesWindow, TimeSpan.Zero, nameof(SeriesWindow));
    }
}
