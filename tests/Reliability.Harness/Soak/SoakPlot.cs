using ScottPlot;

namespace KubeInformers.Benchmarks.Soak;

/// <summary>Draws a soak's samples as one PNG: heap, threads and sockets, handler buffer and open watches, against minutes.</summary>
public static class SoakPlot
{
    /// <summary>Writes the chart of <paramref name="samples"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<SoakSample> samples, string title)
    {
        var minutes = samples.Select(s => s.At.TotalMinutes).ToArray();
        var multiplot = new Multiplot();
        multiplot.AddPlots(3);
        var heap = multiplot.GetPlot(0);
        heap.Add.Scatter(minutes, samples.Select(s => s.HeapBytes / 1048576.0).ToArray()).LegendText = "managed heap after full GC (MB)";
        heap.Axes.Left.Label.Text = "MB";
        heap.Title(title);
        heap.Axes.SetLimitsY(0, Math.Max(1, samples.Max(s => s.HeapBytes / 1048576.0)) * 1.3);
        heap.ShowLegend(Alignment.LowerRight);

        var os = multiplot.GetPlot(1);
        os.Add.Scatter(minutes, samples.Select(s => (double)s.Threads).ToArray()).LegendText = "threads";
        os.Add.Scatter(minutes, samples.Select(s => (double)s.Sockets).ToArray()).LegendText = "sockets";
        os.Axes.Left.Label.Text = "count";
        os.Axes.SetLimitsY(0, Math.Max(1, samples.Max(s => Math.Max(s.Threads, s.Sockets))) * 1.3);
        os.ShowLegend(Alignment.LowerRight);

        var buffers = multiplot.GetPlot(2);
        buffers.Add.Scatter(minutes, samples.Select(s => (double)s.PendingMax).ToArray()).LegendText = "deepest handler buffer (notifications)";
        buffers.Add.Scatter(minutes, samples.Select(s => (double)s.OpenWatches).ToArray()).LegendText = "open watches";
        buffers.Axes.Left.Label.Text = "count";
        buffers.Axes.Bottom.Label.Text = "minutes since the load started";
        buffers.Axes.SetLimitsY(0, Math.Max(10, samples.Max(s => Math.Max(s.PendingMax, s.OpenWatches))) * 1.3);
        buffers.ShowLegend(Alignment.UpperRight);
        multiplot.SavePng(path, 1000, 900);
    }
}
