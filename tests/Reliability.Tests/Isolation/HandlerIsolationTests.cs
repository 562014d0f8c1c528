using System.Globalization;
using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Reliability.Harness;

namespace KubeInformers.Reliability.Tests.Isolation;

/// <summary>
/// A handler that blocks or throws must not delay or break the other handlers or the cache (SEMANTICS 28, 29), over the
/// real HTTP transport against the emulator. Waits are polls with deadlines; a blocked handler is released by the test.
/// </summary>
public sealed class HandlerIsolationTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _stop = new();
    private readonly CapturingLoggerProvider _logs = new();
    private KubernetesEmulator _emulator = null!;
    private Kubernetes _client = null!;
    private SharedIndexInformer<V1ConfigMap> _informer = null!;
    private Task _run = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _emulator = await KubernetesEmulator.StartAsync();
        _client = _emulator.CreateClient();
        _informer = new SharedIndexInformer<V1ConfigMap>(
            new HttpListWatch<V1ConfigMap>(_client, ReliabilityRig.ConfigMaps),
            new SharedIndexInformerOptions<V1ConfigMap> { Resource = ReliabilityRig.ConfigMaps },
            _logs.Factory("isolation"));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_blocked_handler_delays_neither_the_other_handler_nor_the_cache()
    {
        using var release = new ManualResetEventSlim(false);
        var blockedCalls = 0;
        var blocked = new RecordingHandler("blocked")
        {
            After = _ =>
            {
                Interlocked.Increment(ref blockedCalls);
                release.Wait(TimeSpan.FromSeconds(60));
            },
        };
        var other = new RecordingHandler("other");
        var blockedRegistration = _informer.AddEventHandler(blocked);
        _informer.AddEventHandler(other);
        await StartAsync();

        await CreateAsync(count: 50);

        // While the first handler sits in its first call, the other handler and the lister see all 50 objects…
        await Wait.UntilAsync(() => other.Snapshot().Count == 50 && _informer.Lister.List().Count == 50, () => $"other handler has {other.Snapshot().Count}, lister {_informer.Lister.List().Count} of 50 while a handler is blocked", Deadline);
        Assert.Equal(1, Volatile.Read(ref blockedCalls));
        Assert.False(release.IsSet);

        // …and the blocked handler's notifications wait in its own buffer.
        Assert.Equal(49, blockedRegistration.PendingNotifications);

        // Updates keep flowing to the other handler while the first one is still blocked.
        await UpdateAllAsync(count: 50);
        await Wait.UntilAsync(() => other.Updates == 50, () => $"other handler saw {other.Updates} of 50 updates while a handler is blocked", Deadline);
        Assert.Equal(1, Volatile.Read(ref blockedCalls));

        // Released, the blocked handler catches up and ends with the same view, in order, with nothing lost.
        release.Set();
        await Wait.UntilAsync(() => blocked.Adds == 50 && blocked.Updates == 50 && blockedRegistration.PendingNotifications == 0, () => $"released handler saw {blocked.Adds} adds and {blocked.Updates} updates, {blockedRegistration.PendingNotifications} pending", Deadline);
        Assert.Equal(other.Snapshot(), blocked.Snapshot());
        Assert.Empty(blocked.Violations());
        Assert.Empty(other.Violations());
    }

    [Fact]
    public async Task A_throwing_handler_breaks_neither_the_other_handler_nor_the_cache_and_keeps_receiving()
    {
        var thrown = 0;
        var throwing = new RecordingHandler("throwing")
        {
            After = key =>
            {
                Interlocked.Increment(ref thrown);
                throw new InvalidOperationException("handler failure injected by the test for " + key);
            },
        };
        var other = new RecordingHandler("other");
        var throwingRegistration = _informer.AddEventHandler(throwing);
        _informer.AddEventHandler(other);
        await StartAsync();

        await CreateAsync(count: 20);
        await UpdateAllAsync(count: 20);
        await DeleteAsync(count: 10);

        // Every notification reached both handlers: the throwing one was called for each (and threw each time).
        await Wait.UntilAsync(() => other.Deletes == 10 && throwing.Deletes == 10 && throwingRegistration.PendingNotifications == 0, () => $"other: {other.Adds}/{other.Updates}/{other.Deletes}, throwing: {throwing.Adds}/{throwing.Updates}/{throwing.Deletes} (adds/updates/deletes)", Deadline);
        Assert.Equal(50, Volatile.Read(ref thrown));
        Assert.Equal(10, _informer.Lister.List().Count);
        Assert.Equal(other.Snapshot(), throwing.Snapshot());
        Assert.False(_informer.IsStopped);
        Assert.False(_run.IsCompleted);
        Assert.Equal(50, _logs.EventCount(RecoveryPaths.EventIds["handler-threw"]));
        Assert.Empty(throwing.Violations());
        Assert.Empty(other.Violations());
    }

    /// <summary>
    /// Regression of long-mode sequence 3050 (seed <c>00049oHGPe5lv1</c>): "add after RemoveEventHandler returned". The
    /// handler's loop checked "removed?" and then called the handler; a removal between the two returned at once and the
    /// call started after it. Now the check and the call share a gate that RemoveEventHandler waits for. Without the
    /// fix this fails on the first assertion: the removal returns while the handler is still inside its call.
    /// </summary>
    [Fact]
    public async Task RemoveEventHandler_returns_only_after_the_call_in_progress_and_nothing_is_delivered_after_it()
    {
        using var release = new ManualResetEventSlim(false);
        using var inFirstCall = new ManualResetEventSlim(false);
        var removed = new RecordingHandler("removed")
        {
            After = _ =>
            {
                inFirstCall.Set();
                release.Wait(TimeSpan.FromSeconds(60));
            },
        };
        var other = new RecordingHandler("other");
        var registration = _informer.AddEventHandler(removed);
        _informer.AddEventHandler(other);
        await StartAsync();
        await CreateAsync(count: 5);
        Assert.True(inFirstCall.Wait(Deadline), "the handler never got its first call");

        // The handler is inside its first call with four notifications queued behind it.
        var remove = Task.Run(() =>
        {
            _informer.RemoveEventHandler(registration);
            removed.MarkRemoved();
        });
        var returnedDuringTheCall = await Wait.TryUntilAsync(() => remove.IsCompleted, TimeSpan.FromMilliseconds(500));
        release.Set();
        await remove.WaitAsync(Deadline);
        Assert.False(returnedDuringTheCall, "RemoveEventHandler returned while a call to the handler was still running");

        // After it returned: nothing more for the removed handler, everything for the other one.
        await UpdateAllAsync(count: 5);
        await Wait.UntilAsync(() => other.Updates == 5, () => $"other handler saw {other.Updates} of 5 updates", Deadline);
        Assert.Equal(1, removed.Adds + removed.Updates + removed.Deletes);
        Assert.Equal(0, registration.PendingNotifications);
        Assert.Empty(removed.Violations());
        Assert.Empty(other.Violations());
    }

    [Fact]
    public async Task A_handler_can_remove_itself_from_inside_its_own_call_and_then_receives_nothing()
    {
        IEventHandlerRegistration registration = null!;
        RecordingHandler self = null!;
        var removals = 0;
        self = new RecordingHandler("self-removing")
        {
            After = _ =>
            {
                // From inside its own call: must not wait for itself.
                _informer.RemoveEventHandler(registration);
                self.MarkRemoved();
                Interlocked.Increment(ref removals);
            },
        };
        var other = new RecordingHandler("other");
        registration = _informer.AddEventHandler(self);
        _informer.AddEventHandler(other);
        await StartAsync();

        await CreateAsync(count: 5);
        await Wait.UntilAsync(() => Volatile.Read(ref removals) == 1 && other.Adds == 5, () => $"self-removal returned {Volatile.Read(ref removals)} times, other handler saw {other.Adds} of 5 adds", Deadline);
        await UpdateAllAsync(count: 5);
        await Wait.UntilAsync(() => other.Updates == 5, () => $"other handler saw {other.Updates} of 5 updates", Deadline);
        Assert.Equal(1, self.Adds + self.Updates + self.Deletes);
        Assert.Empty(self.Violations());
    }

    private async Task StartAsync()
    {
        _run = Task.Run(() => _informer.RunAsync(_stop.Token));
        Assert.True(await _informer.WaitForCacheSyncAsync(new CancellationTokenSource(Deadline).Token));
    }

    private async Task CreateAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = "cm-" + i.ToString(CultureInfo.InvariantCulture) },
                Data = new Dictionary<string, string> { ["v"] = "0" },
            }, "default");
        }
    }

    private async Task UpdateAllAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"v\":\"1\"}}", V1Patch.PatchType.MergePatch), "cm-" + i.ToString(CultureInfo.InvariantCulture), "default");
        }
    }

    private async Task DeleteAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _client.CoreV1.DeleteNamespacedConfigMapAsync("cm-" + i.ToString(CultureInfo.InvariantCulture), "default");
        }
    }
}
