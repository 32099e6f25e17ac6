namespace Autograd.Cli;

/// <summary>Writes output files so that a failure never leaves a half-written file where a good one was.</summary>
internal static class FileOutput
{
    /// <summary>Writes <paramref name="text"/> to a temporary file beside <paramref name="path"/>, then moves it into place.</summary>
    /// <exception cref="CliException">The file cannot be written; the message names it and says why.</exception>
    public static void WriteAllText(string path, string text)
    {
        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp-" + Environment.ProcessId;
        try
        {
            File.WriteAllText(temporary, text);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary)) File.Delete(temporary);
            throw new CliException($"cannot write '{path}': {e.Message}");
        }
    }
}
