using System.Diagnostics;
using Autograd.NN;
using Autograd.NN.Serialization;
using Autograd.Tests.Support;

namespace Autograd.Tests.NN;

/// <summary>
/// Writes that survive a crash: the data and the rename are flushed to the disk, and the temporary file a killed
/// write leaves has a name that says whose it is and is removed by the next write to the same target.
/// </summary>
public sealed class CrashSafeWriteTests : FileTests
{
    private string[] Temporaries() => Directory.GetFiles(WorkDirectory, "*" + AtomicFile.TemporaryMarker + "*");

    [Test]
    public void TheTemporaryFileIsNamedAfterTheTargetAndTheWriter()
    {
        string path = PathOf("model.safetensors");
        string[] during = [];
        AtomicFile.Write(path, stream =>
        {
            stream.Write("new"u8);
            during = Temporaries();
        });
        Assert.That(during, Has.Length.EqualTo(1));
        Assert.That(Path.GetFileName(during[0]), Does.Match($@"^model\.safetensors\.autograd-tmp-{Environment.ProcessId}-[0-9a-f]{{8}}$"));
        Assert.That(Temporaries(), Is.Empty);
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
    }

    /// <summary>The PID of a process that has ended.</summary>
    private static int EndedProcess()
    {
        using var process = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        int pid = process.Id;
        process.Kill();
        process.WaitForExit();
        return pid;
    }

    [Test]
    public void TheNextWriteRemovesTheTemporaryFileOfAKilledWrite()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("sleep is a Unix program");
        string path = PathOf("model.safetensors");
        string stale = $"{path}{AtomicFile.TemporaryMarker}{EndedProcess()}-0badf00d";
        File.WriteAllText(stale, "half a model");
        string other = PathOf("other.bin") + AtomicFile.TemporaryMarker + "1-0badf00d";
        File.WriteAllText(other, "another target's");

        AtomicFile.Write(path, stream => stream.Write("new"u8));
        Assert.That(File.Exists(stale), Is.False, "its writer no longer runs");
        Assert.That(File.Exists(other), Is.True, "only the temporary files of this target are looked at");
    }

    [Test]
    public void AWriteStillRunningKeepsItsTemporaryFileAndAReusedPidDoesNot()
    {
        string path = PathOf("model.safetensors");
        string running = $"{path}{AtomicFile.TemporaryMarker}{Environment.ProcessId}-00000001";
        File.WriteAllText(running, "being written");
        // The same PID, but the file is older than the process now running under it: the PID was reused.
        string reused = $"{path}{AtomicFile.TemporaryMarker}{Environment.ProcessId}-00000002";
        File.WriteAllText(reused, "left before a reboot");
        File.SetLastWriteTimeUtc(reused, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        AtomicFile.Write(path, stream => stream.Write("new"u8));
        Assert.That(File.Exists(running), Is.True);
        Assert.That(File.Exists(reused), Is.False);
    }

    /// <summary>Runs the command line in a process of its own, as <c>dotnet autograd.dll ARGS</c>.</summary>
    private static ProcessStartInfo Command(string program, params string[] args)
    {
        string dotnet = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(program, program == dotnet ? [Path.Combine(AppContext.BaseDirectory, "autograd.dll"), .. args] : args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return start;
    }

    [Test]
    public void AWriterKilledMidWriteLeavesTheOldFileAndTheNextWriteCleansUp()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("kill -9 as on Linux");
        string dotnet = Environment.ProcessPath ?? "dotnet";
        string path = PathOf("model.safetensors");
        File.WriteAllText(path, "the old model");
        // A 16 MB model takes long enough to write that the temporary file is seen; retried if the write is missed.
        for (int attempt = 0; attempt < 5 && Temporaries().Length == 0; attempt++)
        {
            using Process process = Process.Start(Command(dotnet, "train", "--data", "xor", "--epochs", "1", "--layers", "2,2000,2000,2", "--save", path, "--curve", PathOf("c.svg"), "--json"))!;
            var clock = Stopwatch.StartNew();
            while (!process.HasExited && Temporaries().Length == 0 && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(1);
            if (!process.HasExited) process.Kill();
            process.WaitForExit();
            if (Temporaries().Length == 0) File.WriteAllText(path, "the old model");
        }

        if (Temporaries().Length == 0) Assert.Inconclusive("the write finished each time before the process was killed");
        Assert.That(File.ReadAllText(path), Is.EqualTo("the old model"), "the target is replaced only by a complete file");

        CliResult next = CliRunner.Run("train", "--data", "xor", "--epochs", "1", "--save", path, "--curve", PathOf("c.svg"), "--json");
        Assert.That(next.ExitCode, Is.Zero, next.Error);
        Assert.That(Temporaries(), Is.Empty);
        Assert.That(ModelFile.Load(path, out _).Layers, Has.Count.EqualTo(3));
    }

    [Test]
    public void TheFileIsFlushedBeforeTheRenameAndTheFolderAfter()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/strace")) Assert.Ignore("strace shows the system calls on Linux");
        string dotnet = Environment.ProcessPath ?? "dotnet";
        string path = PathOf("graph.dot");
        using Process process = Process.Start(Command("/usr/bin/strace", ["-f", "-y", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o", PathOf("trace"),
            dotnet, Path.Combine(AppContext.BaseDirectory, "autograd.dll"), "grad", "f = x", "x=1", "--dot", path]))!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && !File.Exists(PathOf("trace"))) Assert.Ignore($"strace cannot trace here: {error}");
        Assert.That(process.ExitCode, Is.Zero, error);

        string[] calls = [.. File.ReadAllLines(PathOf("trace")).Where(l => l.Contains(WorkDirectory, StringComparison.Ordinal))];
        int fileSync = Array.FindIndex(calls, l => l.Contains("fsync(", StringComparison.Ordinal) && l.Contains(AtomicFile.TemporaryMarker, StringComparison.Ordinal));
        int rename = Array.FindIndex(calls, l => l.Contains("rename", StringComparison.Ordinal) && l.Contains($"\"{path}\"", StringComparison.Ordinal));
        int folderSync = Array.FindLastIndex(calls, l => l.Contains("fsync(", StringComparison.Ordinal) && l.Contains($"<{WorkDirectory}>", StringComparison.Ordinal));
        Assert.That(fileSync, Is.GreaterThanOrEqualTo(0), "the temporary file is fsynced: " + string.Join("\n", calls));
        Assert.That(rename, Is.GreaterThan(fileSync), "then renamed over the target: " + string.Join("\n", calls));
        Assert.That(folderSync, Is.GreaterThan(rename), "then the folder is fsynced: " + string.Join("\n", calls));
    }
}
