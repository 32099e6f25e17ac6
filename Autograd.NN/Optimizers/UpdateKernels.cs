using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Autograd.NN.Optimizers;

/// <summary>
/// The optimizers' per-element updates in one pass over parameter, gradient and state, 512 or 256 bits at a time
/// where the runtime accelerates that width. Each lane computes exactly what the scalar loop computes, in the same
/// order and without contracting a multiply and an add into an FMA, so every width gives bit-identical results.
/// </summary>
internal static class UpdateKernels
{
    /// <summary>
    /// SGD with momentum μ and L2 decay λ, as <see cref="Sgd{T}"/>: d = g + λp; b = μb + d (b = d when
    /// <paramref name="first"/>); d = d + μb (Nesterov) or b; p ← p − η·d.
    /// </summary>
    public static void SgdMomentum<T>(Span<T> parameter, ReadOnlySpan<T> gradient, Span<T> buffer, T lr, T mu, T decay, bool first, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<T>.Count <= parameter.Length; i += Vector512<T>.Count)
            {
                Vector512<T> p = Vector512.Create<T>(parameter[i..]);
                Vector512<T> d = Vector512.Create<T>(gradient[i..]) + decay * p;
                Vector512<T> b = first ? d : mu * Vector512.Create<T>(buffer[i..]) + d;
                b.CopyTo(buffer[i..]);
                d = nesterov ? d + mu * b : b;
                (p - lr * d).CopyTo(parameter[i..]);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<T>.Count <= parameter.Length; i += Vector256<T>.Count)
            {
                Vector256<T> p = Vector256.Create<T>(parameter[i..]);
                Vector256<T> d = Vector256.Create<T>(gradient[i..]) + decay * p;
                Vector256<T> b = first ? d : mu * Vector256.Create<T>(buffer[i..]) + d;
                b.CopyTo(buffer[i..]);
                d = nesterov ? d + mu * b : b;
                (p - lr * d).CopyTo(parameter[i..]);
            }
        }

        for (; i < parameter.Length; i++)
        {
            T d = gradient[i] + decay * parameter[i];
            buffer[i] = first ? d : mu * buffer[i] + d;
            d = nesterov ? d + mu * buffer[i] : buffer[i];
            parameter[i] -= lr * d;
        }
    }

    /// <summary>
    /// One Adam step, as <see cref="Adam{T}"/>: with decoupled decay p ← p − ηλp, else g ← g + λp; m = β₁m + (1 − β₁)g;
    /// v = β₂v + (1 − β₂)g²; p ← p − (η/c₁)·m / (√v/r₂ + ε), where c₁ = 1 − β₁ᵗ and r₂ = √(1 − β₂ᵗ).
    /// </summary>
    public static void Adam<T>(Span<T> parameter, ReadOnlySpan<T> gradient, Span<T> m, Span<T> v, AdamScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<T>.Count <= parameter.Length; i += Vector512<T>.Count)
            {
                Vector512<T> p = Vector512.Create<T>(parameter[i..]), g = Vector512.Create<T>(gradient[i..]);
                if (s.Decoupled) p -= s.LearningRate * s.Decay * p;
                else g += s.Decay * p;
                Vector512<T> mi = s.Beta1 * Vector512.Create<T>(m[i..]) + (T.One - s.Beta1) * g;
                Vector512<T> vi = s.Beta2 * Vector512.Create<T>(v[i..]) + (T.One - s.Beta2) * g * g;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (p - s.LearningRate / s.Correction1 * mi / (Vector512.Sqrt(vi) / s.Root2 + Vector512.Create(s.Epsilon))).CopyTo(parameter[i..]);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<T>.Count <= parameter.Length; i += Vector256<T>.Count)
            {
                Vector256<T> p = Vector256.Create<T>(parameter[i..]), g = Vector256.Create<T>(gradient[i..]);
                if (s.Decoupled) p -= s.LearningRate * s.Decay * p;
                else g += s.Decay * p;
                Vector256<T> mi = s.Beta1 * Vector256.Create<T>(m[i..]) + (T.One - s.Beta1) * g;
                Vector256<T> vi = s.Beta2 * Vector256.Create<T>(v[i..]) + (T.One - s.Beta2) * g * g;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (p - s.LearningRate / s.Correction1 * mi / (Vector256.Sqrt(vi) / s.Root2 + Vector256.Create(s.Epsilon))).CopyTo(parameter[i..]);
            }
        }

        for (; i < parameter.Length; i++) AdamScalar(ref parameter[i], gradient[i], ref m[i], ref v[i], s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AdamScalar<T>(ref T parameter, T gradient, ref T m, ref T v, AdamScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T g = gradient;
        if (s.Decoupled) parameter -= s.LearningRate * s.Decay * parameter;
        else g += s.Decay * parameter;
        m = s.Beta1 * m + (T.One - s.Beta1) * g;
        v = s.Beta2 * v + (T.One - s.Beta2) * g * g;
        // PyTorch's arrangement of the bias corrections: p −= (η/(1 − β₁ᵗ)) · m / (√v/√(1 − β₂ᵗ) + ε).
        parameter -= s.LearningRate / s.Correction1 * m / (T.Sqrt(v) / s.Root2 + s.Epsilon);
    }
}

/// <summary>The constants of one Adam step (see <see cref="UpdateKernels.Adam{T}"/>).</summary>
internal readonly record struct AdamScalars<T>(T LearningRate, T Beta1, T Beta2, T Epsilon, T Decay, bool Decoupled, T Correction1, T Root2)
    where T : unmanaged, IFloatingPointIeee754<T>;
