using System.Numerics;
using Autograd.Gradients;

namespace Autograd.NN.Optimizers;

/// <summary>
/// Updates parameters from the gradients <c>Backward()</c> left in them. The update rules are the optimizers'
/// published formulas (PyTorch's conventions); the gradients they consume come only from the engine.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public abstract class Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    protected Optimizer(IEnumerable<Tensor<T>> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(learningRate);
        Parameters = [.. parameters];
        foreach (Tensor<T> p in Parameters)
            if (!p.IsLeaf || !p.RequiresGrad)
                throw new ArgumentException($"{GetType().Name}: every parameter must be a leaf that requires gradients (found '{p.Label ?? p.Operation}')");
        LearningRate = learningRate;
    }

    /// <summary>The parameters, in the order given.</summary>
    public IReadOnlyList<Tensor<T>> Parameters { get; }

    /// <summary>The current learning rate; schedules change it between epochs.</summary>
    public double LearningRate { get; set; }

    /// <summary>The number of <see cref="Step"/> calls so far.</summary>
    public int Steps { get; private set; }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        Steps++;
        for (int i = 0; i < Parameters.Count; i++)
        {
            Tensor<T> p = Parameters[i];
            if (p.SparseGradient is { Count: > 0 } sparse) UpdateSparse(i, p, sparse);
            if (p.Grad is null) continue;
            // Rules read the gradient as a flat span: make sure it is laid out like the parameter.
            Tensor<T> grad = p.Grad.Contiguous();
            Update(i, p.AsSpan(), grad.AsReadOnlySpan());
        }
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (Tensor<T> p in Parameters) p.ZeroGrad();
    }

    /// <summary>Updates parameter number <paramref name="index"/> in place from its dense gradient.</summary>
    protected abstract void Update(int index, Span<T> parameter, ReadOnlySpan<T> gradient);

    /// <summary>Updates the rows a row-sparse gradient touched; optimizers with per-element state do not support it.</summary>
    protected virtual void UpdateSparse(int index, Tensor<T> parameter, RowSparseGradient<T> gradient) =>
        throw new NotSupportedException($"{GetType().Name} does not support row-sparse gradients; use Sgd (without momentum) for sparse embedding tables");

    /// <summary>Per-parameter state buffers of the parameter's size, created zeroed on first use.</summary>
    protected sealed class StateBuffers(int count)
    {
        private readonly T[]?[] _buffers = new T[]?[count];

        /// <summary>The buffer of parameter <paramref name="index"/>; <paramref name="created"/> tells whether it was just made.</summary>
        public T[] Get(int index, int length, out bool created)
        {
            created = _buffers[index] is null;
            return _buffers[index] ??= new T[length];
        }
    }
}
