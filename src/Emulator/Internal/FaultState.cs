using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// Mutable fault-injection switches plus the registries of open watches and connections they act on.
/// Thread-safe: read by every request, written by <see cref="EmulatorFaults"/> and the admin endpoint.
/// </summary>
internal sealed class FaultState
{
    private int _failCount;
    private TaskCompletionSource _unstalled = Completed();

    public ConcurrentDictionary<WatchSession, byte> Watches { get; } = new();

    public ConcurrentDictionary<string, ConnectionContext> Connections { get; } = new();

    public int FailStatus { get; private set; } = 503;

    public int? FailRetryAfterSeconds { get; private set; }

    public TimeSpan Latency { get; set; }

    public bool Stalled { get; private set; }

    /// <summary>While true, every API request (not the admin endpoint) has its connection reset.</summary>
    public bool Unreachable { get; set; }

    public Task Unstalled => Volatile.Read(ref _unstalled).Task;

    public void FailNext(int count, int status, int? retryAfterSeconds)
    {
        FailStatus = status;
        FailRetryAfterSeconds = retryAfterSeconds;
        Volatile.Write(ref _failCount, count);
    }

    /// <summary>Consumes one injected failure, if any is pending.</summary>
    public bool TryTakeFailure()
    {
        while (true)
        {
            var current = Volatile.Read(ref _failCount);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _failCount, current - 1, current) == current)
            {
                return true;
            }
        }
    }

    public int PendingFailures => Volatile.Read(ref _failCount);

    public void Stall()
    {
        lock (this)
        {
            if (!Stalled)
            {
                Stalled = true;
                _unstalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Unstall()
    {
        lock (this)
        {
            Stalled = false;
            _unstalled.TrySetResult();
        }
    }

    public void Clear()
    {
        Volatile.Write(ref _failCount, 0);
        Latency = TimeSpan.Zero;
        Unreachable = false;
        Unstall();
    }

    private static TaskCompletionSource Completed()
    {
        var t = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        t.SetResult();
        return t;
    }
}
