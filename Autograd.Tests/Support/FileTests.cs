namespace Autograd.Tests.Support;

/// <summary>A base for tests that write files: each test gets a fresh temporary directory, deleted after it.</summary>
public abstract class FileTests
{
    /// <summary>The current test's directory.</summary>
    protected string WorkDirectory { get; private set; } = "";

    /// <summary>Creates the directory before each test.</summary>
    [SetUp]
    public void CreateWorkDirectory() => WorkDirectory = Directory.CreateTempSubdirectory($"autograd-{GetType().Name}-").FullName;

    /// <summary>Deletes the directory and everything the test wrote.</summary>
    [TearDown]
    public void DeleteWorkDirectory() => Directory.Delete(WorkDirectory, recursive: true);

    /// <summary>A path inside the test's directory.</summary>
    protected string PathOf(string name) => Path.Combine(WorkDirectory, name);
}
