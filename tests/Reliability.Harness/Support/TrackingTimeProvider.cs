using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Reliability.Harness;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also knows which timers are pending and when they are due, so a test can wait
/// (in real time, with a deadline) until the code under test is parked on a timer and then advance exactly to it.
/// Thread-safe.
/// </summary>
public sealed class TrackingTimeProvider : FakeTimeProvider
{
    private readonly object _lock = new();
    private readonly List<TrackedTimer> _timers = [];

    public TrackingTimeProvider()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this);
        tracked.Inner = base.CreateTimer(s => { tracked.Fired(); callback(s); }, state, dueTime, period);
        tracked.Set(dueTime);
        lock (_lock)
        {
            _timers.Add(tracked);
        }

        return tracked;
    }

    /// <summary>Pending one-shot timers whose requested delay satisfies <paramref name="delay"/>.</summary>
    public IReadOnlyList<(DateTimeOffset Due, TimeSpan Delay)> Pending(Func<TimeSpan, bool> delay)
    {
        lock (_lock)
        {
            _timers.RemoveAll(t => t.Done);
            return [.. _timers.Where(t => delay(t.Delay)).Select(t => (t.Due, t.Delay))];
        }
    }

    private sealed class TrackedTimer(TrackingTimeProvider owner) : ITimer
    {
        private volatile bool _done;

        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset Due { get; private set; }

        public TimeSpan Delay { get; private set; }

        public bool Done => _done;

        public void Set(TimeSpan dueTime)
        {
            Delay = dueTime;
            Due = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : owner.GetUtcNow() + dueTime;
            _done = dueTime == Timeout.InfiniteTimeSpan;
        }

        public void Fired() => _done = true;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Set(dueTime);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            _done = true;
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            _done = true;
            return Inner.DisposeAsync();
        }
    }
}
