namespace KubeInformers;

/// <summary>Ready-made retry policies for <see cref="WorkQueue{T}"/>, as in client-go <c>util/workqueue</c>. All are thread-safe.</summary>
public static class WorkQueueRateLimiters
{
    /// <summary>client-go's default: the larger of a per-item exponential backoff (5 ms → 1000 s) and an overall token bucket (10/s, burst 100).</summary>
    public static IWorkQueueRateLimiter<T> Default<T>(TimeProvider? timeProvider = null) where T : notnull
        => MaxOf(
            ItemExponential<T>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)),
            TokenBucket<T>(10, 100, timeProvider));

    /// <summary>Per-item exponential backoff: <paramref name="baseDelay"/> × 2^failures, capped at <paramref name="maxDelay"/>.</summary>
    public static IWorkQueueRateLimiter<T> ItemExponential<T>(TimeSpan baseDelay, TimeSpan maxDelay) where T : notnull
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        return new ItemExponentialRateLimiter<T>(baseDelay, maxDelay);
    }

    /// <summary>An overall token bucket shared by all items.</summary>
    /// <remarks>Each <see cref="IWorkQueueRateLimiter{T}.When"/> takes a token; when none is left, the delay is the time
    /// until one will be (tokens may go negative, so waiting callers queue up). It keeps no per-item history.</remarks>
    public static IWorkQueueRateLimiter<T> TokenBucket<T>(double perSecond, int burst, TimeProvider? timeProvider = null) where T : notnull
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        return new TokenBucketRateLimiter<T>(perSecond, burst, timeProvider ?? TimeProvider.System);
    }

    /// <summary><paramref name="fastDelay"/> for the first <paramref name="maxFastAttempts"/> retries, then <paramref name="slowDelay"/>.</summary>
    public static IWorkQueueRateLimiter<T> FastSlow<T>(TimeSpan fastDelay, TimeSpan slowDelay, int maxFastAttempts) where T : notnull
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFastAttempts);
        return new FastSlowRateLimiter<T>(fastDelay, slowDelay, maxFastAttempts);
    }

    /// <summary>The longest delay of several limiters.</summary>
    public static IWorkQueueRateLimiter<T> MaxOf<T>(params IWorkQueueRateLimiter<T>[] limiters) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(limiters);
        if (limiters.Length == 0)
        {
            throw new ArgumentException("MaxOf needs at least one limiter.", nameof(limiters));
        }

        foreach (var limiter in limiters)
        {
            ArgumentNullException.ThrowIfNull(limiter, nameof(limiters));
        }

        return new MaxOfRateLimiter<T>([.. limiters]);
    }

    /// <summary>
    /// A limiter whose delay depends only on how often an item has failed: the per-item failure count (kept under one
    /// lock), <see cref="Forget"/> and <see cref="NumRequeues"/>; a subclass turns the count into a delay.
    /// </summary>
    private abstract class PerItemFailureRateLimiter<T> : IWorkQueueRateLimiter<T> where T : notnull
    {
        private readonly Dictionary<T, int> _failures = [];

        public TimeSpan When(T item)
        {
            int failures;
            lock (_failures)
            {
                failures = _failures.GetValueOrDefault(item) + 1;
                _failures[item] = failures;
            }

            return DelayAfter(failures);
        }

        public void Forget(T item)
        {
            lock (_failures)
            {
                _failures.Remove(item);
            }
        }

        public int NumRequeues(T item)
        {
            lock (_failures)
            {
                return _failures.GetValueOrDefault(item);
            }
        }

        /// <summary>The delay for an item that has now failed <paramref name="failures"/> times (1 on its first failure).</summary>
        protected abstract TimeSpan DelayAfter(int failures);
    }

    private sealed class ItemExponentialRateLimiter<T>(TimeSpan baseDelay, TimeSpan maxDelay) : PerItemFailureRateLimiter<T> where T : notnull
    {
        protected override TimeSpan DelayAfter(int failures)
        {
            var delayTicks = baseDelay.Ticks * Math.Pow(2, failures - 1);
            return delayTicks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)delayTicks);
        }
    }

    private sealed class FastSlowRateLimiter<T>(TimeSpan fastDelay, TimeSpan slowDelay, int maxFastAttempts) : PerItemFailureRateLimiter<T> where T : notnull
    {
        protected override TimeSpan DelayAfter(int failures) => failures <= maxFastAttempts ? fastDelay : slowDelay;
    }

    private sealed class TokenBucketRateLimiter<T>(double perSecond, int burst, TimeProvider timeProvider) : IWorkQueueRateLimiter<T> where T : notnull
    {
        private readonly object _lock = new();
        private double _tokens = burst;
        private long _last = timeProvider.GetTimestamp();

        public TimeSpan When(T item)
        {
            lock (_lock)
            {
                var now = timeProvider.GetTimestamp();
                var elapsedSeconds = (now - _last) / (double)timeProvider.TimestampFrequency;
                _last = now;
                _tokens = Math.Min(burst, _tokens + (elapsedSeconds * perSecond));
                _tokens -= 1;
                return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling(-_tokens / perSecond * TimeSpan.TicksPerSecond));
            }
        }

        public void Forget(T item)
        {
        }

        public int NumRequeues(T item) => 0;
    }

    private sealed class MaxOfRateLimiter<T>(IWorkQueueRateLimiter<T>[] limiters) : IWorkQueueRateLimiter<T> where T : notnull
    {
        public TimeSpan When(T item)
        {
            var max = TimeSpan.Zero;
            foreach (var limiter in limiters)
            {
                var delay = limiter.When(item);
                if (delay > max)
                {
                    max = delay;
                }
            }

            return max;
        }

        public void Forget(T item)
        {
            foreach (var limiter in limiters)
            {
                limiter.Forget(item);
            }
        }

        public int NumRequeues(T item)
        {
            var max = 0;
            foreach (var limiter in limiters)
            {
                max = Math.Max(max, limiter.NumRequeues(item));
            }

            return max;
        }
    }
}
