using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using KubeInformers.Tests.TestSupport;
using Microsoft.AspNetCore.Http;

namespace KubeInformers.Tests.Transport;

public sealed class HttpListWatchTests
{
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);

    private static async Task<List<WatchEvent<V1ConfigMap>>> ReadAllAsync(IWatchStream<V1ConfigMap> watch)
    {
        var events = new List<WatchEvent<V1ConfigMap>>();
        await foreach (var e in watch.ReadEventsAsync())
        {
            events.Add(e);
        }

        return events;
    }

    [Fact]
    public async Task List_follows_continue_tokens_page_by_page_and_sends_limit_and_accept()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            var body = ctx.Request.Query["continue"].ToString() switch
            {
                "" => FlowJson.List("100", [FlowJson.ConfigMap("ns1", "a", "90", withTypeMeta: false), FlowJson.ConfigMap("ns1", "b", "91", withTypeMeta: false)], "tok/1+=", 1),
                "tok/1+=" => FlowJson.List("100", [FlowJson.ConfigMap("ns2", "c", "92", withTypeMeta: false)]),
                _ => throw new InvalidOperationException("unexpected continue"),
            };
            await ctx.Response.WriteAsync(body);
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        var first = await source.ListAsync(new ListRequest { ResourceVersion = "0", Limit = 2 });
        var second = await source.ListAsync(new ListRequest { Continue = first.Continue, Limit = 2 });

        Assert.Equal(["a", "b"], first.Items.Select(i => i.Metadata.Name));
        Assert.Equal("100", first.ResourceVersion);
        Assert.Equal("tok/1+=", first.Continue);
        Assert.Equal(1, first.RemainingItemCount);
        Assert.Equal(["c"], second.Items.Select(i => i.Metadata.Name));
        Assert.Null(second.Continue);
        // List items come without apiVersion/kind; the cache gets them filled in like watch objects.
        Assert.All(first.Items, i => Assert.Equal(("v1", "ConfigMap"), (i.ApiVersion, i.Kind)));

        var requests = server.Requests.ToArray();
        Assert.Equal("/api/v1/configmaps", requests[0].Path);
        Assert.Equal("2", requests[0].Query["limit"]);
        Assert.Equal("0", requests[0].Query["resourceVersion"]);
        Assert.Equal("tok/1+=", requests[1].Query["continue"]);
        Assert.False(requests[1].Query.ContainsKey("resourceVersion"));
        Assert.All(requests, r => Assert.Equal("application/json", r.Accept));
    }

    [Fact]
    public async Task List_parses_a_large_body_written_in_small_chunks()
    {
        const int count = 3000;
        var padding = new string('x', 200);
        var body = Encoding.UTF8.GetBytes(FlowJson.List("5000",
            Enumerable.Range(0, count).Select(i => FlowJson.ConfigMap("ns", "cm-" + i, (i + 1).ToString(), padding))));
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            for (var offset = 0; offset < body.Length; offset += 4093)
            {
                await ctx.Response.Body.WriteAsync(body.AsMemory(offset, Math.Min(4093, body.Length - offset)));
                await ctx.Response.Body.FlushAsync();
            }
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        var page = await source.ListAsync(new ListRequest());

        Assert.Equal(count, page.Items.Count);
        Assert.Equal("cm-2999", page.Items[^1].Metadata.Name);
        Assert.Equal(padding, page.Items[1234].Data["value"]);
        Assert.Equal("5000", page.ResourceVersion);
    }

    [Fact]
    public async Task Watch_delivers_changes_and_bookmarks_in_order_and_asks_for_bookmarks()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await FlowJson.WriteLineAsync(ctx, FlowJson.Event("ADDED", FlowJson.ConfigMap("ns1", "a", "11")));
            await FlowJson.WriteLineAsync(ctx, FlowJson.Bookmark("12"));
            await FlowJson.WriteLineAsync(ctx, FlowJson.Event("MODIFIED", FlowJson.ConfigMap("ns1", "a", "13", "v2")));
            await ctx.Response.WriteAsync("\n"); // blank keep-alive line
            await FlowJson.WriteLineAsync(ctx, FlowJson.Event("DELETED", FlowJson.ConfigMap("ns1", "a", "14")));
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        await using var watch = await source.WatchAsync(new WatchRequest { ResourceVersion = "10", TimeoutSeconds = 321 });
        var events = await ReadAllAsync(watch);

        Assert.Equal([WatchEventType.Added, WatchEventType.Bookmark, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal(["11", "12", "13", "14"], events.Select(e => e.ResourceVersion));
        Assert.Equal("v2", events[2].Object.Data["value"]);
        var query = server.Requests.Single().Query;
        Assert.Equal("true", query["watch"]);
        Assert.Equal("true", query["allowWatchBookmarks"]);
        Assert.Equal("10", query["resourceVersion"]);
        Assert.Equal("321", query["timeoutSeconds"]);
    }

    [Fact]
    public async Task Watch_returns_when_headers_arrive_before_any_event()
    {
        var release = new TaskCompletionSource();
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.FlushAsync();
            await release.Task;
            await FlowJson.WriteLineAsync(ctx, FlowJson.Event("ADDED", FlowJson.ConfigMap("ns1", "a", "11")));
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        await using var watch = await Wait.ForAsync(source.WatchAsync(new WatchRequest { ResourceVersion = "10" }), "the watch to open before its first event");
        release.SetResult();
        var events = await ReadAllAsync(watch);

        Assert.Single(events);
    }

    [Fact]
    public async Task Watch_that_ends_with_zero_events_completes_without_error()
    {
        await using var server = await FlowHttpServer.StartAsync(ctx =>
        {
            ctx.Response.ContentType = "application/json";
            return Task.CompletedTask;
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        await using var watch = await source.WatchAsync(new WatchRequest { ResourceVersion = "10" });
        var events = await ReadAllAsync(watch);

        Assert.Empty(events);
    }

    [Fact]
    public async Task Watch_answered_with_HTTP_410_throws_an_expired_api_exception_with_the_status()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.StatusCode = 410;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(FlowJson.Status(410, "Expired", "too old resource version: 5 (40)"));
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        var ex = await Assert.ThrowsAsync<KubernetesApiException>(() => source.WatchAsync(new WatchRequest { ResourceVersion = "5" }));

        Assert.True(ex.IsExpired);
        Assert.Equal(HttpStatusCode.Gone, ex.StatusCode);
        Assert.Equal("Expired", ex.Reason);
        Assert.Contains("too old resource version", ex.Status.Message);
    }

    [Fact]
    public async Task Watch_ERROR_event_with_410_throws_after_the_events_before_it()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await FlowJson.WriteLineAsync(ctx, FlowJson.Event("ADDED", FlowJson.ConfigMap("ns1", "a", "11")));
            await FlowJson.WriteLineAsync(ctx, FlowJson.Event("ERROR", FlowJson.Status(410, "Expired", "too old resource version: 1 (4)")));
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        await using var watch = await source.WatchAsync(new WatchRequest { ResourceVersion = "10" });
        var received = new List<WatchEvent<V1ConfigMap>>();
        var ex = await Assert.ThrowsAsync<KubernetesApiException>(async () =>
        {
            await foreach (var e in watch.ReadEventsAsync())
            {
                received.Add(e);
            }
        });

        Assert.Single(received);
        Assert.True(ex.IsExpired);
        Assert.Equal("Expired", ex.Reason);
    }

    [Fact]
    public async Task Watch_connection_dropped_mid_stream_surfaces_as_an_IO_error()
    {
        var firstReceived = new TaskCompletionSource();
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await FlowJson.WriteLineAsync(ctx, FlowJson.Event("ADDED", FlowJson.ConfigMap("ns1", "a", "11")));
            await firstReceived.Task;
            ctx.Abort();
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        await using var watch = await source.WatchAsync(new WatchRequest { ResourceVersion = "10" });
        var received = 0;
        var ex = await Record.ExceptionAsync(async () =>
        {
            await foreach (var e in watch.ReadEventsAsync())
            {
                received++;
                firstReceived.TrySetResult();
            }
        });

        Assert.Equal(1, received);
        Assert.True(ex is IOException or HttpRequestException, $"expected an IO error, got {ex?.GetType().Name ?? "none"}");
    }

    [Fact]
    public async Task Watch_malformed_line_throws_a_decode_exception_with_its_position_but_not_its_content()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await FlowJson.WriteLineAsync(ctx, FlowJson.Event("ADDED", FlowJson.ConfigMap("ns1", "a", "11")));
            await FlowJson.WriteLineAsync(ctx, "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"secret-value-xyz\"");
            await FlowJson.WriteLineAsync(ctx, FlowJson.Event("ADDED", FlowJson.ConfigMap("ns1", "b", "12")));
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        await using var watch = await source.WatchAsync(new WatchRequest { ResourceVersion = "10" });
        var received = new List<string?>();
        var ex = await Assert.ThrowsAsync<KubernetesDecodeException>(async () =>
        {
            await foreach (var e in watch.ReadEventsAsync())
            {
                received.Add(e.ResourceVersion);
            }
        });

        Assert.Equal(["11"], received);
        Assert.Contains("line 2", ex.Message);
        Assert.DoesNotContain("secret-value-xyz", ex.Message);
    }

    [Fact]
    public async Task Watch_event_of_unknown_type_or_without_object_is_a_decode_error()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await FlowJson.WriteLineAsync(ctx, ctx.Request.Query["resourceVersion"] == "1"
                ? "{\"type\":\"EXPLODED\",\"object\":{}}"
                : "{\"type\":\"ADDED\",\"object\":null}");
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        foreach (var rv in new[] { "1", "2" })
        {
            await using var watch = await source.WatchAsync(new WatchRequest { ResourceVersion = rv });
            await Assert.ThrowsAsync<KubernetesDecodeException>(() => ReadAllAsync(watch));
        }
    }

    [Fact]
    public async Task Watch_decodes_an_event_whose_object_comes_before_its_type()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await FlowJson.WriteLineAsync(ctx, "{\"object\":" + FlowJson.ConfigMap("ns1", "a", "11") + ",\"type\":\"MODIFIED\"}");
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        await using var watch = await source.WatchAsync(new WatchRequest { ResourceVersion = "10" });
        var events = await ReadAllAsync(watch);

        Assert.Equal(WatchEventType.Modified, Assert.Single(events).Type);
        Assert.Equal("a", events[0].Object.Metadata.Name);
    }

    [Fact]
    public async Task Too_many_requests_carries_the_Retry_After_delay()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.StatusCode = 429;
            ctx.Response.Headers.RetryAfter = "7";
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(FlowJson.Status(429, "TooManyRequests", "slow down"));
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        var listError = await Assert.ThrowsAsync<KubernetesApiException>(() => source.ListAsync(new ListRequest()));
        var watchError = await Assert.ThrowsAsync<KubernetesApiException>(() => source.WatchAsync(new WatchRequest()));

        Assert.True(listError.IsTooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(7), listError.RetryAfter);
        Assert.True(watchError.IsTooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(7), watchError.RetryAfter);
    }

    [Fact]
    public async Task An_error_body_that_is_not_a_Status_becomes_a_synthesized_Status()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.StatusCode = 503;
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("upstream connect error");
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);

        var ex = await Assert.ThrowsAsync<KubernetesApiException>(() => source.ListAsync(new ListRequest()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal("ServiceUnavailable", ex.Reason);
        Assert.Contains("upstream connect error", ex.Status.Message);
        Assert.Contains("503", ex.Message);
    }

    [Fact]
    public async Task Selectors_namespace_and_versions_are_escaped_into_the_query()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(FlowJson.List("1", []));
        });
        var options = new ListWatchOptions { Namespace = "team-a", LabelSelector = "app in (web,api),tier!=db", FieldSelector = "metadata.name=a&b" };
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps, options);

        await source.ListAsync(new ListRequest { ResourceVersion = "10", ResourceVersionMatch = "NotOlderThan" });
        await using (var watch = await source.WatchAsync(new WatchRequest { ResourceVersion = "", ResourceVersionMatch = "NotOlderThan", SendInitialEvents = true }))
        {
        }

        var requests = server.Requests.ToArray();
        Assert.All(requests, r =>
        {
            Assert.Equal("/api/v1/namespaces/team-a/configmaps", r.Path);
            Assert.Equal("app in (web,api),tier!=db", r.Query["labelSelector"]);
            Assert.Equal("metadata.name=a&b", r.Query["fieldSelector"]);
            Assert.Contains("fieldSelector=metadata.name%3Da%26b", r.RawQuery);
            Assert.Contains("labelSelector=app%20in%20%28web%2Capi%29%2Ctier%21%3Ddb", r.RawQuery);
        });
        Assert.Equal("NotOlderThan", requests[0].Query["resourceVersionMatch"]);
        Assert.Equal("true", requests[1].Query["sendInitialEvents"]);
        Assert.Equal("NotOlderThan", requests[1].Query["resourceVersionMatch"]);
    }

    [Fact]
    public async Task Credentials_of_the_client_are_applied_to_each_request()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(FlowJson.List("1", []));
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(accessToken: "token-123"), ConfigMaps);

        await source.ListAsync(new ListRequest());

        Assert.Equal("Bearer token-123", server.Requests.Single().Authorization);
    }

    [Fact]
    public async Task A_list_whose_body_stalls_past_the_reflectors_ListTimeout_on_the_injected_clock_fails_with_TimeoutException()
    {
        // The reflector's ListTimeout is the one list timeout: it bounds HttpListWatch's whole request, body included.
        var release = new TaskCompletionSource();
        var bodyStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("{\"items\":[");
            await ctx.Response.Body.FlushAsync();
            bodyStarted.TrySetResult();
            await release.Task.WaitAsync(ctx.RequestAborted);
        });
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps) { TimeProvider = time };
        var errors = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reflector = new Reflector<V1ConfigMap>(source, new FlowRecordingStore<V1ConfigMap>(),
            new ReflectorOptions { ListTimeout = TimeSpan.FromMinutes(10), WatchIdleTimeout = null, WatchStartTimeout = null }, time);
        reflector.SetWatchErrorHandler(e => errors.TrySetResult(e));
        using var stop = new CancellationTokenSource();
        var run = reflector.RunAsync(stop.Token);

        // The body stalls; ten minutes pass on the fake clock (none on the real one) and the list gives up.
        await bodyStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        time.Advance(TimeSpan.FromMinutes(10));

        var error = await Wait.ForAsync(errors.Task, "the list to end when the fake clock passed its timeout");
        Assert.IsType<TimeoutException>(error);
        Assert.Contains("600 s", error.Message);
        stop.Cancel();
        release.SetResult();
        await Wait.ForAsync(run, "the reflector to stop");
    }

    [Fact]
    public async Task A_cancelled_list_throws_OperationCanceledException_not_a_timeout()
    {
        var started = new TaskCompletionSource();
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("{\"items\":[");
            await ctx.Response.Body.FlushAsync();
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);
        using var cancel = new CancellationTokenSource();

        var list = source.ListAsync(new ListRequest(), cancel.Token);
        await Wait.ForAsync(started.Task, "the server to start answering");
        cancel.Cancel();

        var ex = await Record.ExceptionAsync(() => list);
        Assert.IsAssignableFrom<OperationCanceledException>(ex);
    }

    [Fact]
    public async Task A_watch_read_is_cancellable_while_the_server_is_silent()
    {
        await using var server = await FlowHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        var source = new HttpListWatch<V1ConfigMap>(server.CreateClient(), ConfigMaps);
        await using var watch = await source.WatchAsync(new WatchRequest { ResourceVersion = "1" });
        using var cancel = new CancellationTokenSource();

        var reading = ReadAllWithTokenAsync(watch, cancel.Token);
        cancel.Cancel();

        var ex = await Record.ExceptionAsync(() => Wait.ForAsync(reading, "the read to stop"));
        Assert.IsAssignableFrom<OperationCanceledException>(ex);
    }

    private static async Task ReadAllWithTokenAsync(IWatchStream<V1ConfigMap> watch, CancellationToken cancellationToken)
    {
        await foreach (var _ in watch.ReadEventsAsync(cancellationToken))
        {
        }
    }

    [Fact]
    public void A_client_that_is_not_a_Kubernetes_instance_is_rejected_with_a_clear_message()
    {
        var client = System.Reflection.DispatchProxy.Create<IKubernetes, NullProxy>();

        var ex = Assert.Throws<ArgumentException>(() => new HttpListWatch<V1ConfigMap>(client, ConfigMaps));

        Assert.Contains("k8s.Kubernetes", ex.Message);
    }

    public class NullProxy : System.Reflection.DispatchProxy
    {
        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) => null;
    }
}
