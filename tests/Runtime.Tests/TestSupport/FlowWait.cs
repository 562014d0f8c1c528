namespace KubeInformers.Tests.TestSupport;

/// <summary>
/// Transitional: the old name of <see cref="KubeInformers.TestSupport.Wait"/>, kept only so that tests written against it
/// on branches not yet merged (Transport/Readers) still compile. Call <see cref="KubeInformers.TestSupport.Wait"/>; once
/// those branches are in, replace <c>FlowWait.CompletesAsync</c> with <c>Wait.ForAsync</c> and delete this file.
/// </summary>
[Obsolete("Use KubeInformers.TestSupport.Wait (CompletesAsync is Wait.ForAsync).")]
internal static class FlowWait
{
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => Wait.UntilAsync(condition, what, timeout);

    public static Task<T> CompletesAsync<T>(Task<T> task, string what, TimeSpan? timeout = null) => Wait.ForAsync(task, what, timeout);

    public static Task CompletesAsync(Task task, string what, TimeSpan? timeout = null) => Wait.ForAsync(task, what, timeout);
}
