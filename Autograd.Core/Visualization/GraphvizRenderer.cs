using System.ComponentModel;
using System.Diagnostics;

namespace Autograd.Visualization;

/// <summary>Renders DOT text to SVG with Graphviz's <c>dot</c> program, when it is installed.</summary>
public static class GraphvizRenderer
{
    /// <summary>The message given when <c>dot</c> cannot be started.</summary>
    public const string NotInstalledMessage =
        "Graphviz's 'dot' program was not found on PATH; install Graphviz (on Debian or Ubuntu: apt-get install graphviz), or write DOT text with --dot FILE and render it elsewhere.";

    /// <summary>How long <see cref="RenderSvg(string)"/> lets <c>dot</c> run: its layout time grows steeply with the graph's size and fan-out.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Renders <paramref name="dot"/> to SVG text, stopping <c>dot</c> after <see cref="DefaultTimeout"/>.</summary>
    /// <param name="dot">A graph in the DOT language, for example from <see cref="DotWriter"/>.</param>
    /// <exception cref="InvalidOperationException">Graphviz is not installed, or <c>dot</c> rejected the input.</exception>
    /// <exception cref="TimeoutException"><c>dot</c> did not finish in time; it was stopped.</exception>
    public static string RenderSvg(string dot) => RenderSvg(dot, DefaultTimeout);

    /// <summary>Renders <paramref name="dot"/> to SVG text, stopping <c>dot</c> (and anything it started) after <paramref name="timeout"/>.</summary>
    /// <param name="dot">A graph in the DOT language, for example from <see cref="DotWriter"/>.</param>
    /// <param name="timeout">How long <c>dot</c> may run.</param>
    /// <exception cref="InvalidOperationException">Graphviz is not installed, or <c>dot</c> rejected the input.</exception>
    /// <exception cref="TimeoutException"><c>dot</c> did not finish within <paramref name="timeout"/>; it was stopped.</exception>
    public static string RenderSvg(string dot, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(dot);
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
            // Read both streams and write the input at once, so that no pipe can fill up and stall the other side,
            // and the wait below is the only place that can take long.
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            Task input = WriteAndClose(process.StandardInput, dot);
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TimeoutException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Graphviz 'dot' did not finish within {timeout.TotalSeconds:0.#} s and was stopped"));
            }

            // A dot that exits without reading all of its input closes the pipe: its exit code tells what went wrong.
            try
            {
                input.GetAwaiter().GetResult();
            }
            catch (IOException) when (process.ExitCode != 0)
            {
            }

            if (process.ExitCode != 0)
                throw new InvalidOperationException($"Graphviz 'dot' failed (exit code {process.ExitCode}): {errors.Result.Trim()}");
            return output.Result;
        }
    }

    private static async Task WriteAndClose(StreamWriter input, string text)
    {
        await using (input) await input.WriteAsync(text).ConfigureAwait(false);
    }
}
