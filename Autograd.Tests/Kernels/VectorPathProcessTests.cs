using System.Diagnostics;
using Autograd.Kernels;

namespace Autograd.Tests.Kernels;

/// <summary>
/// The kernels as the runtime chooses them, with AVX-512 on (this process) and off (a child process of this test
/// assembly started with <c>DOTNET_EnableAVX512=0</c>): both agree with float64 references, so the 256-bit path an AVX2
/// machine runs is checked on an AVX-512 machine too.
/// </summary>
public class VectorPathProcessTests
{
    [Test]
    public void KernelsAgreeWithTheReferenceWithAvx512OnAndOff()
    {
        (string childPath, Dictionary<string, double[]> childResults) = KernelChecks.Parse(RunChildWithoutAvx512());
        Assert.That(childPath, Is.Not.EqualTo(nameof(VectorPath.Avx512)), "the child process still reported AVX-512");
        if (Avx2Available()) Assert.That(childPath, Is.EqualTo(nameof(VectorPath.Avx2)));

        int checks = 0;
        foreach (KernelCheck check in KernelChecks.All())
        {
            (double[] expected, double[] tolerance) = check.Reference.Value;
            AssertClose(check.Compute(), expected, tolerance, $"{check.Name} on {VectorPaths.Best} (this process)");
            Assert.That(childResults.TryGetValue(check.Name, out double[]? child), $"the child printed no result for {check.Name}");
            AssertClose(child!, expected, tolerance, $"{check.Name} on {childPath} (child process)");
            checks++;
        }

        Assert.That(childResults, Has.Count.EqualTo(checks));
    }

    private static bool Avx2Available() => VectorPaths.CanRun(VectorPath.Avx2);

    private static void AssertClose(double[] actual, double[] expected, double[] tolerance, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(actual[i] - expected[i]) <= tolerance[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]} ± {tolerance[i]}");
        }
    }

    /// <summary>Runs this test assembly's <c>kernel-check</c> entry in a child process with AVX-512 turned off.</summary>
    private static string RunChildWithoutAvx512()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(VectorPathProcessTests).Assembly.Location);
        start.ArgumentList.Add("kernel-check");
        // The .NET 8 and 9 name of the switch and the .NET 10 one: each runtime reads its own and ignores the other.
        start.Environment["DOTNET_EnableAVX512F"] = "0";
        start.Environment["DOTNET_EnableAVX512"] = "0";
        using Process child = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        Task<string> error = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        Assert.That(child.ExitCode, Is.Zero, $"the child process failed: {error.Result}");
        return output;
    }
}
