using System.Diagnostics;
using Autograd.NN;
using Autograd.Tests.Support;

namespace Autograd.Tests.NN;

/// <summary>Saving replaces a regular file in one rename, follows links, and writes into what is not a regular file.</summary>
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
}
