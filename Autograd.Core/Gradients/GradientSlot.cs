using System.Numerics;
using System.Runtime.CompilerServices;
using Autograd.Memory;
using Autograd.Tensors;

namespace Autograd.Gradients;

/// <summary>
/// The gradient side of a tensor: ∂output/∂tensor as backward passes leave it (dense, and row-sparse for a table
/// made with <see cref="Tensor{T}.RequireSparseGrad"/>), the hooks that see it on its way, and the lock under which
/// passes on several threads add to it. Made when a tensor first needs one.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class GradientSlot<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly object[] Locks = [.. Enumerable.Range(0, 64).Select(_ => new object())];

    private readonly Tensor<T> _owner;
    private List<Func<Tensor<T>, Tensor<T>?>>? _hooks;

    public GradientSlot(Tensor<T> owner) => _owner = owner;

    /// <summary>The dense gradient, or null.</summary>
    public Tensor<T>? Grad { get; set; }

    /// <summary>True once <see cref="Tensor{T}.RetainGrad"/> asked a result to keep its gradient.</summary>
    public bool Retains { get; set; }

    /// <summary>The row-sparse gradient of a table that takes one; null otherwise.</summary>
    public RowSparseGradient<T>? Sparse { get; private set; }

    /// <summary>True when a row-sparse gradient may go into <see cref="Sparse"/> as it is: a hook needs the dense gradient.</summary>
    public bool TakesSparse => Sparse is not null && _hooks is null;

    /// <summary>
    /// Guards the gradients: backward passes on several threads may reach one shared parameter at once, and each must
    /// add its part (as PyTorch accumulates under a lock). A few shared locks, picked by identity, not one per tensor.
    /// </summary>
    private object Lock => Locks[(RuntimeHelpers.GetHashCode(_owner) & int.MaxValue) % Locks.Length];

    /// <summary>Makes this slot keep row-sparse gradients for a [rows, width] table.</summary>
    public void KeepSparse(int rows, int width) => Sparse ??= new RowSparseGradient<T>(rows, width);

    /// <summary>
    /// Adds a gradient that backward computed. The first one is stored as it is and, when it was made in a scope,
    /// handed to the owner; later ones are added in place into a gradient the owner holds alone (as PyTorch
    /// accumulates), or into a new tensor when the pass records itself or the gradient is shared.
    /// </summary>
    public void Accumulate(Tensor<T> grad, bool createGraph)
    {
        lock (Lock)
        {
            if (Grad is null)
            {
                Grad = grad;
                grad.Buffer.TransferTo(_owner);
                return;
            }

            if (!createGraph && ReferenceEquals(Grad.Buffer.Owner, _owner) && !Grad.RequiresGrad && Grad.IsContiguous
                && ShapeMath.SameShape(Grad.ShapeArray, grad.ShapeArray))
            {
                Grad.MarkWritten();
                Kernels.Elementwise.AddInto(Grad.Elements, grad.Elements);
                return;
            }

            Grad += grad;
            Grad.Buffer.TransferTo(_owner);
        }
    }

    /// <summary>Adds the entries of a row-sparse gradient to <see cref="Sparse"/>.</summary>
    public void AddSparse(in Gradient<T> gradient)
    {
        lock (Lock) Sparse!.Append(gradient);
    }

    /// <summary>Clears the dense gradient (its pooled elements go back to the pool) and empties the sparse one.</summary>
    public void Clear()
    {
        lock (Lock)
        {
            if (Grad is { } grad && ReferenceEquals(grad.Buffer.Owner, _owner)) grad.Buffer.Release(ReleaseReason.GradientCleared);
            Grad = null;
            Sparse?.Clear();
        }
    }

    /// <summary>Adds a hook; disposing the handle removes it.</summary>
    public IDisposable AddHook(Func<Tensor<T>, Tensor<T>?> hook)
    {
        (_hooks ??= []).Add(hook);
        return new HookHandle(() => _hooks.Remove(hook));
    }

    /// <summary>Runs the hooks on a gradient on its way; each may replace it.</summary>
    public Tensor<T> ApplyHooks(Tensor<T> grad)
    {
        if (_hooks is null) return grad;
        foreach (var hook in _hooks.ToArray()) grad = hook(grad) ?? grad;
        return grad;
    }

    private sealed class HookHandle(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
