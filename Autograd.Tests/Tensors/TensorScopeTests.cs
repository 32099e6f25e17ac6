using Autograd.Memory;

namespace Autograd.Tests.Tensors;

/// <summary>
/// <see cref="TensorScope"/>: tensors made in a scope are released when it ends (a later read is a clear error, never
/// reused memory), kept tensors and stored gradients survive, and a training step in a scope stops allocating.
/// </summary>
public sealed class TensorScopeTests
{
    private static readonly int[] Sizes = [64, 256, 128, 8];

    [Test]
    public void AResultMadeInAScopeCannotBeReadAfterItEnds()
    {
        Tensor<float> x = Tensor.RandomNormal<float>([64, 64], seed: 1).RequireGrad();
        Tensor<float> y, small;
        using (new TensorScope())
        {
            y = x.Tanh();
            small = x.Sum();
            Assert.That(y[0, 0], Is.EqualTo(MathF.Tanh(x[0, 0])));
        }

        var large = Assert.Throws<InvalidOperationException>(() => y.ToArray())!;
        Assert.That(large.Message, Does.Contain("[64,64]").And.Contain("'tanh'").And.Contain("TensorScope").And.Contain("Keep"));
        // Small tensors are not pooled but follow the same rule, so code that works on small sizes works on large ones.
        Assert.Throws<InvalidOperationException>(() => small.Item());
        Assert.That(x[1, 2], Is.Not.NaN, "tensors made before the scope are untouched");
    }

    [Test]
    public void KeepMovesATensorToTheEnclosingScopeOrOutOfPooling()
    {
        Tensor<double> x = Tensor.RandomNormal<double>([40, 40], seed: 2);
        double[] expected = x.Exp().ToArray();
        Tensor<double> keptToOuter, keptForever, view;
        using (var outer = new TensorScope())
        {
            using (var inner = new TensorScope())
            {
                keptToOuter = inner.Keep(x.Exp());
                view = keptToOuter.Reshape(1600);
            }

            Assert.That(keptToOuter.ToArray(), Is.EqualTo(expected));
            Assert.That(view.ToArray(), Is.EqualTo(expected), "a view shares its base's elements and their owner");
            keptForever = outer.Keep(keptToOuter);
        }

        Assert.That(keptForever.ToArray(), Is.EqualTo(expected));
        Assert.That(view.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void ValuesAndGradientsInAScopeEqualThoseOutside()
    {
        var plain = new TinyMlp(seed: 3);
        var scoped = new TinyMlp(seed: 3);
        for (int step = 0; step < 4; step++)
        {
            float plainLoss = plain.Step(pooled: false);
            float scopedLoss = scoped.Step(pooled: true);
            Assert.That(scopedLoss, Is.EqualTo(plainLoss), $"step {step}");
        }

        for (int l = 0; l < plain.Weights.Length; l++)
            Assert.That(scoped.Weights[l].ToArray(), Is.EqualTo(plain.Weights[l].ToArray()));
    }

    [Test]
    public void ATrainingStepInAScopeAllocatesNothingLargeOnceWarm()
    {
        var model = new TinyMlp(seed: 4);
        for (int step = 0; step < 3; step++) model.Step(pooled: true);

        long before = GC.GetAllocatedBytesForCurrentThread();
        const int Steps = 10;
        for (int step = 0; step < Steps; step++) model.Step(pooled: true);
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / Steps;

        // Without the scope one step allocates its activations and gradients: well over 300 KB here.
        long unpooledBefore = GC.GetAllocatedBytesForCurrentThread();
        model.Step(pooled: false);
        long unpooled = GC.GetAllocatedBytesForCurrentThread() - unpooledBefore;
        Assert.That(unpooled, Is.GreaterThan(300_000));
        Assert.That(perStep, Is.LessThan(64 * 1024), $"a warm step allocated {perStep} bytes (one without a scope: {unpooled})");
    }

    [Test]
    public void GradientsOutliveTheScopeAndZeroGradRecyclesThem()
    {
        Tensor<float> w = Tensor.RandomNormal<float>([48, 48], seed: 5).RequireGrad();
        Tensor<float> x = Tensor.RandomNormal<float>([48, 48], seed: 6);
        using (new TensorScope()) x.MatMul(w).Sum().Backward();

        Tensor<float> grad = w.Grad!;
        float[] expected = x.Transpose().MatMul(Tensor.Ones<float>(48, 48)).ToArray();
        Assert.That(grad.ToArray(), Is.EqualTo(expected).Within(1e-4f));

        w.ZeroGrad();
        var error = Assert.Throws<InvalidOperationException>(() => grad.ToArray())!;
        Assert.That(error.Message, Does.Contain("ZeroGrad"));
    }

    [Test]
    public void ASecondBackwardAddsIntoTheOwnedGradientInPlace()
    {
        Tensor<double> w = Tensor.RandomNormal<double>([40, 40], seed: 7).RequireGrad();
        Tensor<double> x = Tensor.RandomNormal<double>([40, 40], seed: 8);
        using (new TensorScope()) (x.MatMul(w) * x).Sum().Backward();
        Tensor<double> first = w.Grad!;
        double[] once = first.ToArray();
        using (new TensorScope()) (x.MatMul(w) * x).Sum().Backward();

        Assert.That(w.Grad, Is.SameAs(first), "accumulated in place, as PyTorch does");
        Assert.That(w.Grad!.ToArray(), Is.EqualTo(once.Select(v => 2 * v)).Within(1e-12));
    }

    [Test]
    public void AGradientTwoLeavesShareIsNeverRecycledByOneOfThem()
    {
        Tensor<double> a = Tensor.RandomNormal<double>([32, 40], seed: 9).RequireGrad();
        Tensor<double> b = Tensor.RandomNormal<double>([32, 40], seed: 10).RequireGrad();
        Tensor<double> g = Tensor.RandomNormal<double>([32, 40], seed: 11);
        using (new TensorScope()) ((a + b) * g).Sum().Backward();

        a.ZeroGrad();
        Assert.That(b.Grad!.ToArray(), Is.EqualTo(g.ToArray()));
        using (new TensorScope()) ((a + b) * g).Sum().Backward();
        Assert.That(a.Grad!.ToArray(), Is.EqualTo(g.ToArray()));
        Assert.That(b.Grad!.ToArray(), Is.EqualTo(g.ToArray().Select(v => 2 * v)).Within(1e-12));
    }

    [Test]
    public void SparseGradientEntriesOutliveTheScope()
    {
        Tensor<float> table = Tensor.RandomNormal<float>([100, 32], seed: 12).RequireSparseGrad();
        int[] rows = [.. Enumerable.Range(0, 64).Select(i => i * 7 % 100)];
        Tensor<float> upstream = Tensor.RandomNormal<float>([64, 32], seed: 13);
        using (new TensorScope())
        {
            (table.IndexSelect(0, rows) * upstream).Sum().Backward();
        }

        using (new TensorScope()) _ = Tensor.RandomNormal<float>([64, 32], seed: 14) + 1f; // reuses pooled arrays
        float[] dense = table.SparseGradient!.ToDense().ToArray();
        float[] expected = new float[100 * 32];
        for (int j = 0; j < rows.Length; j++)
            for (int c = 0; c < 32; c++) expected[rows[j] * 32 + c] += upstream[j, c];
        Assert.That(dense, Is.EqualTo(expected).Within(1e-6f));
    }

    [Test]
    public void EndedScopesFillThePoolAndTrimEmptiesIt()
    {
        TensorScope.TrimPool();
        Assert.That(TensorScope.PooledBytes, Is.Zero);
        using (new TensorScope()) _ = Tensor.Ones<double>(100, 100) * 3.0;
        Assert.That(TensorScope.PooledBytes, Is.GreaterThanOrEqualTo(2 * 100 * 100 * sizeof(double)));
        TensorScope.TrimPool();
        Assert.That(TensorScope.PooledBytes, Is.Zero);
    }

    [Test]
    public void ScopesEndInReverseOrder()
    {
        var outer = new TensorScope();
        var inner = new TensorScope();
        var error = Assert.Throws<InvalidOperationException>(outer.Dispose)!;
        Assert.That(error.Message, Does.Contain("reverse order"));
        inner.Dispose();
        outer.Dispose();
        outer.Dispose();
    }

    [Test]
    public async Task WorkStartedInsideAScopeBelongsToIt()
    {
        var tensors = new Tensor<float>[64];
        Tensor<float> fromTask;
        using (new TensorScope())
        {
            fromTask = await Task.Run(() => Tensor.Ones<float>(64, 64) * 2f);
            Parallel.For(0, tensors.Length, i => tensors[i] = Tensor.Full([32, 64], (float)i) + 1f);
            Assert.That(fromTask[3, 3], Is.EqualTo(2f));
            for (int i = 0; i < tensors.Length; i++) Assert.That(tensors[i][31, 63], Is.EqualTo(i + 1f));
        }

        Assert.Throws<InvalidOperationException>(() => fromTask.ToArray());
        foreach (Tensor<float> t in tensors) Assert.Throws<InvalidOperationException>(() => t.ToArray());
    }

    /// <summary>A small ReLU MLP with softmax cross-entropy, trained by plain SGD, in a scope or not.</summary>
    private sealed class TinyMlp
    {
        private readonly Tensor<float>[] _biases;
        private readonly Tensor<float> _inputs;
        private readonly int[] _labels;

        public TinyMlp(int seed)
        {
            Weights = new Tensor<float>[Sizes.Length - 1];
            _biases = new Tensor<float>[Sizes.Length - 1];
            for (int l = 0; l < Weights.Length; l++)
            {
                double bound = 1 / Math.Sqrt(Sizes[l]);
                Weights[l] = Tensor.RandomUniform<float>([Sizes[l], Sizes[l + 1]], seed + l, -bound, bound).RequireGrad();
                _biases[l] = Tensor.RandomUniform<float>([Sizes[l + 1]], seed + 10 + l, -bound, bound).RequireGrad();
            }

            _inputs = Tensor.RandomNormal<float>([32, Sizes[0]], seed + 20);
            _labels = [.. Enumerable.Range(0, 32).Select(i => i % Sizes[^1])];
        }

        public Tensor<float>[] Weights { get; }

        public float Step(bool pooled)
        {
            using TensorScope? scope = pooled ? new TensorScope() : null;
            Tensor<float> h = _inputs;
            for (int l = 0; l < Weights.Length; l++)
            {
                h = h.MatMul(Weights[l]) + _biases[l];
                if (l < Weights.Length - 1) h = h.Relu();
            }

            Tensor<float> loss = -h.LogSoftmax(1).Gather(1, _labels, 32, 1).Mean();
            loss.Backward();
            foreach (Tensor<float> p in Weights.Concat(_biases))
            {
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(p.Grad!.AsReadOnlySpan(), -0.05f, p.AsSpan(), p.AsSpan());
                p.ZeroGrad();
            }

            return loss.Item();
        }
    }

    [Test]
    public void KeepLeavesATensorOfAnotherScopeWhereItIs()
    {
        using var outer = new TensorScope();
        Tensor<float> t = Tensor.Ones<float>(2000) * 2f;
        using (var middle = new TensorScope())
        using (var inner = new TensorScope())
            Assert.That(inner.Keep(t), Is.SameAs(t));
        Assert.That(t.AsReadOnlySpan()[0], Is.EqualTo(2f), "still the outer scope's, which has not ended");
    }

    [Test]
    public void AScopeEndedByATaskCollectsNothingMore()
    {
        // A task inherits the scope and may end it; the flow that began it must not keep adding tensors to it.
        var scope = new TensorScope();
        Task.Run(scope.Dispose).Wait();
        Tensor<float> later = Tensor.Ones<float>(2000) * 2f;
        Assert.That(later.Buffer.Owner, Is.Null, "not owned by the ended scope");
        Assert.That(TensorScope.Current, Is.Null);
        scope.Dispose();
    }
}
