using Autograd.Tests.Kernels;

namespace Autograd.Tests.Support;

/// <summary>
/// The test assembly's entry point, for the child processes some tests start: <c>kernel-check</c> prints the results of
/// <see cref="KernelChecks"/> on the vector path this process's runtime chose.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["kernel-check"])
        {
            KernelChecks.Print(Console.Out);
            return 0;
        }

        Console.Error.WriteLine("usage: dotnet exec Autograd.Tests.dll kernel-check");
        return 2;
    }
}
