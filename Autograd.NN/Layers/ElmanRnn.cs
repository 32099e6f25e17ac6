using System.Numerics;
using Autograd.NN.Init;

namespace Autograd.NN.Layers;

/// <summary>
/// Elman's simple recurrent network: a hidden state h_t = tanh(x_t·W_xhᵀ + h_{t−1}·W_hhᵀ + b) carried along a
/// sequence, the "memory" of the classic texts. The loop is unrolled on the dynamic graph, so backpropagation through
/// time is just <c>Backward()</c> on the unrolled graph.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class ElmanRnn<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Linear<T> _input;
    private readonly Linear<T> _recurrent;

    /// <summary>Creates the cell.</summary>
    /// <param name="inputSize">Features per time step.</param>
    /// <param name="hiddenSize">Units of the hidden state.</param>
    /// <param name="seed">Seed of the weights; when omitted, the next of <see cref="Seeds"/>.</param>
    public ElmanRnn(int inputSize, int hiddenSize, int? seed = null)
    {
        _input = RegisterModule("input", new Linear<T>(inputSize, hiddenSize, seed, Initialization.XavierUniform));
        _recurrent = RegisterModule("recurrent", new Linear<T>(hiddenSize, hiddenSize, seed + 1, Initialization.XavierUniform, bias: false));
        HiddenSize = hiddenSize;
    }

    /// <summary>Units of the hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>Runs a sequence [batch, time, in] from a zero state and returns every hidden state, [batch, time, hidden].</summary>
    public override Tensor<T> Forward(Tensor<T> input) =>
        Functional.ElmanRnn(input, _input.Weight, _input.Bias!, _recurrent.Weight);

    /// <inheritdoc/>
    public override string Describe() => $"{_input.InFeatures} → {HiddenSize}, recurrent";
}

/// <summary>The functional forms of the layers.</summary>
public static partial class Functional
{
    /// <summary>
    /// An Elman network over a sequence [batch, time, in] from a zero state: h_t = tanh(x_t·W_xhᵀ + b + h_{t−1}·W_hhᵀ);
    /// returns every h_t, [batch, time, hidden].
    /// </summary>
    /// <param name="input">The sequence.</param>
    /// <param name="inputWeight">W_xh, [hidden, in].</param>
    /// <param name="bias">b, [hidden].</param>
    /// <param name="recurrentWeight">W_hh, [hidden, hidden].</param>
    public static Tensor<T> ElmanRnn<T>(Tensor<T> input, Tensor<T> inputWeight, Tensor<T> bias, Tensor<T> recurrentWeight)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(recurrentWeight);
        if (input.Rank != 3) throw new ArgumentException($"rnn: needs [batch, time, features], not shape [{string.Join(",", input.Shape)}]");
        int batch = input.Shape[0], steps = input.Shape[1];
        Tensor<T> h = Tensor.Zeros<T>(batch, recurrentWeight.Shape[0]);
        var states = new List<Tensor<T>>(steps);
        for (int t = 0; t < steps; t++)
        {
            Tensor<T> x = input.Narrow(1, t, 1).Squeeze(1);
            h = (Linear(x, inputWeight, bias) + Linear(h, recurrentWeight, null)).Tanh();
            states.Add(h);
        }

        return Tensor.Stack(states, 1);
    }
}
