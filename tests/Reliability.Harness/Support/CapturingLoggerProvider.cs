using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KubeInformers.Reliability.Harness;

/// <summary>
/// Keeps the last few hundred log lines of the runtime and emulator in memory so that a failing scenario can print what
/// the reflectors did (relists, backoffs, fallbacks). Thread-safe.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly int _capacity;
    private readonly LogLevel _minimum;
    private readonly ConcurrentDictionary<int, int> _eventCounts = new();
    private long _sequence;

    /// <summary>How many messages with this <see cref="EventId"/> were logged (all levels, even those not kept).</summary>
    public int EventCount(int eventId) => _eventCounts.TryGetValue(eventId, out var n) ? n : 0;

    public CapturingLoggerProvider(int capacity = 400, LogLevel minimum = LogLevel.Debug)
    {
        _capacity = capacity;
        _minimum = minimum;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName, "");

    /// <summary>A factory whose loggers write here with <paramref name="prefix"/> (to tell several informers apart).</summary>
    public ILoggerFactory Factory(string prefix) => new PrefixFactory(this, prefix);

    public IReadOnlyList<string> Lines => [.. _lines];

    public int Count(Func<string, bool> predicate) => _lines.Count(predicate);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        _lines.Enqueue($"{Interlocked.Increment(ref _sequence):D6} {DateTime.UtcNow:HH:mm:ss.fff} {line}");
        while (_lines.Count > _capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class PrefixFactory(CapturingLoggerProvider owner, string prefix) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public ILogger CreateLogger(string categoryName) => new Logger(owner, categoryName, "[" + prefix + "] ");

        public void Dispose()
        {
        }
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category, string prefix) : ILogger
    {
        private readonly string _shortCategory = category[(category.LastIndexOf('.') + 1)..];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != 0)
            {
                owner._eventCounts.AddOrUpdate(eventId.Id, 1, (_, n) => n + 1);
            }

            if (IsEnabled(logLevel) && !category.StartsWith("Microsoft.", StringComparison.Ordinal))
            {
                owner.Write($"{prefix}{logLevel.ToString()[..4]} {_shortCategory}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
