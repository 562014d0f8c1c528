using static KubeInformers.Tests.TestSupport.FlowObjects;

namespace KubeInformers.Tests.Informers;

/// <summary>
/// The reflector's transition table, row by row, with no network, clock or reflector: (state, outcome) → next state.
/// Each row is one line of the table in <see cref="ReflectorTransition"/>'s header.
/// </summary>
public sealed class ReflectorTransitionTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    private static readonly ReflectorState Listing = ReflectorState.Initial(useStreamingList: false);
    private static readonly ReflectorState Streaming = ReflectorState.Initial(useStreamingList: true);
    private static readonly ReflectorState WatchingAfterList = Listing with { Step = ReflectorStep.Watching };
    private static readonly ReflectorState WatchingAgain = WatchingAfterList with { WatchReason = ReflectorWatchReason.Closed };

    private static string Show(ReflectorState s) =>
        $"{s} list={s.ListReason.ToTag()} watch={s.WatchReason.ToTag()}{(s.ResourceVersionUnavailable ? " at-empty-RV" : "")}" +
        $"{(s.StreamingUnsupported ? " no-streaming" : "")}{(s.ListsPaginated ? " paginated" : "")}";

    public static TheoryData<string, string, string> Rows()
    {
        var rows = new TheoryData<string, string, string>();
        void Row(string name, ReflectorState state, ReflectorOutcome outcome, string expected) =>
            rows.Add(name, Show(ReflectorTransition.Next(state, outcome)), expected);

        // Listing
        Row("listed → watch (initial)", Listing, ReflectorOutcome.Listed(paginated: false), "Watching list=initial watch=initial");
        Row("listed in pages at RV 0 → remembered", Listing, ReflectorOutcome.Listed(paginated: true), "Watching list=initial watch=initial paginated");
        Row("list expired at RV 10 → list at \"\" now", Listing, ReflectorOutcome.ListFailed(Expired(), "10"), "Listing list=expired watch=initial at-empty-RV");
        Row("list too large at RV 10 → list at \"\" now", Listing, ReflectorOutcome.ListFailed(Api(504, "Timeout", "Too large resource version: 20, current: 10"), "10"),
            "Listing list=expired watch=initial at-empty-RV");
        Row("list expired at \"\" → back off", Listing with { ResourceVersionUnavailable = true }, ReflectorOutcome.ListFailed(Expired(), ""),
            "BackingOff(Backoff, then Listing) list=retry watch=initial at-empty-RV");
        Row("list refused → back off, list again", Listing, ReflectorOutcome.ListFailed(ConnectionRefused(), "0"), "BackingOff(Backoff, then Listing) list=retry watch=initial");
        Row("list 429 with Retry-After → wait that", Listing, ReflectorOutcome.ListFailed(Api(429, "TooManyRequests", retryAfter: TimeSpan.FromSeconds(3)), "0"),
            "BackingOff(RetryAfter 3 s, then Listing) list=retry watch=initial");
        Row("consistent list succeeds → version usable again", Listing with { ResourceVersionUnavailable = true }, ReflectorOutcome.Listed(false), "Watching list=initial watch=initial");

        // Watching: clean ends
        Row("watch ends cleanly → re-watch now", WatchingAfterList, ReflectorOutcome.WatchClosed(events: 3, Long), "Watching list=initial watch=closed");
        Row("watch ends cleanly after 5 min, no event → re-watch now", WatchingAfterList, ReflectorOutcome.WatchClosed(events: 0, Long), "Watching list=initial watch=closed");
        Row("watch ends cleanly in 0.5 s, no event → back off (very short)", WatchingAfterList, ReflectorOutcome.WatchClosed(0, TimeSpan.FromMilliseconds(500)),
            "BackingOff(Backoff, then Watching) list=initial watch=very_short");
        Row("watch ends cleanly in 0.5 s after an event → re-watch now", WatchingAfterList, ReflectorOutcome.WatchClosed(1, TimeSpan.FromMilliseconds(500)),
            "Watching list=initial watch=closed");

        // Watching: 410
        Row("ERROR 410 after events → relist now", WatchingAfterList, ReflectorOutcome.WatchFailed(Expired(), events: 2, Long), "Listing list=expired watch=initial");
        Row("watch request 410 on a re-watch → relist now", WatchingAgain, ReflectorOutcome.WatchStartFailed(Expired()), "Listing list=expired watch=closed");
        Row("410 on the first watch after a list, no event → back off, then relist", WatchingAfterList, ReflectorOutcome.WatchStartFailed(Expired()),
            "BackingOff(Backoff, then Listing) list=expired watch=initial");
        Row("410 with streaming on → relist by streaming", Streaming with { Step = ReflectorStep.Watching, WatchReason = ReflectorWatchReason.Closed },
            ReflectorOutcome.WatchFailed(Expired(), 1, Long), "StreamingInitialEvents list=expired watch=closed");

        // Watching: retriable failures
        Row("watch request refused → back off, re-watch", WatchingAgain, ReflectorOutcome.WatchStartFailed(ConnectionRefused()), "BackingOff(Backoff, then Watching) list=initial watch=request_failed");
        Row("watch request 429 with Retry-After 1 → wait 1 s, re-watch", WatchingAgain, ReflectorOutcome.WatchStartFailed(Api(429, "TooManyRequests", retryAfter: TimeSpan.FromSeconds(1))),
            "BackingOff(RetryAfter 1 s, then Watching) list=initial watch=request_failed");
        Row("watch request 429 without Retry-After → back off", WatchingAgain, ReflectorOutcome.WatchStartFailed(Api(429, "TooManyRequests")),
            "BackingOff(Backoff, then Watching) list=initial watch=request_failed");
        Row("watch request 503 → back off, re-watch", WatchingAgain, ReflectorOutcome.WatchStartFailed(Api(503, "ServiceUnavailable")), "BackingOff(Backoff, then Watching) list=initial watch=request_failed");
        Row("watch request timed out → back off, re-watch", WatchingAgain, ReflectorOutcome.WatchStartFailed(new TimeoutException()), "BackingOff(Backoff, then Watching) list=initial watch=request_failed");
        Row("connection dropped → back off, re-watch", WatchingAgain, ReflectorOutcome.WatchFailed(new IOException("reset"), 4, Long), "BackingOff(Backoff, then Watching) list=initial watch=error");
        Row("ERROR 500 → back off, re-watch", WatchingAgain, ReflectorOutcome.WatchFailed(Api(500, "InternalError"), 4, Long), "BackingOff(Backoff, then Watching) list=initial watch=error");
        Row("undecodable line → back off, re-watch", WatchingAgain, ReflectorOutcome.WatchFailed(new KubernetesDecodeException("bad"), 4, Long), "BackingOff(Backoff, then Watching) list=initial watch=decode_error");
        Row("silent watch → back off, re-watch", WatchingAgain, ReflectorOutcome.WatchFailed(new TimeoutException(), 0, Long, failure: ReflectorFailure.Idle),
            "BackingOff(Backoff, then Watching) list=initial watch=idle");

        // Watching: not retriable
        Row("watch request 403 → back off, relist", WatchingAgain, ReflectorOutcome.WatchStartFailed(Api(403, "Forbidden")), "BackingOff(Backoff, then Listing) list=error watch=closed");
        Row("store threw → back off, relist", WatchingAgain, ReflectorOutcome.WatchFailed(new InvalidOperationException("store"), 1, Long), "BackingOff(Backoff, then Listing) list=error watch=closed");

        // StreamingInitialEvents
        Row("streaming rejected 422 → list now, never stream again", Streaming, ReflectorOutcome.WatchStartFailed(Api(422, "Invalid")), "Listing list=streaming_fallback watch=initial no-streaming");
        Row("streaming rejected 501 → list now, never stream again", Streaming, ReflectorOutcome.WatchStartFailed(Api(501, "NotImplemented")), "Listing list=streaming_fallback watch=initial no-streaming");
        Row("streaming ends before its bookmark → list now", Streaming, ReflectorOutcome.WatchClosed(1, Long), "Listing list=streaming_fallback watch=initial");
        Row("streaming expired → list at \"\" now", Streaming, ReflectorOutcome.WatchFailed(Expired(), 0, Long), "Listing list=streaming_fallback watch=initial at-empty-RV");
        Row("streaming 429 → back off, stream again", Streaming, ReflectorOutcome.WatchStartFailed(Api(429, "TooManyRequests")),
            "BackingOff(Backoff, then StreamingInitialEvents) list=initial watch=request_failed");
        Row("streaming dropped before bookmark → back off, stream again", Streaming, ReflectorOutcome.WatchFailed(new IOException("reset"), 2, Long),
            "BackingOff(Backoff, then StreamingInitialEvents) list=initial watch=error");
        Row("streaming synced, then ends cleanly → plain re-watch now", Streaming with { ResourceVersionUnavailable = true }, ReflectorOutcome.WatchClosed(9, Long, synced: true),
            "Watching list=initial watch=closed");
        Row("streaming synced, then dropped → back off, plain re-watch", Streaming, ReflectorOutcome.WatchFailed(new IOException("reset"), 9, Long, synced: true),
            "BackingOff(Backoff, then Watching) list=initial watch=error");

        // BackingOff
        Row("waited → resume", WatchingAgain with { Step = ReflectorStep.BackingOff, Resume = ReflectorStep.Watching, Pause = ReflectorPause.Backoff }, ReflectorOutcome.Waited(),
            "Watching list=initial watch=closed");
        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Transition_table_row(string row, string actual, string expected) => Assert.True(expected == actual, $"{row}: expected {expected}, got {actual}");

    [Fact]
    public void An_outcome_that_cannot_come_from_the_step_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ReflectorTransition.Next(Listing, ReflectorOutcome.Waited()));
        Assert.Throws<ArgumentException>(() => ReflectorTransition.Next(WatchingAfterList, ReflectorOutcome.Listed(false)));
    }

    [Fact]
    public void Failures_are_classified_by_what_recovers_them()
    {
        Assert.Equal(ReflectorFailure.Expired, ReflectorFailures.Classify(Expired()));
        Assert.Equal(ReflectorFailure.ResourceVersionTooLarge, ReflectorFailures.Classify(Api(504, "Timeout", causeReason: "ResourceVersionTooLarge")));
        Assert.Equal(ReflectorFailure.Throttled, ReflectorFailures.Classify(Api(429, "TooManyRequests")));
        Assert.Equal(ReflectorFailure.ServerError, ReflectorFailures.Classify(Api(503, "ServiceUnavailable")));
        Assert.Equal(ReflectorFailure.Rejected, ReflectorFailures.Classify(Api(501, "NotImplemented")));
        Assert.Equal(ReflectorFailure.Rejected, ReflectorFailures.Classify(Api(404, "NotFound")));
        Assert.Equal(ReflectorFailure.Connection, ReflectorFailures.Classify(ConnectionRefused()));
        Assert.Equal(ReflectorFailure.Connection, ReflectorFailures.Classify(new IOException("The response ended prematurely.")));
        Assert.Equal(ReflectorFailure.Timeout, ReflectorFailures.Classify(new TimeoutException()));
        Assert.Equal(ReflectorFailure.Timeout, ReflectorFailures.Classify(new TaskCanceledException()));
        Assert.Equal(ReflectorFailure.Decode, ReflectorFailures.Classify(new KubernetesDecodeException("bad")));
        Assert.Equal(ReflectorFailure.Unexpected, ReflectorFailures.Classify(new InvalidOperationException()));
    }

    [Fact]
    public void Reason_tags_are_the_stable_lowercase_metric_values()
    {
        Assert.Equal(["initial", "expired", "error", "retry", "streaming_fallback"], Enum.GetValues<ReflectorListReason>().Select(r => r.ToTag()));
        Assert.Equal(["initial", "closed", "very_short", "idle", "decode_error", "error", "request_failed"], Enum.GetValues<ReflectorWatchReason>().Select(r => r.ToTag()));
        Assert.DoesNotContain("other", Enum.GetValues<ReflectorFailure>().Select(f => f.ToTag()));
    }

    [Fact]
    public void Requests_follow_client_go_choices_of_version_and_page_size()
    {
        Assert.Equal("0", ReflectorRequests.ListResourceVersion(Listing, null));
        Assert.Equal("10", ReflectorRequests.ListResourceVersion(Listing, "10"));
        Assert.Equal("", ReflectorRequests.ListResourceVersion(Listing with { ResourceVersionUnavailable = true }, "10"));
        Assert.Equal(500, ReflectorRequests.ListLimit(Listing, 500, "0"));
        Assert.Equal(500, ReflectorRequests.ListLimit(Listing, 500, ""));
        Assert.Null(ReflectorRequests.ListLimit(Listing, 500, "10"));
        Assert.Equal(500, ReflectorRequests.ListLimit(Listing with { ListsPaginated = true }, 500, "10"));
        Assert.Null(ReflectorRequests.ListLimit(Listing, 0, "0"));

        var streaming = ReflectorRequests.Watch(Streaming, "10", 300);
        Assert.Equal(("10", "NotOlderThan", true), (streaming.ResourceVersion, streaming.ResourceVersionMatch, streaming.SendInitialEvents));
        Assert.Equal("", ReflectorRequests.Watch(Streaming with { ResourceVersionUnavailable = true }, "10", 300).ResourceVersion);
        var plain = ReflectorRequests.Watch(WatchingAgain, "10", 300);
        Assert.Equal(("10", null, (bool?)null, true, 300), (plain.ResourceVersion, plain.ResourceVersionMatch, plain.SendInitialEvents, plain.AllowWatchBookmarks, plain.TimeoutSeconds));

        Assert.Equal(300, ReflectorRequests.WatchTimeoutSeconds(TimeSpan.FromMinutes(5), 0.0));
        Assert.Equal(599, ReflectorRequests.WatchTimeoutSeconds(TimeSpan.FromMinutes(5), 0.999));
        Assert.Equal(TimeSpan.FromSeconds(1), ReflectorRequests.RetryAfterDelay(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), 0.0));
        Assert.Equal(TimeSpan.FromSeconds(1.05), ReflectorRequests.RetryAfterDelay(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), 0.5));
        Assert.Equal(TimeSpan.FromMinutes(2), ReflectorRequests.RetryAfterDelay(TimeSpan.FromHours(1), TimeSpan.FromMinutes(2), 0.0));
    }
}
