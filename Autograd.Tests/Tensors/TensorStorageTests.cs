using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Autograd.Memory;

namespace Autograd.Tests.Tensors;

/// <summary>
/// Where a tensor's elements start: large tensors on a 64-byte boundary (inside a scope's pooled arrays too), so a
/// 512-bit load never straddles two cache lines; small ones at the start of their array; either way products agree.
/// </summary>
public sealed class TensorStorageTests
{
    // Large enough for the large-object heap, where the collector does not move arrays: a smaller array starts
    // aligned too, but a compacting collection may move it before the check.
    [TestCase(32 * 1024)]
    [TestCase(1000 * 1000 + 3)]
    public void LargeTensorsStartOnA64ByteBoundary(int size)
    {
        Assert.That(AddressOfFirst(Tensor.Zeros<float>([size])) % 64, Is.Zero, "zeros");
        Assert.That(AddressOfFirst(Tensor.RandomNormal<double>([size], seed: 1)) % 64, Is.Zero, "random");
        Tensor<float> a = Tensor.Full([size], 2f), b = Tensor.Full([size], 3f);
        for (int round = 0; round < 3; round++)
        {
            // A scope's arrays come back from the pool: aligned again, and zeroed where asked.
            using var scope = new TensorScope();
            Tensor<float> sum = a + b;
            Tensor<float> zeros = Tensor.Zeros<float>([size]);
            Assert.That(AddressOfFirst(sum) % 64, Is.Zero, "pooled result");
            Assert.That(sum.AsReadOnlySpan().ToArray(), Is.All.EqualTo(5f));
            Assert.That(zeros.AsReadOnlySpan().ToArray(), Is.All.Zero);
            Assert.That(sum.AsReadOnlySpan().Length, Is.EqualTo(size));
        }
    }

    [Test]
    public void SmallTensorsStartAtTheirArraysFirstElement()
    {
        Tensor<float> small = Tensor.Zeros<float>([TensorStorage<float>.AlignedThreshold - 1]);
        Assert.That(small.Offset, Is.Zero);
        Assert.That(small.Storage, Has.Length.EqualTo(TensorStorage<float>.AlignedThreshold - 1));
    }

    [Test]
    public void ProductsOfAlignedTensorsMatchThoseOfArraysThatStartAnywhere()
    {
        // The same values through views that start at every float offset of a 64-byte line.
        const int n = 48;
        Tensor<float> a = Tensor.RandomNormal<float>([n, n], seed: 2), b = Tensor.RandomNormal<float>([n, n], seed: 3);
        float[] expected = a.MatMul(b).AsReadOnlySpan().ToArray();
        for (int shift = 0; shift < 16; shift++)
        {
            Tensor<float> shiftedA = Tensor.Zeros<float>([shift + n * n]).Narrow(0, shift, n * n).Reshape(n, n);
            a.AsReadOnlySpan().CopyTo(shiftedA.AsSpan());
            Assert.That(shiftedA.MatMul(b).AsReadOnlySpan().ToArray(), Is.EqualTo(expected).Within(1e-4f), $"shift {shift}");
        }
    }

    private static long AddressOfFirst<T>(Tensor<T> tensor) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        GCHandle handle = GCHandle.Alloc(tensor.Storage, GCHandleType.Pinned);
        try
        {
            return handle.AddrOfPinnedObject() + tensor.Offset * Unsafe.SizeOf<T>();
        }
        finally
        {
            handle.Free();
        }
    }
}
