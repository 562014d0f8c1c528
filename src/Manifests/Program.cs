using KubeInformers.Manifests;

// KubeInformers.Manifests <assembly> <directory> <record-file>: the KubeInformers MSBuild target's manifest step.
// Errors are printed in MSBuild's canonical form, so the build shows them as errors of the project.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: KubeInformers.Manifests <assembly.dll> <output-directory> <record-file>");
    return 2;
}

try
{
    var manifests = ManifestReader.Read(args[0]);
    var result = ManifestWriter.Write(manifests, args[1], args[2]);
    Console.WriteLine($"KubeInformers: {result.Files.Count} manifest(s) in {Path.GetFullPath(args[1])} ({result.Written.Count} written, {result.Deleted.Count} stale deleted).");
    return 0;
}
catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or BadImageFormatException)
{
    Console.WriteLine($"{args[0]}: error KI0106: KubeInformers could not write the manifests: {ex.Message}");
    return 1;
}
