using Autograd.NN.Serialization;

namespace Autograd.NN.Data;

/// <summary>
/// Opens the files the loaders read (models, word vectors, data sets, corpora) only when they are regular files:
/// reading a named pipe waits for a writer that may never come, and a device such as <c>/dev/zero</c> never ends.
/// </summary>
public static class DataFile
{
    /// <summary>Throws unless <paramref name="path"/> is a regular file (or a link to one).</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="IOException">It is a folder, a named pipe, a device or a socket.</exception>
    public static void CheckRegular(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new IOException($"'{path}' is a folder, not a file");
        if (!File.Exists(path)) throw new FileNotFoundException($"no file '{path}'", path);
        // Checked before opening: opening a named pipe for reading already blocks until a writer opens it.
        if (AtomicFile.IsSpecialFile(path)) throw new IOException($"'{path}' is not a regular file (a named pipe, device or socket); give a file");
    }

    /// <summary>Opens <paramref name="path"/> for reading after <see cref="CheckRegular"/>.</summary>
    /// <exception cref="IOException">It is not a regular file or cannot be read.</exception>
    public static FileStream OpenRead(string path)
    {
        CheckRegular(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (!stream.CanSeek)
        {
            // Replaced by a pipe between the check and the open.
            stream.Dispose();
            throw new IOException($"'{path}' is not a regular file (a named pipe, device or socket); give a file");
        }

        return stream;
    }

    /// <summary>All bytes of the regular file <paramref name="path"/>.</summary>
    /// <exception cref="IOException">It is not a regular file, cannot be read, or is 2 GB or larger.</exception>
    public static byte[] ReadAllBytes(string path)
    {
        using FileStream stream = OpenRead(path);
        if (stream.Length > Array.MaxLength) throw new IOException($"'{path}' is {stream.Length} bytes, more than can be read into memory at once");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
