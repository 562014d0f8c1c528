using System.Diagnostics;

namespace KubeInformers.Tests.TestSupport;

/// <summary>Waits on conditions with a deadline instead of sleeping for a guessed time.</summary>
internal static class StoreWait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after the deadline.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (!condition())
        {
            if (deadline.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Yield();
            await Task.Delay(5).ConfigureAwait(false); // polling interval only; the outcome never depends on it
        }
    }

    /// <summary>Awaits <paramref name="task"/>, failing with <paramref name="what"/> if it does not finish before the deadline.</summary>
    public static async Task<T> CompletesAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        await CompletesAsync((Task)task, what, timeout);
        return await task;
    }

    /// <summary>Awaits <paramref name="task"/>, failing with <paramref name="what"/> if it does not finish before the deadline.</summary>
    public static async Task CompletesAsync(Task task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var finished = await Task.WhenAny(task, Task.Delay(limit));
        if (finished != task)
        {
            Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
        }

        await task;
    }
}
