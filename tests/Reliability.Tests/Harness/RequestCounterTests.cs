using System.Net;
using KubeInformers.Reliability.Harness;

namespace KubeInformers.Reliability.Tests.Harness;

/// <summary>
/// The request counter's hooks write to the server from an informer's request thread. The convergence run clears them,
/// then reads the server's state as the truth the informers must reach: a hook still running at that moment wrote after
/// the truth was read (issue 18: every informer held <c>rel-c/filler-19@50</c>, the server's newest write, which the
/// stale truth did not have). These tests pin that clearing waits for such a hook.
/// </summary>
public sealed class RequestCounterTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ClearHooksAsync_completes_only_after_a_hook_already_running_has_finished()
    {
        using var counter = new RequestCounter { InnerHandler = new AnswerOk() };
        using var invoker = new HttpMessageInvoker(counter);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var wrote = 0;
        counter.Before(_ => true, () =>
        {
            entered.Set();
            Assert.True(release.Wait(Deadline), "the test never released the hook");
            Volatile.Write(ref wrote, 1); // the hook's write to the server
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/api/v1/configmaps?limit=1&continue=x");
        var send = Task.Run(() => invoker.SendAsync(request, CancellationToken.None));
        Assert.True(entered.Wait(Deadline), "the hook did not start");

        // The hook was taken before the clear: clearing must not report quiet while it is still writing.
        var cleared = counter.ClearHooksAsync();
        Assert.False(cleared.IsCompleted, "ClearHooksAsync completed while a hook was still running");

        release.Set();
        await cleared.WaitAsync(Deadline);
        Assert.Equal(1, Volatile.Read(ref wrote));
        using var response = await send.WaitAsync(Deadline);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_cleared_hook_never_runs_and_clearing_without_running_hooks_completes_at_once()
    {
        using var counter = new RequestCounter { InnerHandler = new AnswerOk() };
        using var invoker = new HttpMessageInvoker(counter);
        var ran = 0;
        counter.Before(_ => true, () => Interlocked.Increment(ref ran));

        var cleared = counter.ClearHooksAsync();
        Assert.True(cleared.IsCompletedSuccessfully);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/api/v1/configmaps?limit=1&continue=x");
        using var response = await invoker.SendAsync(request, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(0, Volatile.Read(ref ran));
        Assert.Equal(1, counter.Count);
    }

    private sealed class AnswerOk : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") });
    }
}
