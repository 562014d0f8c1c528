namespace KubeInformers;

/// <summary>
/// client-go's reflector backoff: the delay starts at <c>initial</c> and doubles up to <c>max</c>; each delay gets up to
/// 100 % jitter (never above <c>max</c>); it starts over after <c>reset</c> without a backoff, and when the owner calls
/// <see cref="Reset"/> (the reflector does once a watch delivers an event). Not thread-safe: one reflector loop owns it.
/// </summary>
internal sealed class ExponentialBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly TimeSpan _reset;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private TimeSpan _next;
    private DateTimeOffset? _lastBackoffEnd;

    public ExponentialBackoff(TimeSpan initial, TimeSpan max, TimeSpan reset, TimeProvider time, Func<double> random)
    {
        _initial = initial > TimeSpan.Zero ? initial : TimeSpan.FromMilliseconds(1);
        _max = max >= _initial ? max : _initial;
        _reset = reset;
        _time = time;
        _random = random;
        _next = _initial;
    }

    /// <summary>Starts the sequence over: the next delay is the initial one again.</summary>
    public void Reset()
    {
        _next = _initial;
        _lastBackoffEnd = null;
    }

    /// <summary>The next delay; records that a backoff is happening now.</summary>
    public TimeSpan Next()
    {
        var now = _time.GetUtcNow();
        if (_lastBackoffEnd is { } last && now - last > _reset)
        {
            _next = _initial;
        }

        var baseDelay = _next;
        var doubled = _next * 2;
        _next = doubled > _max ? _max : doubled;

        var jittered = baseDelay * (1 + _random());
        if (jittered > _max)
        {
            // At the cap keep some spread (between 75 % and 100 % of it) so that many reflectors do not retry in step.
            jittered = _max * (0.75 + 0.25 * _random());
        }

        _lastBackoffEnd = now + jittered;
        return jittered;
    }
}
