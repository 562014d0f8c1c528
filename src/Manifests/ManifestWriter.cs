using System.Text;

namespace KubeInformers.Manifests;

/// <summary>
/// Writes manifests into a directory, one file each, and keeps a record file (the list of files written) so the next
/// run can delete the files of manifests that no longer exist. A file whose content is already right is not touched
/// (its timestamp stays, so file watchers and GitOps diffs see no change). Not thread-safe: one build writes one directory.
/// </summary>
internal static class ManifestWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The outcome of one run: the files now present, written (changed) and deleted (stale).</summary>
    public sealed record Result(IReadOnlyList<string> Files, IReadOnlyList<string> Written, IReadOnlyList<string> Deleted);

    /// <summary>
    /// Writes <paramref name="manifests"/> into <paramref name="directory"/> (created when there is something to write),
    /// deletes the files listed in <paramref name="recordPath"/> that are not written now, and records the new list there.
    /// </summary>
    /// <exception cref="InvalidDataException">A file name is empty, has a directory part, is not <c>*.yaml</c>, or occurs twice.</exception>
    public static Result Write(IReadOnlyList<GeneratedManifest> manifests, string directory, string recordPath)
    {
        var root = Path.GetFullPath(directory);
        var targets = new Dictionary<string, GeneratedManifest>(StringComparer.OrdinalIgnoreCase);
        foreach (var manifest in manifests)
        {
            var name = manifest.FileName;
            if (name.Length == 0 || name != Path.GetFileName(name) || name.Contains('/') || name.Contains('\\') || name is "." or ".."
                || !name.EndsWith(".yaml", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"The manifest file name '{name}' (kind {manifest.Kind}) is not a plain '*.yaml' file name.");
            }

            if (!targets.TryAdd(Path.Combine(root, name), manifest))
            {
                throw new InvalidDataException($"Two manifests are named '{name}'; each needs its own file.");
            }
        }

        var previous = File.Exists(recordPath)
            ? File.ReadAllLines(recordPath).Where(l => l.Length > 0).ToList()
            : [];

        var written = new List<string>();
        if (targets.Count > 0)
        {
            Directory.CreateDirectory(root);
        }

        foreach (var (path, manifest) in targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var bytes = Utf8.GetBytes(manifest.Yaml);
            if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            {
                continue;
            }

            File.WriteAllBytes(path, bytes);
            written.Add(path);
        }

        var deleted = new List<string>();
        foreach (var stale in previous.Where(p => !targets.ContainsKey(p)))
        {
            if (File.Exists(stale))
            {
                File.Delete(stale);
                deleted.Add(stale);
            }
        }

        var files = targets.Keys.OrderBy(p => p, StringComparer.Ordinal).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(recordPath))!);
        File.WriteAllText(recordPath, string.Concat(files.Select(f => f + "\n")), Utf8);
        return new Result(files, written, deleted);
    }
}
