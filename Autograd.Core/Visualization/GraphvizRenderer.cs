using System.ComponentModel;
using System.Diagnostics;

namespace Autograd.Visualization;

/// <summary>Renders DOT text to SVG with Graphviz's <c>dot</c> program, when it is installed.</summary>
public static class GraphvizRenderer
{
    /// <summary>The message given when <c>dot</c> cannot be started.</summary>
    public const string NotInstalledMessage =
        "Graphviz's 'dot' program was not found on PATH; install Graphviz (on Debian or Ubuntu: apt-get install graphviz), or write DOT text with --dot FILE and render it elsewhere.";

    /// <summary>Renders <paramref name="dot"/> to SVG text.</summary>
    /// <param name="dot">A graph in the DOT language, for example from <see cref="DotWriter"/>.</param>
    /// <exception cref="InvalidOperationException">Graphviz is not installed, or <c>dot</c> rejected the input.</exception>
    public static string RenderSvg(string dot)
    {
        var start = new ProcessStartInfo("dot", "-Tsvg")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException(NotInstalledMessage);
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException(NotInstalledMessage);
        }

        using (process)
        {
            // Read both streams while writing, so that neither pipe can fill up and stall the other side.
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(dot);
            process.StandardInput.Close();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"Graphviz 'dot' failed (exit code {process.ExitCode}): {errors.Result.Trim()}");
            return output.Result;
        }
    }
}
