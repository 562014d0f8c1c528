using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace KubeInformers.Generator.IntegrationTests;

/// <summary>
/// An in-memory list/watch source: lists return the given objects; the watch stays open and delivers what the test
/// pushes, until cancelled.
/// </summary>
internal sealed class InMemoryListWatch<T> : IListWatch<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IReadOnlyList<T> _items;
    private readonly Channel<WatchEvent<T>> _events = Channel.CreateUnbounded<WatchEvent<T>>();

    public InMemoryListWatch(IReadOnlyList<T> items) => _items = items;

    public int Lists { get; private set; }

    public void Push(WatchEventType type, T obj) => _events.Writer.TryWrite(new WatchEvent<T>(type, obj));

    public Task<ListPage<T>> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
    {
        Lists++;
        return Task.FromResult(new ListPage<T>(_items, "10"));
    }

    public Task<IWatchStream<T>> WatchAsync(WatchRequest request, CancellationToken cancellationToken = default)
        => Task.FromResult<IWatchStream<T>>(new Stream(_events.Reader));

    private sealed class Stream(ChannelReader<WatchEvent<T>> reader) : IWatchStream<T>
    {
        public async IAsyncEnumerable<WatchEvent<T>> ReadEventsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var e))
                {
                    yield return e;
                }
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>The generated factory over in-memory sources (one per object type), as a test would substitute them.</summary>
internal sealed class InMemoryFactory : InformerFactory
{
    private readonly Dictionary<Type, object> _sources;

    public InMemoryFactory(params object[] sources)
        : base(new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }))
        => _sources = sources.ToDictionary(s => s.GetType().GetGenericArguments()[0]);

    public InMemoryListWatch<T> Source<T>() where T : class, IKubernetesObject<V1ObjectMeta> => (InMemoryListWatch<T>)_sources[typeof(T)];

    protected override IListWatch<T> CreateListWatch<T>(ResourceDescriptor resource, ListWatchOptions options)
        => (IListWatch<T>)_sources[typeof(T)];
}

/// <summary>Assertion helpers shared by the test classes.</summary>
internal static class Items
{
    /// <summary>The objects' names, ordinally sorted, so a list assertion does not depend on store order.</summary>
    public static string[] Names<T>(IEnumerable<T> items) where T : IKubernetesObject<V1ObjectMeta>
        => items.Select(i => i.Metadata.Name).Order(StringComparer.Ordinal).ToArray();
}

/// <summary>
/// Per test: a fresh in-process emulator (<see cref="KubeInformers.TestSupport.EmulatorTestBase"/>) with namespaces
/// <c>team-a</c> and <c>team-b</c>, and a client for it; both disposed after the test.
/// </summary>
public abstract class TeamsEmulatorTestBase : EmulatorTestBase
{
    /// <inheritdoc/>
    protected override IReadOnlyList<string> Namespaces { get; } = ["team-a", "team-b"];
}
