using System.Globalization;
using System.Numerics;
using System.Text;

namespace Autograd.NN.Layers;

/// <summary>A Keras-style table of a model's layers: name, output shape and parameter count.</summary>
public static class ModelSummary
{
    /// <summary>
    /// Runs one sample of shape <paramref name="inputShape"/> (without the batch axis) through
    /// <paramref name="model"/>, layer by layer when it is a <see cref="Sequential{T}"/>, and tabulates each layer.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="inputShape">The shape of one sample, e.g. [13].</param>
    public static string Summary<T>(this Module<T> model, params int[] inputShape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        IReadOnlyList<Module<T>> layers = model is Sequential<T> sequential ? sequential.Layers : [model];
        var rows = new List<(string Layer, string Shape, long Parameters)>();
        bool training = model.Training;
        model.Eval();
        using (Autodiff.NoGrad())
        {
            Tensor<T> x = Tensor.Zeros<T>([1, .. inputShape]);
            for (int i = 0; i < layers.Count; i++)
            {
                x = layers[i].Forward(x);
                string describe = layers[i].Describe();
                string name = $"{i}: {layers[i].DisplayName}{(describe.Length == 0 ? "" : $" ({describe})")}";
                rows.Add((name, "[None, " + string.Join(", ", x.Shape.Skip(1)) + "]", layers[i].ParameterCount()));
            }
        }

        if (training) model.Train();
        const string layerHeader = "Layer", shapeHeader = "Output shape", parameterHeader = "Params";
        int layerWidth = Math.Max(layerHeader.Length, rows.Max(r => r.Layer.Length));
        int shapeWidth = Math.Max(shapeHeader.Length, rows.Max(r => r.Shape.Length));
        long total = model.ParameterCount();
        int countWidth = Math.Max(parameterHeader.Length, Count(total).Length);
        var text = new StringBuilder();
        string rule = new('─', layerWidth + shapeWidth + countWidth + 4);
        text.Append(CultureInfo.InvariantCulture, $"{layerHeader.PadRight(layerWidth)}  {shapeHeader.PadRight(shapeWidth)}  {parameterHeader.PadLeft(countWidth)}\n{rule}\n");
        foreach (var (layer, shape, parameters) in rows)
            text.Append(CultureInfo.InvariantCulture, $"{layer.PadRight(layerWidth)}  {shape.PadRight(shapeWidth)}  {Count(parameters).PadLeft(countWidth)}\n");
        text.Append(CultureInfo.InvariantCulture, $"{rule}\nTotal parameters: {Count(total)}\n");
        return text.ToString();
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
