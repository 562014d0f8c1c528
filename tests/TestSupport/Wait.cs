using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.TestSupport;

/// <summary>
/// Bounded waits on conditions, the one polling helper of the test projects: each polls until its condition holds or a
/// real-time deadline passes, never guesses a sleep, and on timeout throws a <see cref="TimeoutException"/> whose message
/// says what was awaited (and, where the caller gives one, the state at that moment). The polling interval is only how
/// often the condition is read; no outcome depends on it. Safe to call from any thread.
/// </summary>
public static class Wait
{
    /// <summary>The deadline of a wait that names none: 20 s of real time.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

    // How often a condition is read: a cheap in-memory check often, one that calls a server less often.
    private const int PollMilliseconds = 5;
    private const int AsyncPollMilliseconds = 20;

    /// <summary>A token cancelled after <paramref name="timeout"/> (default <see cref="Default"/>): the deadline of one test call.</summary>
    public static CancellationToken Timeout(TimeSpan? timeout = null) => new CancellationTokenSource(timeout ?? Default).Token;

    /// <summary>Polls <paramref name="condition"/> until it holds; throws naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(condition, () => what, timeout);

    /// <summary>Polls the asynchronous <paramref name="condition"/> until it holds; throws naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Default;
        var clock = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (clock.Elapsed > limit)
            {
                throw Timeout(limit, what);
            }

            await Task.Delay(AsyncPollMilliseconds).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; after <paramref name="timeout"/> throws with the message
    /// <paramref name="describe"/> builds from the state at that moment, so a failure says what was still different.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? Default;
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw Timeout(limit, describe());
            }

            await Task.Delay(PollMilliseconds, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds or <paramref name="timeout"/> passes; returns whether it held (for pacing, never for an assertion).</summary>
    public static async Task<bool> TryUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(PollMilliseconds, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Awaits <paramref name="task"/>; throws naming <paramref name="what"/> if it has not completed after <paramref name="timeout"/>.</summary>
    public static async Task ForAsync(Task task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Default;
        try
        {
            await task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw Timeout(limit, what);
        }
    }

    /// <summary>Awaits <paramref name="task"/> and returns its result; throws naming <paramref name="what"/> if it has not completed after <paramref name="timeout"/>.</summary>
    public static async Task<T> ForAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        await ForAsync((Task)task, what, timeout).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    /// <summary>
    /// Advances <paramref name="time"/> by <paramref name="step"/> (default 100 ms) at a time until
    /// <paramref name="condition"/> holds, for tests that wait for something to happen on a fake clock; throws naming
    /// <paramref name="what"/> and the fake time after <paramref name="timeout"/> of real time. A test that asserts something
    /// does <em>not</em> happen must instead wait until the code is parked on its timers
    /// (<see cref="TrackingTimeProvider.WaitUntilParkedAsync"/>) and advance exactly to them.
    /// </summary>
    public static async Task DriveUntilAsync(FakeTimeProvider time, Func<bool> condition, string what, TimeSpan? step = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Default;
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw Timeout(limit, $"{what} (fake time {time.GetUtcNow():O})");
            }

            time.Advance(step ?? TimeSpan.FromMilliseconds(100));
            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    private static TimeoutException Timeout(TimeSpan limit, string what) =>
        new($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
}
