namespace KubeInformers.Benchmarks.Soak;

/// <summary>One soak sample: time since the load started, managed heap after a full GC, process threads and sockets, the
/// emulator's open watches, the deepest handler buffer, writes and faults so far, and cache/server counts per informer.</summary>
public sealed record SoakSample(TimeSpan At, long HeapBytes, int Threads, int Sockets, int OpenWatches, int PendingMax, long Writes, int Faults, string Counts);
