using System.Text.Json;
using Autograd.NN.Word2Vec;

namespace Autograd.Tests.Tensors;

/// <summary>
/// Tensor ops against values and gradients PyTorch computed in float64 (Reference/make_tensor_reference.py):
/// the same op on the same inputs, backpropagating the same upstream gradient.
/// </summary>
public sealed class TensorReferenceTests
{
    private const double Tolerance = 1e-12;

    /// <summary>The op of each reference case, by the name the script gives it.</summary>
    private static readonly Dictionary<string, Func<Tensor<double>[], Tensor<double>>> Ops = new()
    {
        ["add_broadcast"] = x => x[0] + x[1],
        ["sub_broadcast_3d"] = x => x[0] - x[1],
        ["mul_column_broadcast"] = x => x[0] * x[1],
        ["div_row_broadcast"] = x => x[0] / x[1],
        ["neg"] = x => -x[0],
        ["pow_tensor"] = x => x[0].Pow(x[1]),
        ["pow_scalar"] = x => x[0].Pow(3.0),
        ["exp"] = x => x[0].Exp(),
        ["log"] = x => x[0].Log(),
        ["sqrt"] = x => x[0].Sqrt(),
        ["abs"] = x => x[0].Abs(),
        ["tanh"] = x => x[0].Tanh(),
        ["sigmoid"] = x => x[0].Sigmoid(),
        ["relu"] = x => x[0].Relu(),
        ["log_sigmoid"] = x => x[0].LogSigmoid(),
        ["leaky_relu"] = x => x[0].LeakyRelu(0.1),
        ["clamp"] = x => x[0].Clamp(-0.5, 0.7),
        ["where_greater"] = x => Tensor.Where(Tensor.Greater(x[0], x[2]), x[1], x[2]),
        ["sum_all"] = x => x[0].Sum(),
        ["sum_axes_0_2"] = x => x[0].Sum([0, 2]),
        ["sum_keepdim"] = x => x[0].Sum(-1, keepDim: true),
        ["mean_axis_1"] = x => x[0].Mean(1),
        ["max_axis_1"] = x => x[0].Max(1),
        ["min_axis_0_keepdim"] = x => x[0].Min(0, keepDim: true),
        ["logsumexp_axis_1"] = x => x[0].LogSumExp(1),
        ["matmul_2d"] = x => x[0].MatMul(x[1]),
        ["matmul_matrix_vector"] = x => x[0].MatMul(x[1]),
        ["matmul_vector_matrix"] = x => x[0].MatMul(x[1]),
        ["matmul_batched_broadcast"] = x => x[0].MatMul(x[1]),
        ["dot"] = x => x[0].Dot(x[1]),
        ["outer"] = x => x[0].Outer(x[1]),
        ["reshape"] = x => x[0].Reshape(-1, 4),
        ["expand"] = x => x[0].Expand(3, 4),
        ["permute"] = x => x[0].Permute(2, 0, 1),
        ["transpose"] = x => x[0].Transpose(),
        ["narrow"] = x => x[0].Narrow(1, 1, 3),
        ["concat_axis_1"] = x => Tensor.Concat([x[0], x[1]], 1),
        ["stack_axis_1"] = x => Tensor.Stack([x[0], x[1]], 1),
        ["index_select_rows"] = x => x[0].IndexSelect(0, [2, 0, 2, 3]),
        ["dot_rows"] = x => x[0].DotRows(x[1], [0, 4, 4, 2, 1, 0, 3, 3, 1]),
        ["embedding_bag_mean"] = x => x[0].EmbeddingBag([4, 0, 4, 2, 1, 3], [0, 3, 3, 5]),
        ["embedding_bag_sum"] = x => x[0].EmbeddingBag([1, 3, 3, 0], [0, 1], EmbeddingBagMode.Sum),
        ["gather_axis_1"] = x => x[0].Gather(1, [0, 3, 1, 1, 2, 2], 3, 2),
        ["softmax_axis_1"] = x => x[0].Softmax(1),
        ["log_softmax_axis_0"] = x => x[0].LogSoftmax(0),
        ["softmax_large_logits"] = x => x[0].Softmax(1),
        ["log_softmax_large_logits"] = x => x[0].LogSoftmax(1),
        ["cross_entropy_composed"] = x => -(x[0].LogSoftmax(1) * Tensor.OneHot<double>([1, 0, 4, 2], 5)).Sum() / 4.0,
        ["mlp_layer"] = x => (x[0].MatMul(x[1]) + x[2]).Tanh(),
    };

    private static IEnumerable<TestCaseData> Cases()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Reference", "tensor_reference.json")));
        foreach (JsonElement c in document.RootElement.GetProperty("cases").EnumerateArray())
            yield return new TestCaseData(c.Clone()).SetArgDisplayNames(c.GetProperty("name").GetString()!);
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesPyTorch(JsonElement reference)
    {
        string name = reference.GetProperty("name").GetString()!;
        Assert.That(Ops, Does.ContainKey(name), "a reference case without an op in this table");
        Tensor<double>[] inputs = [.. reference.GetProperty("inputs").EnumerateArray().Select(i => Read(i).RequireGrad())];
        Tensor<double> expected = Read(reference.GetProperty("output"));

        Tensor<double> output = Ops[name](inputs);
        Assert.That(output.Shape, Is.EqualTo(expected.Shape), "output shape");
        AssertClose(output.ToArray(), expected.ToArray(), "output");

        var upstream = Tensor.FromArray(Numbers(reference.GetProperty("upstream")), [.. output.Shape]);
        Tensor<double>[] grads = Autodiff.Grad([output], inputs, [upstream], allowUnused: true);
        JsonElement[] expectedGrads = [.. reference.GetProperty("grads").EnumerateArray()];
        for (int i = 0; i < inputs.Length; i++)
        {
            // PyTorch says None for an input the output does not depend on (a mask's source); Grad gives zeros.
            double[] expectedGrad = expectedGrads[i].ValueKind == JsonValueKind.Null ? new double[inputs[i].Size] : Numbers(expectedGrads[i]);
            AssertClose(grads[i].ToArray(), expectedGrad, $"gradient of input {i}");
        }
    }

    [Test]
    public void EveryOpInTheTableHasAReferenceCase()
    {
        var names = Cases().Select(c => ((JsonElement)c.Arguments[0]!).GetProperty("name").GetString()).ToHashSet();
        Assert.That(Ops.Keys.Where(k => !names.Contains(k)), Is.Empty);
    }

    private static Tensor<double> Read(JsonElement tensor) =>
        Tensor.FromArray(Numbers(tensor.GetProperty("values")), [.. tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())]);

    private static double[] Numbers(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetDouble())];

    private static void AssertClose(double[] actual, double[] expected, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        for (int i = 0; i < actual.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(Tolerance + Tolerance * Math.Abs(expected[i])), $"{what}, element {i}");
    }
}
