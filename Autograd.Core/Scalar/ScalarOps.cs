using static Autograd.Visualization.DisplayFormat;

namespace Autograd;

/// <summary>
/// The scalar primitives. Each is one small class holding its forward rule, its local derivatives and the
/// formula the chain-rule explanation prints for them.
/// </summary>
public static class ScalarOps
{
    /// <summary>a + b; ∂/∂a = 1, ∂/∂b = 1.</summary>
    public static readonly BinaryScalarOp Add = new AddOp();

    /// <summary>a − b; ∂/∂a = 1, ∂/∂b = −1.</summary>
    public static readonly BinaryScalarOp Subtract = new SubtractOp();

    /// <summary>a · b; ∂/∂a = b, ∂/∂b = a.</summary>
    public static readonly BinaryScalarOp Multiply = new MultiplyOp();

    /// <summary>a / b; ∂/∂a = 1/b, ∂/∂b = −a/b².</summary>
    public static readonly BinaryScalarOp Divide = new DivideOp();

    /// <summary>a^b with a differentiable exponent; ∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a.</summary>
    public static readonly BinaryScalarOp Power = new PowerOp();

    /// <summary>−x; dy/dx = −1.</summary>
    public static readonly UnaryScalarOp Negate = new NegateOp();

    /// <summary>e^x; dy/dx = e^x = y.</summary>
    public static readonly UnaryScalarOp Exp = new ExpOp();

    /// <summary>ln x; dy/dx = 1/x.</summary>
    public static readonly UnaryScalarOp Log = new LogOp();

    /// <summary>√x; dy/dx = 1/(2√x) = 1/(2y).</summary>
    public static readonly UnaryScalarOp Sqrt = new SqrtOp();

    /// <summary>|x|; dy/dx = sign(x), with the subgradient 0 at x = 0 (as PyTorch).</summary>
    public static readonly UnaryScalarOp Abs = new AbsOp();

    /// <summary>sin x; dy/dx = cos x.</summary>
    public static readonly UnaryScalarOp Sin = new SinOp();

    /// <summary>cos x; dy/dx = −sin x.</summary>
    public static readonly UnaryScalarOp Cos = new CosOp();

    /// <summary>tanh x; dy/dx = 1 − y².</summary>
    public static readonly UnaryScalarOp Tanh = new TanhOp();

    /// <summary>σ(x) = 1/(1 + e^−x); dy/dx = y(1 − y).</summary>
    public static readonly UnaryScalarOp Sigmoid = new SigmoidOp();

    /// <summary>max(0, x); dy/dx = 1 for x &gt; 0, else 0 (the subgradient 0 at the kink, as PyTorch).</summary>
    public static readonly UnaryScalarOp Relu = new ReluOp();

    /// <summary>x^n for a constant exponent n; dy/dx = n·x^(n−1).</summary>
    /// <param name="exponent">The constant exponent n.</param>
    public static UnaryScalarOp PowerOf(double exponent) => new PowerOfConstantOp(exponent);

    private sealed class AddOp() : BinaryScalarOp("+", infix: true)
    {
        public override double Forward(double a, double b) => a + b;
        public override (double DyDa, double DyDb) Derivatives(double a, double b, double y) => (1, 1);
        public override string DerivativeFormula(int index, string a, string b, string y) => "1";
    }

    private sealed class SubtractOp() : BinaryScalarOp("-", infix: true)
    {
        public override double Forward(double a, double b) => a - b;
        public override (double DyDa, double DyDb) Derivatives(double a, double b, double y) => (1, -1);
        public override string DerivativeFormula(int index, string a, string b, string y) => index == 0 ? "1" : "-1";
    }

    private sealed class MultiplyOp() : BinaryScalarOp("*", infix: true)
    {
        public override double Forward(double a, double b) => a * b;
        public override (double DyDa, double DyDb) Derivatives(double a, double b, double y) => (b, a);
        public override string DerivativeFormula(int index, string a, string b, string y) => index == 0 ? b : a;
    }

    private sealed class DivideOp() : BinaryScalarOp("/", infix: true)
    {
        public override double Forward(double a, double b) => a / b;
        // −y/b rather than −a/b²: b² underflows (or overflows) long before a/b does.
        public override (double DyDa, double DyDb) Derivatives(double a, double b, double y) => (1 / b, -y / b);
        public override string DerivativeFormula(int index, string a, string b, string y) =>
            index == 0 ? $"1/{b}" : $"-{a}/{b}²";
    }

    private sealed class PowerOp() : BinaryScalarOp("^", infix: true)
    {
        public override double Forward(double a, double b) => Math.Pow(a, b);

        public override (double DyDa, double DyDb) Derivatives(double a, double b, double y) =>
            // At a = 0 with b ≥ 0, y·ln a is 0·(−∞); like PyTorch, take the limit 0 rather than NaN.
            (b == 0 ? 0 : b * Math.Pow(a, b - 1), a == 0 && b >= 0 ? 0 : y * Math.Log(a));

        public override string DerivativeFormula(int index, string a, string b, string y) =>
            index == 0 ? $"{b}·{a}^({b} - 1)" : $"{y}·log({a})";
    }

    private sealed class PowerOfConstantOp(double exponent) : UnaryScalarOp("^")
    {
        // n = 0 would give 0·x^−1, NaN at x = 0; the derivative of the constant x^0 is 0 everywhere.
        public override double Forward(double x) => Math.Pow(x, exponent);
        public override double Derivative(double x, double y) => exponent == 0 ? 0 : exponent * Math.Pow(x, exponent - 1);

        public override string DerivativeFormula(string x, string y) => exponent switch
        {
            0 => "0",
            1 => "1",
            2 => $"2·{x}",
            _ => $"{Atom(exponent)}·{x}^{Atom(exponent - 1)}",
        };

        internal override string FormatDefinition(IReadOnlyList<string> inputNames) => $"{inputNames[0]}^{Atom(exponent)}";
    }

    private sealed class NegateOp() : UnaryScalarOp("neg")
    {
        public override double Forward(double x) => -x;
        public override double Derivative(double x, double y) => -1;
        public override string DerivativeFormula(string x, string y) => "-1";
        internal override string FormatDefinition(IReadOnlyList<string> inputNames) => $"-{inputNames[0]}";
    }

    private sealed class ExpOp() : UnaryScalarOp("exp")
    {
        public override double Forward(double x) => Math.Exp(x);
        public override double Derivative(double x, double y) => y;
        public override string DerivativeFormula(string x, string y) => y;
    }

    private sealed class LogOp() : UnaryScalarOp("log")
    {
        public override double Forward(double x) => Math.Log(x);
        public override double Derivative(double x, double y) => 1 / x;
        public override string DerivativeFormula(string x, string y) => $"1/{x}";
    }

    private sealed class SqrtOp() : UnaryScalarOp("sqrt")
    {
        public override double Forward(double x) => Math.Sqrt(x);
        public override double Derivative(double x, double y) => 0.5 / y;
        public override string DerivativeFormula(string x, string y) => $"1/(2·{y})";
    }

    private sealed class AbsOp() : UnaryScalarOp("abs")
    {
        public override double Forward(double x) => Math.Abs(x);
        // Not Math.Sign, which throws on NaN.
        public override double Derivative(double x, double y) => x > 0 ? 1 : x < 0 ? -1 : 0;
        public override string DerivativeFormula(string x, string y) => $"sign({x})";
    }

    private sealed class SinOp() : UnaryScalarOp("sin")
    {
        public override double Forward(double x) => Math.Sin(x);
        public override double Derivative(double x, double y) => Math.Cos(x);
        public override string DerivativeFormula(string x, string y) => $"cos({x})";
    }

    private sealed class CosOp() : UnaryScalarOp("cos")
    {
        public override double Forward(double x) => Math.Cos(x);
        public override double Derivative(double x, double y) => -Math.Sin(x);
        public override string DerivativeFormula(string x, string y) => $"-sin({x})";
    }

    private sealed class TanhOp() : UnaryScalarOp("tanh")
    {
        public override double Forward(double x) => Math.Tanh(x);
        public override double Derivative(double x, double y) => 1 - y * y;
        public override string DerivativeFormula(string x, string y) => $"1 - {y}²";
    }

    private sealed class SigmoidOp() : UnaryScalarOp("sigmoid")
    {
        // Two branches so that e^x never overflows: for x < 0 use e^x/(1 + e^x).
        public override double Forward(double x)
        {
            if (x >= 0) return 1 / (1 + Math.Exp(-x));
            double e = Math.Exp(x);
            return e / (1 + e);
        }

        public override double Derivative(double x, double y) => y * (1 - y);
        public override string DerivativeFormula(string x, string y) => $"{y}·(1 - {y})";
    }

    private sealed class ReluOp() : UnaryScalarOp("relu")
    {
        // NaN passes through, as in PyTorch, rather than becoming 0.
        public override double Forward(double x) => x > 0 || double.IsNaN(x) ? x : 0;
        public override double Derivative(double x, double y) => x > 0 ? 1 : 0;
        public override string DerivativeFormula(string x, string y) => $"[{x} > 0]";
    }
}
