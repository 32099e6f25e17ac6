using System.Globalization;
using System.Text;

namespace Autograd.Checking;

/// <summary>Tolerances and step for a gradient check.</summary>
/// <param name="Epsilon">The central-difference step h: ∂f/∂x ≈ (f(x + h) − f(x − h)) / 2h.</param>
/// <param name="AbsoluteTolerance">An input passes when |backprop − numerical| ≤ atol + rtol·|numerical|.</param>
/// <param name="RelativeTolerance">See <paramref name="AbsoluteTolerance"/>.</param>
/// <remarks>The defaults are PyTorch's <c>gradcheck</c> defaults for float64.</remarks>
public sealed record GradCheckOptions(double Epsilon = 1e-6, double AbsoluteTolerance = 1e-5, double RelativeTolerance = 1e-3)
{
    /// <summary>The float64 defaults: h = 1e-6, atol = 1e-5, rtol = 1e-3.</summary>
    public static GradCheckOptions Default { get; } = new();

    /// <summary>Whether both gradients are finite and |backprop − numerical| ≤ atol + rtol·|numerical|.</summary>
    internal bool Agree(double backprop, double numerical) =>
        double.IsFinite(numerical) && double.IsFinite(backprop)
        && Math.Abs(backprop - numerical) <= AbsoluteTolerance + RelativeTolerance * Math.Abs(numerical);
}

/// <summary>One input's line in a gradient check.</summary>
/// <param name="Name">The input's name.</param>
/// <param name="Point">The input's value at which the gradient was checked.</param>
/// <param name="Backprop">∂f/∂input from <see cref="Value.Backward"/>.</param>
/// <param name="Numerical">∂f/∂input by central differences.</param>
/// <param name="Passed">Whether the two agree within the tolerances.</param>
public sealed record GradCheckEntry(string Name, double Point, double Backprop, double Numerical, bool Passed)
{
    /// <summary>|backprop − numerical|.</summary>
    public double AbsoluteError => Math.Abs(Backprop - Numerical);

    /// <summary>|backprop − numerical| / max(|backprop|, |numerical|), or 0 when both are 0.</summary>
    public double RelativeError
    {
        get
        {
            double scale = Math.Max(Math.Abs(Backprop), Math.Abs(Numerical));
            return scale == 0 ? 0 : AbsoluteError / scale;
        }
    }
}

/// <summary>The outcome of a gradient check: one entry per input.</summary>
/// <param name="Entries">The inputs in the order they were given.</param>
/// <param name="Options">The step and tolerances used.</param>
public sealed record GradCheckResult(IReadOnlyList<GradCheckEntry> Entries, GradCheckOptions Options)
{
    /// <summary>True when every input's gradients agree.</summary>
    public bool Passed => Entries.All(e => e.Passed);

    /// <summary>The names of the inputs whose gradients disagree.</summary>
    public IEnumerable<string> Mismatches => Entries.Where(e => !e.Passed).Select(e => e.Name);

    /// <summary>A table of every input: backprop and numerical gradients, their errors, and a verdict.</summary>
    public string Report()
    {
        int nameWidth = Math.Max(5, Entries.Count == 0 ? 0 : Entries.Max(e => e.Name.Length));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{"input".PadRight(nameWidth)}  {"backprop",-22}  {"numerical",-22}  {"abs error",-9}  {"rel error",-9}  ok\n");
        foreach (GradCheckEntry e in Entries)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{e.Name.PadRight(nameWidth)}  {R(e.Backprop),-22}  {R(e.Numerical),-22}  {e.AbsoluteError,-9:0.0e+00}  {e.RelativeError,-9:0.0e+00}  {(e.Passed ? "yes" : "NO")}\n");
        }

        text.Append(CultureInfo.InvariantCulture,
            $"h = {Options.Epsilon:G3}, pass when |backprop - numerical| <= {Options.AbsoluteTolerance:G3} + {Options.RelativeTolerance:G3}·|numerical|: ");
        text.Append(Passed ? "all gradients agree\n" : $"MISMATCH in {string.Join(", ", Mismatches)}\n");
        return text.ToString();
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// Checks backpropagation against numerical differentiation: for each input, the central difference
/// (f(x + h) − f(x − h)) / 2h is compared with the gradient <see cref="Value.Backward"/> computes.
/// </summary>
public static class GradCheck
{
    /// <summary>Checks the gradient of a scalar function of named inputs at one point.</summary>
    /// <param name="function">Builds the output from the input values (called 1 + 2·inputs times).</param>
    /// <param name="point">The inputs' names and values, in report order.</param>
    /// <param name="options">Step and tolerances; <see cref="GradCheckOptions.Default"/> when null.</param>
    public static GradCheckResult Check(
        Func<IReadOnlyDictionary<string, Value>, Value> function,
        IReadOnlyList<KeyValuePair<string, double>> point,
        GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(point);
        options ??= GradCheckOptions.Default;

        double[] values = [.. point.Select(p => p.Value)];
        Dictionary<string, Value> inputs = Inputs(point, values);
        function(inputs).Backward();
        double[][] numerical = CentralDifferences.Estimate(stepped => [function(Inputs(point, stepped)).Data], values, options.Epsilon);

        var entries = new List<GradCheckEntry>(point.Count);
        for (int j = 0; j < point.Count; j++)
        {
            string name = point[j].Key;
            double backprop = inputs[name].Grad, estimate = numerical[j][0];
            entries.Add(new GradCheckEntry(name, values[j], backprop, estimate, options.Agree(backprop, estimate)));
        }

        return new GradCheckResult(entries, options);
    }

    /// <summary>Checks the gradient of a scalar function of a vector of inputs, named <c>x0</c>, <c>x1</c>, ….</summary>
    /// <param name="function">Builds the output from the inputs.</param>
    /// <param name="point">The inputs' values.</param>
    /// <param name="options">Step and tolerances; <see cref="GradCheckOptions.Default"/> when null.</param>
    public static GradCheckResult Check(Func<Value[], Value> function, double[] point, GradCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(point);
        var named = point.Select((x, i) => KeyValuePair.Create($"x{i}", x)).ToList();
        return Check(inputs => function([.. named.Select(p => inputs[p.Key])]), named, options);
    }

    /// <summary>A fresh leaf per input, named as the input, with its value from <paramref name="values"/>.</summary>
    private static Dictionary<string, Value> Inputs(IReadOnlyList<KeyValuePair<string, double>> point, double[] values)
    {
        var inputs = new Dictionary<string, Value>(StringComparer.Ordinal);
        for (int j = 0; j < point.Count; j++) inputs.Add(point[j].Key, new Value(values[j], point[j].Key));
        return inputs;
    }
}
