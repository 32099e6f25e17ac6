using Autograd.NN;
using Autograd.NN.Serialization;

namespace Autograd.Cli;

/// <summary>The files the commands read and write: paths checked before any work, and writes that never leave a half-written file where a good one was.</summary>
internal static class CliFiles
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> through <see cref="AtomicFile"/>.</summary>
    /// <exception cref="CliException">The file cannot be written; the message names it and says why.</exception>
    public static void WriteAllText(string path, string text)
    {
        try
        {
            AtomicFile.Write(path, stream =>
            {
                using var writer = new StreamWriter(stream, leaveOpen: true);
                writer.Write(text);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(WriteError(path, e));
        }
    }

    /// <summary>The one-line message for a failed write of <paramref name="path"/>, naming it once.</summary>
    public static string WriteError(string path, Exception error) =>
        error.Message.StartsWith("cannot write ", StringComparison.Ordinal) ? error.Message : $"cannot write '{path}': {error.Message}";

    /// <summary>
    /// Checks before any long work that <paramref name="path"/>, given as <paramref name="option"/>, can be written:
    /// not empty, not a folder, in a folder that exists, and writable by the user as <see cref="AtomicFile"/> will write it.
    /// </summary>
    /// <exception cref="CliException">It cannot; the message names the option and the path.</exception>
    public static void CheckWritable(string path, string option)
    {
        try
        {
            AtomicFile.CheckWritable(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{option}: {e.Message}");
        }
    }

    /// <summary>
    /// Checks that <paramref name="path"/>, given as <paramref name="what"/>, names a regular file that exists: not
    /// empty, not a folder, not a named pipe or a device.
    /// </summary>
    /// <exception cref="CliException">It does not; the message names the argument and the path.</exception>
    public static void CheckReadable(string path, string what)
    {
        if (path.Length == 0) throw new CliException($"{what}: the path is empty");
        if (Directory.Exists(path)) throw new CliException($"{what}: '{path}' is a folder, not a file");
        if (!File.Exists(path)) throw new CliException($"{what}: no file '{path}'");
        // A named pipe would make the read wait for a writer, a device such as /dev/zero would never end.
        if (AtomicFile.IsSpecialFile(path)) throw new CliException($"{what}: '{path}' is not a regular file (a named pipe, device or socket); give a file");
    }
}
