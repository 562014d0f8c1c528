namespace KubeInformers.Hosting.Tests;

/// <summary>Bounded waits on conditions: poll until true or fail with a message at the deadline.</summary>
internal static class Wait
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Default);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? Default).TotalSeconds:0} s waiting for: {what}");
            }
            await Task.Delay(20);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Default);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? Default).TotalSeconds:0} s waiting for: {what}");
            }
            await Task.Delay(20);
        }
    }

    public static async Task<T> ForAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? Default);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? Default).TotalSeconds:0} s waiting for: {what}");
        }
    }

    public static async Task ForAsync(Task task, string what, TimeSpan? timeout = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? Default);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? Default).TotalSeconds:0} s waiting for: {what}");
        }
    }
}
