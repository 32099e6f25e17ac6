namespace Autograd.Cli;

/// <summary>
/// Checks that an output file's extension agrees with what is written into it, so <c>--svg g.png</c> is a clear
/// error instead of SVG text in a file every picture viewer takes for a broken PNG.
/// </summary>
internal static class OutputFormats
{
    /// <summary>The extensions of SVG pictures.</summary>
    public static readonly string[] Svg = [".svg"];

    /// <summary>The extensions of Graphviz DOT text.</summary>
    public static readonly string[] Dot = [".dot", ".gv"];

    /// <summary>The extensions of HTML pages.</summary>
    public static readonly string[] Html = [".html", ".htm"];

    /// <summary>The extensions of Mermaid flowcharts.</summary>
    public static readonly string[] Mermaid = [".mmd", ".mermaid"];

    /// <summary>The extension of safetensors models.</summary>
    public static readonly string[] SafeTensors = [".safetensors"];

    /// <summary>The extensions of word2vec's text format.</summary>
    public static readonly string[] Word2VecText = [".txt", ".vec"];

    /// <summary>The extension of word2vec's binary format.</summary>
    public static readonly string[] Word2VecBinary = [".bin"];

    /// <summary>
    /// Checks that <paramref name="path"/>, given as <paramref name="option"/> for <paramref name="format"/>, has no
    /// extension (a device such as /dev/stdout) or one of <paramref name="extensions"/>.
    /// </summary>
    /// <exception cref="CliException">It has another; the message names the option, the file and the extensions expected.</exception>
    public static void Check(string path, string option, string format, IReadOnlyList<string> extensions)
    {
        string extension = Path.GetExtension(path);
        if (extension.Length == 0 || extensions.Contains(extension, StringComparer.OrdinalIgnoreCase)) return;
        throw new CliException($"{option}: '{path}' ends in {extension}, but {option} writes {format}; give a file name ending in {string.Join(" or ", extensions)}");
    }
}
