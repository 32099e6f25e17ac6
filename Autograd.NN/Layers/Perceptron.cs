using Autograd.NN.Data;

namespace Autograd.NN.Layers;

/// <summary>
/// Rosenblatt's perceptron: one unit with the step activation, ŷ = 1 if w·x + b &gt; 0 else 0. The step has no
/// useful gradient, so it is trained not by backpropagation but by the perceptron rule
/// (<see cref="Train"/>). Its differentiable twin is logistic regression: the same unit with a sigmoid,
/// trained by gradient descent on the cross-entropy (<see cref="LogisticTwin"/>).
/// </summary>
public sealed class Perceptron
{
    private readonly float[] _weights;

    /// <summary>Creates a perceptron with zero weights and bias, as Rosenblatt's rule starts.</summary>
    /// <param name="inputs">Inputs per sample.</param>
    public Perceptron(int inputs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        _weights = new float[inputs];
    }

    /// <summary>The weights w.</summary>
    public IReadOnlyList<float> Weights => _weights;

    /// <summary>The bias b.</summary>
    public float Bias { get; private set; }

    /// <summary>The step output for one sample: 1 when w·x + b &gt; 0, else 0.</summary>
    public int Predict(ReadOnlySpan<float> x)
    {
        if (x.Length != _weights.Length) throw new ArgumentException($"perceptron: {x.Length} inputs given, {_weights.Length} expected");
        float z = Bias;
        for (int i = 0; i < x.Length; i++) z += _weights[i] * x[i];
        return z > 0 ? 1 : 0;
    }

    /// <summary>
    /// The perceptron learning rule: for each misclassified sample, w ← w + η(y − ŷ)x and b ← b + η(y − ŷ), epoch after
    /// epoch until an epoch makes no mistake (guaranteed for linearly separable data) or <paramref name="maxEpochs"/>.
    /// Not gradient-based. Returns the number of mistakes in each epoch.
    /// </summary>
    public IReadOnlyList<int> Train(Dataset<float> data, int maxEpochs = 100, float learningRate = 1f)
    {
        ArgumentNullException.ThrowIfNull(data);
        int[] labels = data.Labels ?? throw new ArgumentException("perceptron: needs 0/1 class labels");
        if (data.Classes != 2) throw new ArgumentException($"perceptron: separates two classes, not {data.Classes}");
        if (data.FeatureCount != _weights.Length) throw new ArgumentException($"perceptron: the data has {data.FeatureCount} features, the unit {_weights.Length} inputs");
        var mistakesPerEpoch = new List<int>();
        ReadOnlySpan<float> features = data.Features;
        for (int epoch = 0; epoch < maxEpochs; epoch++)
        {
            int mistakes = 0;
            for (int s = 0; s < data.Count; s++)
            {
                ReadOnlySpan<float> x = features.Slice(s * _weights.Length, _weights.Length);
                int error = labels[s] - Predict(x);
                if (error == 0) continue;
                mistakes++;
                for (int i = 0; i < x.Length; i++) _weights[i] += learningRate * error * x[i];
                Bias += learningRate * error;
            }

            mistakesPerEpoch.Add(mistakes);
            if (mistakes == 0) break;
        }

        return mistakesPerEpoch;
    }

    /// <summary>The differentiable twin: one linear unit whose logit goes through a sigmoid (train it with binary cross-entropy).</summary>
    public static Linear<float> LogisticTwin(int inputs, int? seed = null) => new(inputs, 1, seed);
}
