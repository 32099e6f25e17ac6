using System.Globalization;
using System.Numerics;
using System.Text;

namespace Autograd.Checking;

/// <summary>One Jacobian entry where backprop and central differences disagree.</summary>
/// <param name="Input">Which input tensor (its position in the inputs).</param>
/// <param name="InputElement">The input element, as a row-major index.</param>
/// <param name="OutputElement">The output element, as a row-major index.</param>
/// <param name="Backprop">∂output/∂input from the engine.</param>
/// <param name="Numerical">∂output/∂input by central differences.</param>
public sealed record JacobianMismatch(int Input, int InputElement, int OutputElement, double Backprop, double Numerical);

/// <summary>The outcome of a tensor gradient check.</summary>
/// <param name="Mismatches">Every disagreeing entry, input by input.</param>
/// <param name="EntriesChecked">How many Jacobian entries were compared.</param>
/// <param name="Options">The step and tolerances used.</param>
public sealed record TensorGradCheckResult(IReadOnlyList<JacobianMismatch> Mismatches, int EntriesChecked, GradCheckOptions Options)
{
    /// <summary>True when every entry agrees.</summary>
    public bool Passed => Mismatches.Count == 0;

    /// <summary>A summary naming the inputs and elements that disagree (the first ten).</summary>
    public string Report()
    {
        if (Passed) return $"all {EntriesChecked} Jacobian entries agree\n";
        var text = new StringBuilder($"{Mismatches.Count} of {EntriesChecked} Jacobian entries disagree:\n");
        foreach (JacobianMismatch m in Mismatches.Take(10))
            text.Append(CultureInfo.InvariantCulture,
                $"  input {m.Input}, element {m.InputElement}, output element {m.OutputElement}: backprop {m.Backprop:R}, numerical {m.Numerical:R}\n");
        return text.ToString();
    }
}

/// <summary>
/// Gradient checks for tensor functions, with PyTorch's float64 defaults: every entry of the backprop Jacobian (one
/// vector-Jacobian product per output element) is compared with central differences.
/// </summary>
public static class TensorGradCheck
{
    /// <summary>Checks the first derivatives of <paramref name="f"/> at <paramref name="inputs"/>.</summary>
    /// <param name="f">The function; called many times.</param>
    /// <param name="inputs">The point: one tensor per argument (their values are copied, never changed).</param>
    /// <param name="options">Step and tolerances; PyTorch's defaults when null.</param>
    public static TensorGradCheckResult Check(Func<Tensor<double>[], Tensor<double>> f, Tensor<double>[] inputs, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= GradCheckOptions.Default;
        double[][] point = [.. inputs.Select(t => t.ToArray())];
        int[][] shapes = [.. inputs.Select(t => t.ShapeArray)];

        // The backprop Jacobian: one VJP per output element, the graph kept between them.
        Tensor<double>[] leaves = Leaves(point, shapes);
        Tensor<double> output = f(leaves);
        int outputs = output.Size;
        var analytic = new double[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++) analytic[i] = new double[outputs * point[i].Length];
        for (int o = 0; o < outputs && output.RequiresGrad; o++)
        {
            var seed = new double[outputs];
            seed[o] = 1;
            Tensor<double>[] grads = Autodiff.Grad([output], leaves, [new Tensor<double>(seed, output.ShapeArray)], retainGraph: true, allowUnused: true);
            for (int i = 0; i < inputs.Length; i++)
            {
                double[] row = grads[i].ToArray();
                for (int e = 0; e < row.Length; e++) analytic[i][o * row.Length + e] = row[e];
            }
        }

        var mismatches = new List<JacobianMismatch>();
        int checkedEntries = 0;
        using (Autodiff.NoGrad())
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                for (int e = 0; e < point[i].Length; e++)
                {
                    double original = point[i][e];
                    point[i][e] = original + options.Epsilon;
                    double[] plus = f(Leaves(point, shapes, requireGrad: false)).ToArray();
                    point[i][e] = original - options.Epsilon;
                    double[] minus = f(Leaves(point, shapes, requireGrad: false)).ToArray();
                    point[i][e] = original;
                    for (int o = 0; o < outputs; o++)
                    {
                        double numerical = (plus[o] - minus[o]) / (2 * options.Epsilon);
                        double backprop = analytic[i][o * point[i].Length + e];
                        checkedEntries++;
                        bool agree = double.IsFinite(numerical) && double.IsFinite(backprop)
                            && Math.Abs(backprop - numerical) <= options.AbsoluteTolerance + options.RelativeTolerance * Math.Abs(numerical);
                        if (!agree) mismatches.Add(new JacobianMismatch(i, e, o, backprop, numerical));
                    }
                }
            }
        }

        return new TensorGradCheckResult(mismatches, checkedEntries, options);
    }

    /// <summary>
    /// Checks the second derivatives, as PyTorch's gradgradcheck does: the function (x, v) ↦ vᵀ·∂f/∂x, with v a random
    /// output gradient, is differentiated by the engine (its backward recorded with createGraph) with respect to both x
    /// and v, and compared with central differences. Mismatches in v (whose derivatives test that each backward rule is
    /// itself differentiated correctly in the upstream gradient) carry the input index <c>inputs.Length</c>.
    /// </summary>
    /// <param name="f">The function.</param>
    /// <param name="inputs">The point.</param>
    /// <param name="seed">Seed for the random output gradient v.</param>
    /// <param name="options">Step and tolerances; PyTorch's defaults when null.</param>
    public static TensorGradCheckResult GradGradCheck(Func<Tensor<double>[], Tensor<double>> f, Tensor<double>[] inputs, int seed = 0, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        Tensor<double> probe;
        using (Autodiff.NoGrad()) probe = f([.. inputs.Select(t => t.Detach())]);
        Tensor<double> v = Tensor.RandomNormal<double>(probe.ShapeArray, seed);
        return Check(xsAndV =>
        {
            using (Autodiff.EnableGrad())
            {
                Tensor<double>[] leaves = [.. xsAndV[..^1].Select(x => x.RequiresGrad ? x : x.Detach().RequireGrad())];
                Tensor<double> output = f(leaves);
                if (!output.RequiresGrad) return Tensor.Zeros<double>(0);
                Tensor<double>[] grads = Autodiff.Grad([output], leaves, [xsAndV[^1]], createGraph: true, allowUnused: true);
                return Tensor<double>.Concat([.. grads.Select(g => g.Reshape(-1))], 0);
            }
        }, [.. inputs, v], options);
    }

    private static Tensor<double>[] Leaves(double[][] point, int[][] shapes, bool requireGrad = true) =>
        [.. point.Select((values, i) =>
        {
            var leaf = new Tensor<double>((double[])values.Clone(), shapes[i]);
            return requireGrad ? leaf.RequireGrad() : leaf;
        })];
}
