using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Tests.TestSupport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that records the delay of every timer created (each <c>Task.Delay</c> is one) and
/// knows which timers are still pending and when they are due. With it a test need not guess when a background loop
/// has reached its timer: it waits, in real time with a deadline, until the loop is parked (the expected number of
/// timers pending and the test's own "idle" condition true), asserts, then advances the clock exactly to the next due
/// time. Nothing can happen between two such steps that the test did not cause, so "X did not happen" is a real
/// observation, not the luck of a slow machine. Thread-safe.
/// </summary>
internal sealed class FlowRecordingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly object _gate = new();
    private readonly List<TimeSpan> _dueTimes = [];
    private readonly List<TrackedTimer> _timers = [];

    /// <summary>The delay requested by every timer created so far, in order of creation.</summary>
    public IReadOnlyList<TimeSpan> DueTimes { get { lock (_gate) return [.. _dueTimes]; } }

    /// <summary>Timers that are armed and have not fired, been disposed or been stopped, earliest first.</summary>
    public IReadOnlyList<PendingTimer> PendingTimers
    {
        get
        {
            lock (_gate)
            {
                _timers.RemoveAll(t => !t.IsPending);
                return [.. _timers.Select(t => t.Snapshot).OrderBy(t => t.Due)];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this);
        lock (_gate)
        {
            _dueTimes.Add(dueTime);
            tracked.Arm(dueTime, period);
            _timers.Add(tracked);
        }

        tracked.Inner = base.CreateTimer(s => { tracked.Fired(); callback(s); }, state, dueTime, period);
        return tracked;
    }

    /// <summary>
    /// Waits until exactly <paramref name="timers"/> timers are pending and <paramref name="idle"/> holds; fails with
    /// <paramref name="what"/>, the pending timers and <paramref name="state"/> after the deadline.
    /// </summary>
    /// <returns>The pending timers, earliest first.</returns>
    /// <param name="timers">How many timers must be pending.</param>
    /// <param name="idle">The test's own "nothing in flight" condition.</param>
    /// <param name="what">What the test waits for, for the failure message.</param>
    /// <param name="state">Describes the state for the failure message (requests made so far, for example).</param>
    /// <param name="timeout">Real-time deadline (20 s).</param>
    public async Task<IReadOnlyList<PendingTimer>> WaitUntilParkedAsync(int timers, Func<bool> idle, string what, Func<string>? state = null, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? FlowWait.DefaultTimeout;
        while (true)
        {
            var pending = PendingTimers;
            if (pending.Count == timers && idle())
            {
                return pending;
            }

            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s (fake time {GetUtcNow():O}) waiting until parked: {what}; " +
                    $"{pending.Count} timers pending (expected {timers}): [{string.Join(", ", pending)}], idle condition {idle()}" +
                    (state is null ? "" : "; " + state()));
            }

            await Task.Delay(2); // polling interval only; the outcome never depends on it
        }
    }

    /// <summary>Advances the clock exactly to the earliest pending timer's due time (that timer fires); returns it.</summary>
    public PendingTimer AdvanceToNextTimer()
    {
        var pending = PendingTimers;
        Assert.True(pending.Count > 0, "no timer is pending: advancing the clock would change nothing");
        var next = pending[0];
        var now = GetUtcNow();
        if (next.Due > now)
        {
            Advance(next.Due - now);
        }

        return next;
    }

    /// <summary>A pending timer: when it fires and the delay it was armed with.</summary>
    public readonly record struct PendingTimer(DateTimeOffset Due, TimeSpan Delay)
    {
        public override string ToString() => $"{Delay.TotalSeconds:0.###} s due {Due:HH:mm:ss.fff}";
    }

    private sealed class TrackedTimer(FlowRecordingTimeProvider owner) : ITimer
    {
        private PendingTimer _snapshot;
        private bool _pending;
        private TimeSpan? _period;

        public ITimer Inner { get; set; } = null!;

        public bool IsPending { get { lock (this) return _pending; } }

        public PendingTimer Snapshot { get { lock (this) return _snapshot; } }

        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            lock (this)
            {
                _pending = dueTime != Timeout.InfiniteTimeSpan;
                _period = period > TimeSpan.Zero && period != Timeout.InfiniteTimeSpan ? period : null;
                _snapshot = new PendingTimer(_pending ? owner.GetUtcNow() + dueTime : DateTimeOffset.MaxValue, dueTime);
            }
        }

        /// <summary>The timer fired: a one-shot one is done, a periodic one is due again one period later.</summary>
        public void Fired()
        {
            lock (this)
            {
                if (_period is { } period && _pending)
                {
                    _snapshot = new PendingTimer(_snapshot.Due + period, period);
                }
                else
                {
                    _pending = false;
                }
            }
        }

        private void Stop()
        {
            lock (this)
            {
                _pending = false;
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                Arm(dueTime, period);
                if (!owner._timers.Contains(this))
                {
                    owner._timers.Add(this);
                }
            }

            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            Stop();
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Stop();
            return Inner.DisposeAsync();
        }
    }
}
