using System.Globalization;
using System.Runtime.InteropServices;

namespace Autograd.NN.Serialization;

/// <summary>
/// Writes a file so that a failure part-way never leaves a half-written file where a good one was: the bytes go to a
/// temporary file beside the target, which is flushed to the disk and then replaces the target in one rename, after
/// which the folder is flushed too, so that the rename itself survives a power cut.
/// </summary>
/// <remarks>
/// <para>
/// The temporary file is named after the target, <c>model.safetensors.autograd-tmp-PID-RANDOM</c>. It is removed
/// when the write fails; one left by a process that was killed (its PID no longer runs, or runs a process started
/// after the file was last written) is removed by the next write to the same target.
/// </para>
/// <para>
/// A symbolic link is followed, so the file it points to is replaced and the link stays. A target that exists and is
/// not a regular file (a device such as <c>/dev/null</c>, a named pipe, <c>/dev/stdout</c> when it is a pipe) is
/// written to directly: a rename would replace it with a regular file. A file the user may not write is refused, as
/// <c>cp</c> refuses it, and a replaced file keeps its permission bits.
/// </para>
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

        RemoveStaleTemporaries(target);
        // The PID says whose file it is; the random part keeps two writes of one process (two threads) apart.
        string temporary = string.Create(CultureInfo.InvariantCulture, $"{target}{TemporaryMarker}{Environment.ProcessId}-{Random.Shared.Next():x8}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        UnixFileMode? mode = null;
        if (!OperatingSystem.IsWindows() && File.Exists(target))
        {
            // Created with the old mode (never more open than it while being written), then set exactly, past the umask.
            mode = File.GetUnixFileMode(target) & PermissionBits;
            options.UnixCreateMode = mode;
        }

        try
        {
            using (FileStream file = new(temporary, options))
            {
                write(file);
                // fsync before the rename: otherwise a crash soon after can leave the new name on empty or partial data.
                file.Flush(flushToDisk: true);
            }

            if (mode is { } kept && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, kept);
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        SyncFolder(Path.GetDirectoryName(target) ?? ".");
    }

    /// <summary>What the name of a temporary file has between the target's name and the writer's PID.</summary>
    public const string TemporaryMarker = ".autograd-tmp-";

    /// <summary>
    /// Removes the temporary files that writes to <paramref name="target"/> left behind when their process was killed:
    /// those whose PID runs no process, or a process started after the file was last written (the PID was reused).
    /// A file of a write still running is kept; a file that cannot be removed is left, as it harms nothing.
    /// </summary>
    private static void RemoveStaleTemporaries(string target)
    {
        string folder = Path.GetDirectoryName(target) ?? ".", prefix = Path.GetFileName(target) + TemporaryMarker;
        try
        {
            foreach (string file in Directory.EnumerateFiles(folder, "*" + TemporaryMarker + "*"))
            {
                string name = Path.GetFileName(file);
                if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
                string rest = name[prefix.Length..];
                int dash = rest.IndexOf('-', StringComparison.Ordinal);
                if (dash <= 0 || !int.TryParse(rest.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                if (!WriterMayRun(pid, File.GetLastWriteTimeUtc(file))) File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleaning up is a courtesy: the write itself goes on.
        }
    }

    /// <summary>Whether process <paramref name="pid"/> may be the one writing a file last written at <paramref name="written"/>.</summary>
    private static bool WriterMayRun(int pid, DateTime written)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            // A second of slack: start times are read in clock ticks, file times in nanoseconds.
            return process.StartTime.ToUniversalTime() <= written.AddSeconds(1);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            // The process exists but its start time cannot be read: keep its file.
            return true;
        }
    }

    /// <summary>
    /// Flushes <paramref name="folder"/>'s entries to the disk (fsync on the folder, as POSIX asks after a rename), on
    /// Unix; best effort, since the file is already in place and some file systems refuse it.
    /// </summary>
    private static void SyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        int descriptor = Open(folder, ReadOnly);
        if (descriptor < 0) return;
        _ = FSync(descriptor);
        _ = Close(descriptor);
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

    private const int ReadOnly = 0;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FSync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);

    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    private static extern int Access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);
}
