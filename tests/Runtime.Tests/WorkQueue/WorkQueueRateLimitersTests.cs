using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Tests.WorkQueue;

/// <summary>Rate limiter behaviours (SEMANTICS.md 36, client-go util/workqueue/default_rate_limiters_test.go).</summary>
public sealed class WorkQueueRateLimitersTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact] // 36
    public void ItemExponential_Doubles_PerItem_AndForgetResets()
    {
        var limiter = WorkQueueRateLimiters.ItemExponential<string>(Ms(1), TimeSpan.FromSeconds(1));

        Assert.Equal([Ms(1), Ms(2), Ms(4), Ms(8), Ms(16)], Enumerable.Range(0, 5).Select(_ => limiter.When("one")));
        Assert.Equal(5, limiter.NumRequeues("one"));
        Assert.Equal([Ms(1), Ms(2)], Enumerable.Range(0, 2).Select(_ => limiter.When("two")));
        Assert.Equal(2, limiter.NumRequeues("two"));

        limiter.Forget("one");

        Assert.Equal(0, limiter.NumRequeues("one"));
        Assert.Equal(Ms(1), limiter.When("one"));
    }

    [Fact]
    public void ItemExponential_IsCappedAtTheMaximum()
    {
        var limiter = WorkQueueRateLimiters.ItemExponential<string>(Ms(1), Ms(10));

        var delays = Enumerable.Range(0, 100).Select(_ => limiter.When("x")).ToArray();

        Assert.Equal([Ms(1), Ms(2), Ms(4), Ms(8), Ms(10), Ms(10)], delays[..6]);
        Assert.Equal(Ms(10), delays[^1]);
    }

    [Fact]
    public void TokenBucket_AllowsTheBurst_ThenSpacesRequests_AndRefillsWithTime()
    {
        var time = new FakeTimeProvider();
        var limiter = WorkQueueRateLimiters.TokenBucket<string>(perSecond: 1, burst: 2, time);

        Assert.Equal(TimeSpan.Zero, limiter.When("a"));
        Assert.Equal(TimeSpan.Zero, limiter.When("b"));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.When("c"));
        Assert.Equal(TimeSpan.FromSeconds(2), limiter.When("d"));

        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.Zero, limiter.When("e"));
        Assert.Equal(0, limiter.NumRequeues("a"));
    }

    [Fact]
    public void FastSlow_IsFastForTheFirstAttempts_ThenSlow_AndForgetResets()
    {
        var limiter = WorkQueueRateLimiters.FastSlow<string>(Ms(5), TimeSpan.FromSeconds(10), maxFastAttempts: 3);

        Assert.Equal([Ms(5), Ms(5), Ms(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)], Enumerable.Range(0, 5).Select(_ => limiter.When("x")));
        Assert.Equal(5, limiter.NumRequeues("x"));
        Assert.Equal(Ms(5), limiter.When("y"));

        limiter.Forget("x");

        Assert.Equal(0, limiter.NumRequeues("x"));
        Assert.Equal(Ms(5), limiter.When("x"));
    }

    [Fact]
    public void MaxOf_ReturnsTheLongestDelay_AndForgetsEverywhere()
    {
        var limiter = WorkQueueRateLimiters.MaxOf(
            WorkQueueRateLimiters.ItemExponential<string>(Ms(1), TimeSpan.FromSeconds(1)),
            WorkQueueRateLimiters.FastSlow<string>(Ms(5), TimeSpan.FromSeconds(3), 3));

        Assert.Equal([Ms(5), Ms(5), Ms(5), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)], Enumerable.Range(0, 5).Select(_ => limiter.When("x")));
        Assert.Equal(5, limiter.NumRequeues("x"));

        limiter.Forget("x");

        Assert.Equal(0, limiter.NumRequeues("x"));
        Assert.Equal(Ms(5), limiter.When("x"));
    }

    [Fact]
    public void Default_IsPerItemExponentialFrom5ms_UntilTheOverallBucketOf100IsSpent()
    {
        var time = new FakeTimeProvider();
        var limiter = WorkQueueRateLimiters.Default<string>(time);

        Assert.Equal(Ms(5), limiter.When("x"));
        Assert.Equal(Ms(10), limiter.When("x"));
        for (var i = 0; i < 98; i++)
        {
            Assert.Equal(Ms(5), limiter.When("item" + i));
        }

        Assert.Equal(Ms(100), limiter.When("one-too-many")); // bucket of 100 spent: 10 per second
    }

    [Fact]
    public void Factories_RejectInvalidArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkQueueRateLimiters.ItemExponential<string>(Ms(10), Ms(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkQueueRateLimiters.TokenBucket<string>(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkQueueRateLimiters.TokenBucket<string>(1, 0));
        Assert.Throws<ArgumentException>(() => WorkQueueRateLimiters.MaxOf<string>());
    }
}
