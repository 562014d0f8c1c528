using System.Globalization;

namespace KubeInformers.Benchmarks.Soak;

/// <summary>
/// The soak's flatness verdict: the mean of the last third of the samples against the mean of the first third, for heap
/// (≤ 1.2× + 8 MB), threads, sockets (≤ +8 each) and the deepest handler buffer (≤ 2× + 100). With fewer samples than
/// asked, nothing is judged (a short run cannot tell a warm-up from a trend) and the verdict says so.
/// </summary>
public sealed record SoakFlatness(bool Judged, bool Flat, string Detail)
{
    /// <summary>Judges <paramref name="samples"/>; below <paramref name="minimumSamples"/> the verdict is "not judged".</summary>
    public static SoakFlatness Judge(IReadOnlyList<SoakSample> samples, int minimumSamples)
    {
        if (samples.Count < minimumSamples)
        {
            return new SoakFlatness(false, false, $"not judged ({samples.Count} samples, {minimumSamples} needed)");
        }

        var third = samples.Count / 3;
        var first = samples.Take(third).ToList();
        var last = samples.Skip(samples.Count - third).ToList();
        double Mean(List<SoakSample> s, Func<SoakSample, double> f) => s.Average(f);
        var heapFirst = Mean(first, s => s.HeapBytes) / 1048576.0;
        var heapLast = Mean(last, s => s.HeapBytes) / 1048576.0;
        var threadsFirst = Mean(first, s => s.Threads);
        var threadsLast = Mean(last, s => s.Threads);
        var socketsFirst = Mean(first, s => s.Sockets);
        var socketsLast = Mean(last, s => s.Sockets);
        var pendingFirst = Mean(first, s => s.PendingMax);
        var pendingLast = Mean(last, s => s.PendingMax);
        var heapFlat = heapLast <= heapFirst * 1.2 + 8;
        var threadsFlat = threadsLast <= threadsFirst + 8;
        var socketsFlat = socketsLast <= socketsFirst + 8;
        var pendingFlat = pendingLast <= pendingFirst * 2 + 100;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"heap {heapFirst:0.0} -> {heapLast:0.0} MB ({(heapFlat ? "flat" : "GROWING")}), threads {threadsFirst:0.#} -> {threadsLast:0.#} ({(threadsFlat ? "flat" : "GROWING")}), sockets {socketsFirst:0.#} -> {socketsLast:0.#} ({(socketsFlat ? "flat" : "GROWING")}), handler buffer {pendingFirst:0.#} -> {pendingLast:0.#} ({(pendingFlat ? "flat" : "GROWING")}); first third vs last third of {samples.Count} samples");
        return new SoakFlatness(true, heapFlat && threadsFlat && socketsFlat && pendingFlat, detail);
    }

    /// <summary>One line for the summary.</summary>
    public string Describe() => Judged ? (Flat ? "yes: " : "NO: ") + Detail : Detail;
}
