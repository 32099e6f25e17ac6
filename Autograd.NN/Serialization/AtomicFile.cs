using System.Globalization;
using System.Runtime.InteropServices;

namespace Autograd.NN;

/// <summary>
/// Writes a file so that a failure part-way never leaves a half-written file where a good one was: the bytes go to a
/// temporary file beside the target, which then replaces it in one rename.
/// </summary>
/// <remarks>
/// A symbolic link is followed, so the file it points to is replaced and the link stays. A target that exists and is
/// not a regular file (a device such as <c>/dev/null</c>, a named pipe, <c>/dev/stdout</c> when it is a pipe) is
/// written to directly: a rename would replace it with a regular file. A file the user may not write is refused, as
/// <c>cp</c> refuses it, and a replaced file keeps its permission bits.
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
        var (target, direct) = Resolve(path);
        if (direct)
        {
            // The original path, not the link's target: /dev/stdout's target may be the pseudo-name "pipe:[123]".
            using FileStream stream = new(Path.GetFullPath(path), FileMode.Open, FileAccess.Write);
            write(stream);
            return;
        }

        string temporary = target + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        UnixFileMode? mode = null;
        if (!OperatingSystem.IsWindows() && File.Exists(target))
        {
            // Created with the old mode (never more open than it while being written), then set exactly, past the umask.
            mode = File.GetUnixFileMode(target) & PermissionBits;
            options.UnixCreateMode = mode;
        }

        try
        {
            using (FileStream file = new(temporary, options)) write(file);
            if (mode is { } kept && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, kept);
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

    /// <summary>
    /// Checks, without writing anything, that <see cref="Write"/> could write <paramref name="path"/> now: the path
    /// is not empty or a folder, its folder exists, and the user may write the file (or create one in its folder).
    /// </summary>
    /// <exception cref="IOException">The path is empty or a folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder to write in does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">Writing there is not permitted.</exception>
    public static void CheckWritable(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Resolve(path);
    }

    /// <summary>
    /// The file that <paramref name="path"/> names after following links, and whether it is written to directly
    /// (it is not a regular file) rather than replaced; throws when it cannot be written.
    /// </summary>
    private static (string Target, bool Direct) Resolve(string path)
    {
        if (path.Length == 0) throw new IOException("the path is empty");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"'{path}' is a folder; give a file name");
        // The type is read through the links before resolving them: a pipe's link has no real target to resolve.
        if (IsSpecialFile(full))
        {
            if (WriteRefusal(full) is { } refusal) throw new UnauthorizedAccessException($"cannot write '{path}': {refusal}");
            return (full, true);
        }

        string target = LinkTargetOf(full);
        if (Directory.Exists(target)) throw new IOException($"'{path}' is a folder; give a file name");
        string folder = Path.GetDirectoryName(target) ?? target;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"no directory '{folder}' to write '{path}' in");
        if (File.Exists(target) && WriteRefusal(target) is { } fileRefusal) throw new UnauthorizedAccessException($"cannot write '{path}': {fileRefusal}");
        // The temporary file is created beside the target, so the folder must let the user add files.
        if (WriteRefusal(folder) is { } folderRefusal) throw new UnauthorizedAccessException($"cannot write '{path}': {folderRefusal} to create files in '{folder}'");
        return (target, false);
    }

    /// <summary>Why the user could not open <paramref name="path"/> (which exists) for writing, or null when they could.</summary>
    private static string? WriteRefusal(string path)
    {
        if (OperatingSystem.IsWindows()) return Directory.Exists(path) || !File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly) ? null : "permission denied (read-only)";
        // access(2) applies the mode bits, ACLs, read-only mounts and root's exemptions as open(2) will.
        if (Access(path, WriteAccess) == 0) return null;
        int error = Marshal.GetLastPInvokeError();
        return error == ReadOnlyFileSystem ? "read-only file system" : "permission denied";
    }

    /// <summary>The full path of the file <paramref name="path"/> names once symbolic links are followed: the path
    /// itself when it is not a link. Writing either path writes that file.</summary>
    public static string LinkTargetOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var entry = new FileInfo(Path.GetFullPath(path));
        return entry.LinkTarget is not null && entry.ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : entry.FullName;
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

    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;
    private const int AtFdCwd = -100;
    private const uint StatxType = 1;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const int WriteAccess = 2;
    private const int ReadOnlyFileSystem = 30;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, ref byte buffer);

    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    private static extern int Access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);
}
