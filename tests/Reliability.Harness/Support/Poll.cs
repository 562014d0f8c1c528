using System.Diagnostics;

namespace KubeInformers.Reliability.Harness;

/// <summary>
/// Waits for a condition by polling it until a deadline; never a fixed sleep. On timeout it fails with the message the
/// caller builds from the state at that moment, so a failure says what was still different.
/// </summary>
public static class Poll
{
    /// <summary>Polls <paramref name="condition"/> every 5 ms until it holds; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Condition not met within {timeout.TotalSeconds:0.#} s: {describe()}");
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Polls until the condition holds or the timeout passes; returns whether it held (for pacing, not for assertions).</summary>
    public static async Task<bool> TryUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
