// A user's Pod watcher, fixed so it can be built against two revisions of the library and compared in one run:
//   RevisionProbe --kubeconfig F --objects N --events M [--projection]
// kubeconfig file → KubernetesClient's BuildConfigFromConfigFile → client → a Pod informer with default options (full
// model, or a four-field projection) → synced → M MODIFIED events to a handler. Prints one RESULT line in the protocol
// of tests/Benchmarks/EndToEnd/ColdChild.cs. Only API present since the house's start (revision f0dff04) is used:
// the factory's constructor, InformerFor, AddEventHandler, Start, WaitForCacheSyncAsync (awaited for its effect) and
// CacheCount.
// It repeats samples/AotWatcher's loop on purpose instead of sharing it: the script copies this folder alone into old
// checkouts, which have no such sample and must build it unchanged.
using System.Globalization;
using k8s;
using k8s.Models;
using KubeInformers;
using RevisionProbe;

[assembly: GenerateInformer(typeof(V1Pod))]

var tMain = UnixMs();
string? kubeconfig = null;
int objects = 0, events = 0;
var projection = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--kubeconfig": kubeconfig = args[++i]; break;
        case "--objects": objects = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--events": events = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--projection": projection = true; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}; options: --kubeconfig F --objects N --events M --projection"); return 2;
    }
}

var baseline = GC.GetTotalMemory(forceFullCollection: false);
var tConfig = UnixMs();
using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
var tClient = UnixMs();
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
var pods = new ResourceDescriptor("", "v1", "pods", "Pod", Namespaced: true);

var updates = 0;
var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void Updated()
{
    if (Interlocked.Increment(ref updates) == events) allArrived.TrySetResult();
}

await using var factory = new SharedInformerFactory(client);
Func<int> count;
if (projection)
{
    var informer = factory.InformerFor<PodSummary>(pods);
    if (events > 0) informer.AddEventHandler(new ResourceEventHandler<PodSummary> { Updated = (_, _) => Updated() });
    count = () => informer.CacheCount;
}
else
{
    var informer = factory.InformerFor<V1Pod>(pods);
    if (events > 0) informer.AddEventHandler(new ResourceEventHandler<V1Pod> { Updated = (_, _) => Updated() });
    count = () => informer.CacheCount;
}

factory.Start();
await factory.WaitForCacheSyncAsync(cts.Token);
var tSynced = UnixMs();
if (count() != objects)
{
    Console.Error.WriteLine($"the informer cached {count()} Pods, expected {objects}");
    return 1;
}

var jitMs = System.Runtime.JitInfo.GetCompilationTime(currentThread: false).TotalMilliseconds;
var gcPauseMs = GC.GetTotalPauseDuration().TotalMilliseconds;
GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
GC.WaitForPendingFinalizers();
GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
var retained = GC.GetTotalMemory(forceFullCollection: true) - baseline;
double rate = double.NaN, watchAlloc = double.NaN;
if (events > 0)
{
    // Counted from here: the events delivered while the heap was measured are left out of the rate. The bytes allocated
    // per event do not depend on when the GC runs, so they compare two revisions where the rate is too noisy to.
    var sw = System.Diagnostics.Stopwatch.StartNew();
    var before = Volatile.Read(ref updates);
    var allocBefore = GC.GetTotalAllocatedBytes(precise: true);
    await allArrived.Task.WaitAsync(cts.Token);
    rate = (events - before) / sw.Elapsed.TotalSeconds;
    watchAlloc = (GC.GetTotalAllocatedBytes(precise: true) - allocBefore) / (double)(events - before);
}

Console.WriteLine(FormattableString.Invariant(
    $"RESULT main={tMain:F3} config={tClient - tConfig:F1} synced={tSynced:F3} bytes={retained} count={count()} events={rate:F0} watchAlloc={watchAlloc:F0} jit={jitMs:F0} gcPause={gcPauseMs:F0} peakRssMB={PeakRssMB()}"));
return 0;

static double UnixMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

// The resident set's high-water mark (on Linux, VmHWM of /proc/self/status).
static long PeakRssMB()
{
    using var self = System.Diagnostics.Process.GetCurrentProcess();
    return self.PeakWorkingSet64 / 1048576;
}
