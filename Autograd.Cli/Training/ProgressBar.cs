using System.Diagnostics;
using System.Globalization;
using Autograd.NN;
using Autograd.NN.Training;

namespace Autograd.Cli.Training;

/// <summary>
/// Draws training progress on standard error: a bar redrawn in place (at most four times a second) on a terminal,
/// one line per epoch when standard error is a file or a pipe.
/// </summary>
internal sealed class ProgressBar(Terminal terminal) : IProgress<TrainingProgress>
{
    private const int Width = 24;
    private readonly Stopwatch _sinceDrawn = Stopwatch.StartNew();
    private int _lastPrintedEpoch;

    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        bool epochDone = value.SamplesDone == value.SamplesPerEpoch;
        if (!terminal.ErrorIsInteractive)
        {
            if (epochDone && value.Epoch != _lastPrintedEpoch) terminal.Error.WriteLine(Line(value));
            if (epochDone) _lastPrintedEpoch = value.Epoch;
            return;
        }

        if (!epochDone && _sinceDrawn.ElapsedMilliseconds < 250) return;
        _sinceDrawn.Restart();
        terminal.Error.Write("\r" + Line(value) + (epochDone ? "\n" : ""));
        terminal.Error.Flush();
    }

    private static string Line(TrainingProgress p)
    {
        double fraction = p.SamplesDone / (double)Math.Max(p.SamplesPerEpoch, 1);
        int filled = (int)Math.Round(fraction * Width);
        string bar = new string('█', filled) + new string('·', Width - filled);
        string eta = p.Remaining.TotalHours >= 1 ? p.Remaining.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : p.Remaining.ToString(@"m\:ss", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {p.Epoch}/{p.Epochs} {bar} {fraction,4:P0}  {p.SamplesPerSecond,8:N0} samples/s  loss {p.Loss:0.0000}  ETA {eta}");
    }
}
