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
        double[] point = [.. inputs.SelectMany(t => t.ToArray())];
        int[][] shapes = [.. inputs.Select(t => t.ShapeArray)];

        // The backprop Jacobian: one VJP per output element, the graph kept between them.
        Tensor<double>[] leaves = [.. Split(point, shapes).Select(leaf => leaf.RequireGrad())];
        Tensor<double> output = f(leaves);
        int outputs = output.Size;
        var analytic = new double[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++) analytic[i] = new double[outputs * leaves[i].Size];
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

        // The numerical Jacobian, one column per element of the inputs laid end to end.
        double[][] numerical;
        using (Autodiff.NoGrad()) numerical = CentralDifferences.Estimate(stepped => f(Split(stepped, shapes)).ToArray(), point, options.Epsilon);

        var mismatches = new List<JacobianMismatch>();
        for (int i = 0, j = 0; i < inputs.Length; i++)
        {
            int size = leaves[i].Size;
            for (int e = 0; e < size; e++, j++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    double backprop = analytic[i][o * size + e];
                    if (!options.Agree(backprop, numerical[j][o])) mismatches.Add(new JacobianMismatch(i, e, o, backprop, numerical[j][o]));
                }
            }
        }

        return new TensorGradCheckResult(mismatches, point.Length * outputs, options);
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
                return Tensor.Concat([.. grads.Select(g => g.Reshape(-1))], 0);
            }
        }, [.. inputs, v], options);
    }

    /// <summary>Tensors of the given shapes holding <paramref name="values"/> in turn, each in an array of its own.</summary>
    private static Tensor<double>[] Split(double[] values, int[][] shapes)
    {
        var tensors = new Tensor<double>[shapes.Length];
        for (int i = 0, start = 0; i < shapes.Length; i++)
        {
            int end = start + Tensors.ShapeMath.Size(shapes[i]);
            tensors[i] = new Tensor<double>(values[start..end], shapes[i]);
            start = end;
        }

        return tensors;
    }
}
