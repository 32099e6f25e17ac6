namespace Autograd.NN.Training;

/// <summary>
/// Training stopped because a step's loss was not a finite number: the weights overflowed, usually because the
/// learning rate is too high for the data. The epoch and step say where, so the run can be retried with a lower rate.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception for the step <paramref name="step"/> of <paramref name="epoch"/> (both 1-based).</summary>
    /// <param name="epoch">The 1-based epoch.</param>
    /// <param name="step">The 1-based step (batch) within the epoch.</param>
    /// <param name="firstSample">The position in the epoch's order of the step's first sample (0-based).</param>
    /// <param name="loss">The loss the step computed: NaN or ±∞.</param>
    public TrainingDivergedException(int epoch, int step, int firstSample, double loss)
        : base(FormattableString.Invariant($"the loss became {loss} in epoch {epoch}, step {step} (the batch from sample {firstSample}); lower the learning rate"))
    {
        (Epoch, Step, FirstSample, Loss) = (epoch, step, firstSample, loss);
    }

    /// <summary>The 1-based epoch in which the loss stopped being finite.</summary>
    public int Epoch { get; }

    /// <summary>The 1-based step (batch) of that epoch.</summary>
    public int Step { get; }

    /// <summary>The position in the epoch's order of the step's first sample.</summary>
    public int FirstSample { get; }

    /// <summary>The loss the step computed: NaN or ±∞.</summary>
    public double Loss { get; }
}
