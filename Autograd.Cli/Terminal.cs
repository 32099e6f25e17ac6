namespace Autograd.Cli;

/// <summary>The streams a command reads and writes, so commands run the same in a terminal and in tests.</summary>
/// <param name="In">Standard input (a program given as <c>-</c> is read from it).</param>
/// <param name="Out">Standard output: results.</param>
/// <param name="Error">Standard error: errors and notices.</param>
/// <param name="ErrorIsInteractive">Standard error is a terminal, so progress bars may redraw their line.</param>
internal sealed record Terminal(TextReader In, TextWriter Out, TextWriter Error, bool ErrorIsInteractive = false);
