namespace Autograd.Tests.Support;

/// <summary>Where the repository the tests were built from is, so that tests can read its README, docs and data.</summary>
internal static class Repository
{
    /// <summary>The folder that holds Autograd.sln, found above the test directory.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path inside the repository, from its parts relative to the root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Autograd.sln"))) return dir.FullName;
        }

        throw new DirectoryNotFoundException("Autograd.sln not found above the test directory");
    }
}
