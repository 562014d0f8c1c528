using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.TestSupport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that records the delay of every timer created (each <c>Task.Delay</c> is one) and
/// knows which timers are still pending and when they are due (a periodic timer stays pending, due one period after it
/// fired; a timer re-armed with <see cref="ITimer.Change"/> is pending again). With it a test need not guess when a
/// background loop has reached its timer: it waits, in real time with a deadline, until the loop is parked (the expected
/// number of timers pending and the test's own "idle" condition true), asserts, then advances the clock exactly to the
/// next due time. Nothing can happen between two such steps that the test did not cause, so "X did not happen" is a real
/// observation, not the luck of a slow machine. Thread-safe.
/// </summary>
public sealed class TrackingTimeProvider : FakeTimeProvider
{
    /// <summary>Where the clock starts when the test names no time: 2026-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly object _gate = new();
    private readonly List<TimeSpan> _dueTimes = [];
    private readonly List<TrackedTimer> _timers = [];

    /// <summary>A clock at <see cref="DefaultStart"/>.</summary>
    public TrackingTimeProvider()
        : this(DefaultStart)
    {
    }

    /// <summary>A clock at <paramref name="start"/>.</summary>
    public TrackingTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

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

    /// <summary>The pending timers (earliest first) whose requested delay satisfies <paramref name="delay"/>.</summary>
    public IReadOnlyList<PendingTimer> Pending(Func<TimeSpan, bool> delay) => [.. PendingTimers.Where(t => delay(t.Delay))];

    /// <inheritdoc/>
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
    /// Waits until exactly <paramref name="timers"/> timers are pending and <paramref name="idle"/> holds; throws a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/>, the pending timers and <paramref name="state"/> after
    /// the deadline.
    /// </summary>
    /// <param name="timers">How many timers must be pending.</param>
    /// <param name="idle">The test's own "nothing in flight" condition.</param>
    /// <param name="what">What the test waits for, for the failure message.</param>
    /// <param name="state">Describes the state for the failure message (requests made so far, for example).</param>
    /// <param name="timeout">Real-time deadline (default <see cref="Wait.Default"/>).</param>
    /// <returns>The pending timers, earliest first.</returns>
    public async Task<IReadOnlyList<PendingTimer>> WaitUntilParkedAsync(int timers, Func<bool> idle, string what, Func<string>? state = null, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? Wait.Default;
        while (true)
        {
            var pending = PendingTimers;
            if (pending.Count == timers && idle())
            {
                return pending;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s (fake time {GetUtcNow():O}) waiting until parked: {what}; " +
                    $"{pending.Count} timers pending (expected {timers}): [{string.Join(", ", pending)}], idle condition {idle()}" +
                    (state is null ? "" : "; " + state()));
            }

            await Task.Delay(2).ConfigureAwait(false); // polling interval only; the outcome never depends on it
        }
    }

    /// <summary>
    /// Advances the clock exactly to the earliest pending timer's due time (that timer fires) and returns it; throws
    /// <see cref="InvalidOperationException"/> when no timer is pending (advancing would change nothing).
    /// </summary>
    public PendingTimer AdvanceToNextTimer()
    {
        var pending = PendingTimers;
        if (pending.Count == 0)
        {
            throw new InvalidOperationException("no timer is pending: advancing the clock would change nothing");
        }

        var next = pending[0];
        var now = GetUtcNow();
        if (next.Due > now)
        {
            Advance(next.Due - now);
        }

        return next;
    }

    /// <summary>A pending timer: when it fires and the delay it was armed with.</summary>
    /// <param name="Due">When it fires.</param>
    /// <param name="Delay">The delay (or period) it was armed with.</param>
    public readonly record struct PendingTimer(DateTimeOffset Due, TimeSpan Delay)
    {
        /// <inheritdoc/>
        public override string ToString() => $"{Delay.TotalSeconds:0.###} s due {Due:HH:mm:ss.fff}";
    }

    private sealed class TrackedTimer(TrackingTimeProvider owner) : ITimer
    {
        private readonly object _lock = new();
        private PendingTimer _snapshot;
        private bool _pending;
        private TimeSpan? _period;

        public ITimer Inner { get; set; } = null!;

        public bool IsPending { get { lock (_lock) return _pending; } }

        public PendingTimer Snapshot { get { lock (_lock) return _snapshot; } }

        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            lock (_lock)
            {
                _pending = dueTime != Timeout.InfiniteTimeSpan;
                _period = period > TimeSpan.Zero && period != Timeout.InfiniteTimeSpan ? period : null;
                _snapshot = new PendingTimer(_pending ? owner.GetUtcNow() + dueTime : DateTimeOffset.MaxValue, dueTime);
            }
        }

        /// <summary>The timer fired: a one-shot one is done, a periodic one is due again one period later.</summary>
        public void Fired()
        {
            lock (_lock)
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
            lock (_lock)
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
