namespace KubeInformers;

/// <summary>
/// Gives up on a watch that delivers nothing (not even a bookmark) for the idle timeout: it cancels the watch's token and
/// remembers that it did (<see cref="Fired"/>). The reflector's loop calls <see cref="Touch"/> for every event; the
/// timer runs on the injected clock. <see cref="Touch"/> and <see cref="Fired"/> may be called from any thread.
/// </summary>
internal sealed class ReflectorWatchdog : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _idle;
    private readonly CancellationTokenSource _watchStop;
    private readonly ITimer? _timer;
    private long _lastTimestamp;
    private volatile bool _fired;

    /// <summary>Arms the watchdog; <paramref name="idle"/> null or not positive: it never fires.</summary>
    public ReflectorWatchdog(TimeProvider time, TimeSpan? idle, CancellationTokenSource watchStop)
    {
        _time = time;
        _watchStop = watchStop;
        _lastTimestamp = time.GetTimestamp();
        if (idle is { } value && value > TimeSpan.Zero)
        {
            _idle = value;
            _timer = time.CreateTimer(static s => ((ReflectorWatchdog)s!).Check(), this, value, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Whether the watchdog cancelled the watch.</summary>
    public bool Fired => _fired;

    /// <summary>The watch delivered something now.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastTimestamp, _time.GetTimestamp());

    /// <inheritdoc/>
    public void Dispose() => _timer?.Dispose();

    private void Check()
    {
        var silent = _time.GetElapsedTime(Interlocked.Read(ref _lastTimestamp));
        try
        {
            if (silent >= _idle)
            {
                _fired = true;
                _watchStop.Cancel();
            }
            else
            {
                _timer?.Change(_idle - silent, Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // The watch ended meanwhile.
        }
    }
}
