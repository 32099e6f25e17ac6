using System.Runtime.CompilerServices;

namespace Autograd.Tests.Support;

/// <summary>
/// Snapshot assertions with Verify's file conventions: the expected text lives in
/// <c>{TestClass}.{TestMethod}.verified.txt</c> beside the test's source file. On a mismatch (or when no verified
/// file exists yet) the actual text is written to <c>.received.txt</c> beside it and the test fails; accept a change
/// by renaming the received file to verified.
/// </summary>
internal static class Snapshot
{
    /// <summary>Asserts that <paramref name="actual"/> equals the verified snapshot of the calling test.</summary>
    public static void Verify(string actual, string? suffix = null, [CallerFilePath] string sourceFile = "", [CallerMemberName] string method = "")
    {
        string className = TestContext.CurrentContext.Test.ClassName?.Split('.')[^1] ?? Path.GetFileNameWithoutExtension(sourceFile);
        string stem = Path.Combine(Path.GetDirectoryName(sourceFile)!, suffix is null ? $"{className}.{method}" : $"{className}.{method}_{suffix}");
        string verifiedPath = stem + ".verified.txt", receivedPath = stem + ".received.txt";
        string normalized = actual.Replace("\r\n", "\n", StringComparison.Ordinal);

        if (File.Exists(verifiedPath) && File.ReadAllText(verifiedPath) == normalized)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, normalized);
        Assert.Fail(File.Exists(verifiedPath)
            ? $"Snapshot differs from {Path.GetFileName(verifiedPath)}; the new text is in {Path.GetFileName(receivedPath)}.\n--- expected\n{File.ReadAllText(verifiedPath)}\n--- actual\n{normalized}"
            : $"No verified snapshot yet: review {Path.GetFileName(receivedPath)} and rename it to {Path.GetFileName(verifiedPath)}.\n{normalized}");
    }
}
