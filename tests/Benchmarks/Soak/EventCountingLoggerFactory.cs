using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KubeInformers.Benchmarks.Soak;

/// <summary>
/// A logger factory that writes nothing and counts log events by id, so the soak can report which recovery paths the
/// informers took (relists, retries, decode failures, dropped changes). Thread-safe.
/// </summary>
public sealed class EventCountingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentDictionary<int, long> _counts = new();

    /// <summary>How many events with this id were logged.</summary>
    public long Count(int eventId) => _counts.TryGetValue(eventId, out var n) ? n : 0;

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Counter(this);

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Counter(EventCountingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != 0)
            {
                owner._counts.AddOrUpdate(eventId.Id, 1, (_, n) => n + 1);
            }
        }
    }
}
