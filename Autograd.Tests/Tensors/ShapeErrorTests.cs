namespace Autograd.Tests.Tensors;

/// <summary>Shape mistakes are reported with the op's name and the shapes involved, never as an index crash.</summary>
public sealed class ShapeErrorTests
{
    private static readonly Tensor<double> W = Tensor.Zeros<double>(5, 10);
    private static readonly Tensor<double> X = Tensor.Zeros<double>(3, 10);

    private static IEnumerable<TestCaseData> Mistakes()
    {
        yield return new TestCaseData((Action)(() => W.MatMul(X)), "matmul: [5,10] @ [3,10]: inner dimensions 10 and 3 differ").SetArgDisplayNames("matmul");
        yield return new TestCaseData((Action)(() => _ = W + X), "add: shapes [5,10] and [3,10]").SetArgDisplayNames("add");
        yield return new TestCaseData((Action)(() => _ = W * X.Transpose()), "mul: shapes [5,10] and [10,3]").SetArgDisplayNames("mul");
        yield return new TestCaseData((Action)(() => W.Reshape(7, 7)), "reshape: cannot view shape [5,10]").SetArgDisplayNames("reshape");
        yield return new TestCaseData((Action)(() => W.Sum(2)), "sum: axis 2 is out of range for a tensor of rank 2").SetArgDisplayNames("sum");
        yield return new TestCaseData((Action)(() => Tensor.Concat([W, X], 1)), "concat: tensor 1 has shape [3,10]").SetArgDisplayNames("concat");
        yield return new TestCaseData((Action)(() => Tensor.Stack([W, X], 0)), "stack: tensor 1 has shape [3,10], but tensor 0 has [5,10]").SetArgDisplayNames("stack");
        yield return new TestCaseData((Action)(() => W.Expand(3, 10)), "expand: shapes [5,10] and [3,10]").SetArgDisplayNames("expand");
        yield return new TestCaseData((Action)(() => W.IndexSelect(0, [9])), "index_select: index 9").SetArgDisplayNames("index_select");
        yield return new TestCaseData((Action)(() => W.Narrow(1, 8, 5)), "narrow: [8, 13) is outside axis 1 of size 10").SetArgDisplayNames("narrow");
        yield return new TestCaseData((Action)(() => W.Softmax(3)), "softmax: axis 3").SetArgDisplayNames("softmax");
        yield return new TestCaseData((Action)(() => W.Dot(X)), "dot: needs two vectors of one length, not [5,10] and [3,10]").SetArgDisplayNames("dot");
        yield return new TestCaseData((Action)(() => Tensor.Parse<double>("[[1,2],[3]]")), "the list at [1] has 1 elements, but the shape [2,2] set by the first element of each level needs 2").SetArgDisplayNames("ragged literal");
        yield return new TestCaseData((Action)(() => Tensor.Parse<double>("[[1,2],3]")), "expected a list of 2 elements at [1], as the first element of each level sets the shape [2,2], found 3").SetArgDisplayNames("number for a list");
        yield return new TestCaseData((Action)(() => Tensor.Parse<double>("[1,null]")), "expected a number at [1], found null").SetArgDisplayNames("null for a number");
        yield return new TestCaseData((Action)(() => Tensor.Parse<double>("[1,1e400]")), "the number 1e400 at [1] is beyond the range of a float64").SetArgDisplayNames("number too large");
        yield return new TestCaseData((Action)(() => Tensor.Parse<double>("[1 2]")), "'[1 2]' is not a nested list of numbers: '2' is invalid after a value (at character 4)").SetArgDisplayNames("JSON syntax");
    }

    [TestCaseSource(nameof(Mistakes))]
    public void ErrorNamesTheOpAndTheShapes(Action mistake, string expected)
    {
        Exception? error = null;
        try
        {
            mistake();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            error = e;
        }

        Assert.That(error?.Message, Does.Contain(expected));
    }

    [Test]
    public void AProductTooLargeForAnArrayIsAShapeError()
    {
        // 3 × 30000 × 30000 elements overflow an int; the operands themselves are small.
        Tensor<float> a = Tensor.Zeros<float>(3, 30000, 1), b = Tensor.Zeros<float>(3, 1, 30000);
        var batched = Assert.Throws<ArgumentException>(() => a.MatMul(b));
        Assert.That(batched!.Message, Does.StartWith("matmul: [3,30000,1] @ [3,1,30000]: the result has 2700000000 elements"));
        var flat = Assert.Throws<ArgumentException>(() => Tensor.Zeros<float>(65536, 1).MatMul(Tensor.Zeros<float>(1, 65536)));
        Assert.That(flat!.Message, Does.Contain("more than an array can hold"));
    }
}
