namespace KubeInformers.Generator.Tests.Infrastructure;

/// <summary>
/// Compares generated text with a checked-in file under <c>tests/Generator.Tests/Baselines</c>. Set
/// <c>UPDATE_BASELINES=1</c> to rewrite the files from the current output (then review the diff).
/// </summary>
public static class Baseline
{
    /// <summary>The baseline directory in the source tree.</summary>
    public static string Directory { get; } = Path.Combine(TestCompilation.RepositoryRoot, "tests", "Generator.Tests", "Baselines");

    /// <summary>Asserts that <paramref name="actual"/> equals the baseline <paramref name="name"/> (<c>.cs.txt</c> appended).</summary>
    public static void Verify(string name, string actual)
    {
        var path = Path.Combine(Directory, name + ".cs.txt");
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("UPDATE_BASELINES") == "1")
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Baseline {path} is missing; run with UPDATE_BASELINES=1 to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected != actual)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var line = 0;
            while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
            {
                line++;
            }

            Assert.Fail($"Generated code differs from {path} at line {line + 1}:\n" +
                $"expected: {(line < expectedLines.Length ? expectedLines[line] : "<end>")}\n" +
                $"actual:   {(line < actualLines.Length ? actualLines[line] : "<end>")}\n" +
                "Run with UPDATE_BASELINES=1 to accept the new output.");
        }
    }
}
