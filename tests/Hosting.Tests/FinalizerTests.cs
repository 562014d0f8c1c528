using System.Collections.Concurrent;
using KubeInformers.Hosting.Controllers;

namespace KubeInformers.Hosting.Tests;

public sealed class FinalizerTests : WidgetFixture
{
    private const string FinalizerName = "test.kubeinformers.io/cleanup";

    private Finalizer<Widget> NewFinalizer() => new(Client, Widget.Resource, FinalizerName);

    /// <summary>A reconciler in the usual shape: the finalizer first, then the side effect (recorded with what the server had).</summary>
    private sealed class WidgetReconciler(FinalizerTests test, Func<Widget, CancellationToken, Task> cleanup) : IObjectReconciler<Widget>
    {
        public ConcurrentQueue<bool> SideEffectsSawFinalizer { get; } = new();
        public ConcurrentQueue<string> Outcomes { get; } = new();
        private readonly Finalizer<Widget> _finalizer = test.NewFinalizer();

        public async Task<ReconcileResult> ReconcileAsync(ReconcileContext<Widget> context, CancellationToken cancellationToken)
        {
            if (context.Object is not { } widget)
            {
                Outcomes.Enqueue("gone");
                return ReconcileResult.Done;
            }
            var outcome = await _finalizer.HandleAsync(widget, cleanup, cancellationToken);
            Outcomes.Enqueue(outcome.ToString());
            if (outcome != FinalizerOutcome.Continue)
            {
                return ReconcileResult.Done;
            }
            var onServer = await test.GetAsync(widget.Metadata.Name);
            SideEffectsSawFinalizer.Enqueue(onServer?.Metadata.Finalizers?.Contains(FinalizerName) == true);
            return ReconcileResult.Done;
        }
    }

    private async Task<(SharedInformerFactory Factory, Controller<string> Controller, Task Run, CancellationTokenSource Term)> StartAsync(
        IObjectReconciler<Widget> reconciler)
    {
        var factory = new SharedInformerFactory(Client);
        var builder = new ControllerBuilder<Widget>("widgets", reconciler, new ControllerOptions<string>
        {
            RateLimiter = WorkQueueRateLimiters.ItemExponential<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(100)),
        }).For(factory.InformerFor<Widget>(Widget.Resource));
        factory.Start();
        await factory.WaitForCacheSyncAsync(new CancellationTokenSource(Wait.Default).Token);
        var term = new CancellationTokenSource();
        return (factory, builder.Controller, builder.Controller.RunAsync(term.Token), term);
    }

    [Fact]
    public async Task TheFinalizerIsAddedBeforeTheFirstSideEffect_AndTheCleanupRunsOnceOnDeletion()
    {
        await CreateAsync(Widget.New("w"));
        var cleanups = 0;
        var reconciler = new WidgetReconciler(this, (_, _) =>
        {
            Interlocked.Increment(ref cleanups);
            return Task.CompletedTask;
        });
        var (factory, controller, run, term) = await StartAsync(reconciler);
        await Wait.UntilAsync(() => !reconciler.SideEffectsSawFinalizer.IsEmpty, "the first side effect");
        Assert.Equal([FinalizerName], (await GetAsync("w"))!.Metadata.Finalizers);

        await DeleteAsync("w");
        await Wait.UntilAsync(() => reconciler.Outcomes.Contains("gone"), "the reconcile that sees the widget gone");
        Assert.Null(await GetAsync("w"));
        await Wait.UntilAsync(() => controller.Queue.Count == 0, "the queue to drain");

        Assert.Equal(1, cleanups);
        Assert.Single(reconciler.Outcomes, o => o == nameof(FinalizerOutcome.Finalized));
        Assert.All(reconciler.SideEffectsSawFinalizer, Assert.True);
        term.Cancel();
        await Wait.ForAsync(run, "the workers");
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task ARestartMidCleanup_RunsTheCleanupAgainToCompletion_AndTheDeletionCompletes()
    {
        await CreateAsync(Widget.New("w"));
        var started = 0;
        var completed = 0;
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Cleanup(Widget _, CancellationToken ct)
        {
            if (Interlocked.Increment(ref started) == 1)
            {
                firstStarted.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct); // the process dies here
            }
            Interlocked.Increment(ref completed);
        }

        var first = await StartAsync(new WidgetReconciler(this, Cleanup));
        await Wait.UntilAsync(async () => (await GetAsync("w"))?.Metadata.Finalizers?.Contains(FinalizerName) == true, "the finalizer to be added");
        await DeleteAsync("w");
        await Wait.ForAsync(firstStarted.Task, "the first cleanup to start");
        first.Term.Cancel(); // the "crash": the reconcile is cancelled mid-cleanup
        await Wait.ForAsync(first.Run, "the first process's workers");
        first.Controller.Dispose();
        await first.Factory.DisposeAsync();
        var stuck = await GetAsync("w");
        Assert.NotNull(stuck!.Metadata.DeletionTimestamp);
        Assert.Contains(FinalizerName, stuck.Metadata.Finalizers!);

        var second = await StartAsync(new WidgetReconciler(this, Cleanup)); // the restarted process
        await Wait.UntilAsync(async () => await GetAsync("w") is null, "the deletion to complete");

        Assert.Equal(2, started);
        Assert.Equal(1, completed);
        second.Term.Cancel();
        await Wait.ForAsync(second.Run, "the second process's workers");
        await second.Factory.DisposeAsync();
    }

    [Fact]
    public async Task AConflictOnTheRemovalPatch_RereadsAndRemovesTheFinalizer_WithoutRunningTheCleanupAgain()
    {
        var w = Widget.New("w");
        w.Metadata.Finalizers = [FinalizerName, "other.example.com/keep"];
        await CreateAsync(w);
        await DeleteAsync("w");
        var deleting = (await GetAsync("w"))!;
        var cleanups = 0;

        var outcome = await NewFinalizer().HandleAsync(deleting, async (_, _) =>
        {
            Interlocked.Increment(ref cleanups);
            await PatchAsync("w", """{"metadata":{"labels":{"touched":"yes"}}}"""); // someone writes meanwhile: the patch will 409
        }, CancellationToken.None);

        Assert.Equal(FinalizerOutcome.Finalized, outcome);
        Assert.Equal(1, cleanups);
        var after = (await GetAsync("w"))!;
        Assert.Equal(["other.example.com/keep"], after.Metadata.Finalizers); // only ours removed; the other writer's label kept
        Assert.Equal("yes", after.Metadata.Labels["touched"]);
    }

    [Fact]
    public async Task AConflictOnTheAddPatch_RereadsAndAddsTheFinalizerOnce()
    {
        var stale = await CreateAsync(Widget.New("w"));
        await PatchAsync("w", """{"spec":{"size":5}}""");

        var outcome = await NewFinalizer().HandleAsync(stale, (_, _) => Task.CompletedTask, CancellationToken.None);

        Assert.Equal(FinalizerOutcome.Continue, outcome);
        var after = (await GetAsync("w"))!;
        Assert.Equal([FinalizerName], after.Metadata.Finalizers);
        Assert.Equal(5, after.Spec.Size); // the concurrent write survived
    }

    [Fact]
    public async Task ConflictsBeyondTheBound_Throw()
    {
        var stale = await CreateAsync(Widget.New("w"));
        var finalizer = new Finalizer<Widget>(Client, Widget.Resource, FinalizerName) { MaxConflictRetries = 0 };
        await PatchAsync("w", """{"spec":{"size":5}}""");

        var ex = await Assert.ThrowsAsync<FinalizerConflictException>(() => finalizer.HandleAsync(stale, (_, _) => Task.CompletedTask, CancellationToken.None));
        Assert.Equal(1, ex.Attempts);
        Assert.Null((await GetAsync("w"))!.Metadata.Finalizers);
    }

    [Fact]
    public void AnUnqualifiedName_IsRejected() =>
        Assert.Throws<ArgumentException>(() => new Finalizer<Widget>(Client, Widget.Resource, "cleanup"));
}
