using System.Diagnostics;

namespace KubeInformers.Tests.TestSupport;

/// <summary>Waits on conditions with a real-time deadline (never guesses a sleep); fails with a message on timeout.</summary>
internal static class FlowWait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(2).ConfigureAwait(false); // polling interval only; outcomes never depend on it
        }
    }

    public static async Task<T> CompletesAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        await CompletesAsync((Task)task, what, timeout).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    public static async Task CompletesAsync(Task task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var finished = await Task.WhenAny(task, Task.Delay(limit)).ConfigureAwait(false);
        if (finished != task)
        {
            Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
        }

        await task.ConfigureAwait(false);
    }
}
