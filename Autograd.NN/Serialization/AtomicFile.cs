using System.Globalization;
using System.Runtime.InteropServices;

namespace Autograd.NN;

/// <summary>
/// Writes a file so that a failure part-way never leaves a half-written file where a good one was: the bytes go to a
/// temporary file beside the target, which then replaces it in one rename.
/// </summary>
/// <remarks>
/// A symbolic link is followed, so the file it points to is replaced and the link stays. A target that exists and is
/// not a regular file (a device such as <c>/dev/null</c>, a named pipe) is written to directly: a rename would
/// replace it with a regular file.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes what <paramref name="write"/> puts in the stream to <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The path is empty or a folder, or the file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">Writing there is not permitted.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        if (path.Length == 0) throw new IOException("the path is empty");
        string target = Path.GetFullPath(path);
        var entry = new FileInfo(target);
        if (entry.LinkTarget is not null && entry.ResolveLinkTarget(returnFinalTarget: true) is { } linked) target = linked.FullName;
        if (Directory.Exists(target)) throw new IOException($"'{path}' is a folder");
        if (File.Exists(target) && !IsRegularFile(target))
        {
            using FileStream direct = new(target, FileMode.Open, FileAccess.Write);
            write(direct);
            return;
        }

        string temporary = target + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        try
        {
            using (FileStream file = File.Create(temporary)) write(file);
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> exists and is neither a regular file nor a folder: a device such as
    /// <c>/dev/null</c>, a named pipe or a socket.
    /// </summary>
    public static bool IsSpecialFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.Length > 0 && File.Exists(path) && !IsRegularFile(path);
    }

    /// <summary>Whether <paramref name="path"/> (which exists) is a regular file rather than a device, pipe or socket.</summary>
    private static bool IsRegularFile(string path)
    {
        if (OperatingSystem.IsWindows()) return !File.GetAttributes(path).HasFlag(FileAttributes.Device);
        if (!OperatingSystem.IsLinux()) return true;
        // statx's layout is the same on every Linux architecture: the 16-bit mode sits at byte 28.
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0) return true;
        }
        catch (EntryPointNotFoundException)
        {
            return true;
        }

        int mode = BitConverter.ToUInt16(buffer[28..30]);
        return (mode & FileTypeMask) == RegularFile;
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 1;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, ref byte buffer);
}
