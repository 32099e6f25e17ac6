namespace Autograd.NN.Optimizers;

/// <summary>A learning rate as a function of the epoch (0-based), applied to an optimizer between epochs.</summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for <paramref name="epoch"/>, given the initial rate.</summary>
    public abstract double RateAt(int epoch, double initialRate);

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs (PyTorch's StepLR).</summary>
    public static LearningRateSchedule Step(int stepSize, double gamma = 0.1) => new StepSchedule(stepSize, gamma);

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every epoch (ExponentialLR).</summary>
    public static LearningRateSchedule Exponential(double gamma) => new ExponentialSchedule(gamma);

    /// <summary>Goes linearly from the initial rate to <paramref name="finalFactor"/> × it over <paramref name="epochs"/> epochs, then stays.</summary>
    public static LearningRateSchedule Linear(int epochs, double finalFactor = 0) => new LinearSchedule(epochs, finalFactor);

    private sealed class StepSchedule : LearningRateSchedule
    {
        private readonly int _stepSize;
        private readonly double _gamma;

        public StepSchedule(int stepSize, double gamma)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
            (_stepSize, _gamma) = (stepSize, gamma);
        }

        public override double RateAt(int epoch, double initialRate) => initialRate * Math.Pow(_gamma, epoch / _stepSize);
    }

    private sealed class ExponentialSchedule(double gamma) : LearningRateSchedule
    {
        public override double RateAt(int epoch, double initialRate) => initialRate * Math.Pow(gamma, epoch);
    }

    private sealed class LinearSchedule : LearningRateSchedule
    {
        private readonly int _epochs;
        private readonly double _finalFactor;

        public LinearSchedule(int epochs, double finalFactor)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
            (_epochs, _finalFactor) = (epochs, finalFactor);
        }

        public override double RateAt(int epoch, double initialRate) =>
            initialRate * (1 + (_finalFactor - 1) * Math.Min(epoch, _epochs) / _epochs);
    }
}
