using System.Diagnostics;
using System.IO.Pipes;
using System.Runtime.Versioning;
using Autograd.NN;
using Autograd.NN.Serialization;
using Autograd.Tests.Support;

namespace Autograd.Tests.NN;

/// <summary>
/// Saving replaces a regular file in one rename, keeping its permissions, follows links, writes into what is not a
/// regular file, and refuses a file the user may not write.
/// </summary>
public sealed class AtomicFileTests : FileTests
{
    [Test]
    public void AFailedWriteLeavesTheOldFileAndNoTemporaryFile()
    {
        string path = PathOf("model.bin");
        File.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.WriteByte(1);
            throw new InvalidOperationException("interrupted");
        }));
        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.GetFiles(WorkDirectory), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void ANamedPipeIsWrittenIntoNotReplaced()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("named pipes are made with mkfifo");
        string pipe = PathOf("pipe");
        using (var mkfifo = Process.Start("mkfifo", pipe)) mkfifo.WaitForExit();
        Task<string> reader = Task.Run(() => File.ReadAllText(pipe));
        AtomicFile.Write(pipe, stream => stream.Write("through the pipe"u8));
        Assert.That(reader.Wait(TimeSpan.FromSeconds(10)), Is.True, "the reader got the end of the stream");
        Assert.That(reader.Result, Is.EqualTo("through the pipe"));
        Assert.That(File.GetAttributes(pipe).HasFlag(FileAttributes.ReparsePoint), Is.False);
        Assert.That(new FileInfo(pipe).Length, Is.Zero, "still a pipe, not a regular file holding the text");
    }

    [Test]
    public void AFolderOrAnEmptyPathIsAnError()
    {
        Assert.That(() => AtomicFile.Write(WorkDirectory, _ => { }), Throws.TypeOf<IOException>().With.Message.Contains("is a folder"));
        Assert.That(() => AtomicFile.Write("", _ => { }), Throws.TypeOf<IOException>().With.Message.Contains("the path is empty"));
    }

    [Test]
    [Platform(Exclude = "Win", Reason = "Unix permission bits")]
    [UnsupportedOSPlatform("windows")]
    public void AReplacedFileKeepsItsPermissionBits()
    {
        string path = PathOf("model.bin");
        File.WriteAllText(path, "old");
        const UnixFileMode groupShared = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
        File.SetUnixFileMode(path, groupShared);
        AtomicFile.Write(path, stream => stream.Write("new"u8));
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(groupShared), "not the default mode of a new file");
    }

    [Test]
    [Platform(Exclude = "Win", Reason = "Unix permission bits")]
    [UnsupportedOSPlatform("windows")]
    public void AWriteProtectedFileIsRefusedAndKept()
    {
        if (Environment.IsPrivilegedProcess)
        {
            RefuseAsAnotherUser();
            return;
        }

        string path = PathOf("keep.safetensors");
        File.WriteAllText(path, "kept");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.That(() => AtomicFile.CheckWritable(path), Throws.TypeOf<UnauthorizedAccessException>().With.Message.EqualTo($"cannot write '{path}': permission denied"));
        Assert.That(() => AtomicFile.Write(path, stream => stream.Write("new"u8)), Throws.TypeOf<UnauthorizedAccessException>());
        Assert.That(File.ReadAllText(path), Is.EqualTo("kept"));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
    }

    /// <summary>
    /// Root may write any file, so as root the refusal is checked by running <c>autograd train --save</c> as the
    /// unprivileged user <c>nobody</c> over a file that user may not write, in a folder where it may create files.
    /// The command is copied to a folder that user can read, since a build folder is often inside a private one.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    private static void RefuseAsAnotherUser()
    {
        string? dotnet = Environment.ProcessPath;
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/setpriv") || dotnet is null)
            Assert.Ignore("running as root without setpriv to test as another user");
        string shared = Directory.CreateTempSubdirectory("autograd-as-nobody-").FullName;
        try
        {
            File.SetUnixFileMode(shared, (UnixFileMode)0x1FF);
            // Every assembly and runtime file, so that the copy runs any command, not only those that fail early.
            foreach (string file in Directory.GetFiles(AppContext.BaseDirectory))
                if (Path.GetExtension(file) is ".dll" or ".json") File.Copy(file, Path.Combine(shared, Path.GetFileName(file)));

            (int Exit, string Error) RunAsNobody(params string[] args)
            {
                var start = new ProcessStartInfo("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", dotnet, Path.Combine(shared, "autograd.dll"), .. args])
                {
                    WorkingDirectory = shared,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                using Process process = Process.Start(start)!;
                Task<string> output = process.StandardOutput.ReadToEndAsync();
                string error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                _ = output.Result;
                return (process.ExitCode, error);
            }

            var help = RunAsNobody("--help");
            if (help.Exit != 0) Assert.Ignore($"the user nobody cannot run the command: {help.Error}");
            string path = Path.Combine(shared, "keep.safetensors");
            File.WriteAllText(path, "kept");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var (exit, message) = RunAsNobody("train", "--data", "xor", "--epochs", "1", "--save", "keep.safetensors");
            Assert.That(exit, Is.Not.Zero);
            Assert.That(message.Trim(), Is.EqualTo("error: --save: cannot write 'keep.safetensors': permission denied"));
            Assert.That(File.ReadAllText(path), Is.EqualTo("kept"));
            var allowed = RunAsNobody("train", "--data", "xor", "--epochs", "1", "--save", "mine.safetensors");
            Assert.That(allowed.Exit, Is.Zero, "the same user may save where it may write: " + allowed.Error);
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }

    [Test]
    public void APipeBehindALinkIsWrittenIntoByItsPath()
    {
        // /dev/stdout on a pipe is a link to /proc/self/fd/1, whose target reads "pipe:[number]", not a path.
        if (!OperatingSystem.IsLinux()) Assert.Ignore("/proc/self/fd is Linux's");
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        string path = $"/proc/self/fd/{pipe.ClientSafePipeHandle.DangerousGetHandle()}";
        AtomicFile.CheckWritable(path);
        AtomicFile.Write(path, stream => stream.Write("through the pipe"u8));
        pipe.DisposeLocalCopyOfClientHandle();
        using var reader = new StreamReader(pipe);
        Assert.That(reader.ReadToEnd(), Is.EqualTo("through the pipe"));
    }
}
