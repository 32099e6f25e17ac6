using Autograd.NN;
using Autograd.NN.Optimizers;

namespace Autograd.Tests.NN;

/// <summary>
/// The optimizers' vectorized updates against their formulas written as plain scalar loops: every length from 0 to 70
/// (so every vector width's tail is exercised), three steps, bit for bit, since each lane computes what the scalar
/// code computes in the same order.
/// </summary>
public sealed class OptimizerKernelTests
{
    private const int Steps = 3;

    [TestCase(0.9, false, 0.0)]
    [TestCase(0.9, true, 0.01)]
    [TestCase(0.0, false, 0.01)]
    public void SgdMatchesItsScalarFormula(double momentum, bool nesterov, double weightDecay)
    {
        const float lr = 0.1f;
        for (int length = 0; length <= 70; length++)
        {
            (Tensor<float> parameter, float[][] gradients) = Problem(length);
            var optimizer = new Sgd<float>([parameter], lr, momentum, nesterov, weightDecay);
            float[] p = parameter.ToArray(), buffer = new float[length];
            float mu = (float)momentum, decay = (float)weightDecay;
            for (int step = 0; step < Steps; step++)
            {
                parameter.Grad = Tensor.FromArray(gradients[step], length);
                optimizer.Step();
                for (int i = 0; i < length; i++)
                {
                    float d = gradients[step][i] + decay * p[i];
                    if (momentum != 0)
                    {
                        buffer[i] = step == 0 ? d : mu * buffer[i] + d;
                        d = nesterov ? d + mu * buffer[i] : buffer[i];
                    }

                    p[i] -= lr * d;
                }

                Assert.That(parameter.ToArray(), Is.EqualTo(p).AsCollection, $"length {length}, step {step + 1}");
            }
        }
    }

    [TestCase(false, 0.0)]
    [TestCase(false, 0.01)]
    [TestCase(true, 0.01)]
    public void AdamMatchesItsScalarFormula(bool decoupled, double weightDecay)
    {
        const double lr = 0.01, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        for (int length = 0; length <= 70; length++)
        {
            (Tensor<float> parameter, float[][] gradients) = Problem(length);
            Optimizer<float> optimizer = decoupled
                ? new AdamW<float>([parameter], lr, beta1, beta2, epsilon, weightDecay)
                : new Adam<float>([parameter], lr, beta1, beta2, epsilon, weightDecay);
            float[] p = parameter.ToArray(), m = new float[length], v = new float[length];
            float b1 = (float)beta1, b2 = (float)beta2, eps = (float)epsilon, rate = (float)lr, decay = (float)weightDecay;
            for (int step = 0; step < Steps; step++)
            {
                parameter.Grad = Tensor.FromArray(gradients[step], length);
                optimizer.Step();
                float correction1 = (float)(1 - Math.Pow(beta1, step + 1));
                float root2 = (float)Math.Sqrt(1 - Math.Pow(beta2, step + 1));
                for (int i = 0; i < length; i++)
                {
                    float g = gradients[step][i];
                    if (decoupled) p[i] -= rate * decay * p[i];
                    else g += decay * p[i];
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    p[i] -= rate / correction1 * m[i] / (MathF.Sqrt(v[i]) / root2 + eps);
                }

                Assert.That(parameter.ToArray(), Is.EqualTo(p).AsCollection, $"length {length}, step {step + 1}");
            }
        }
    }

    private static (Tensor<float> Parameter, float[][] Gradients) Problem(int length)
    {
        var random = new Random(length);
        float[] Draw() => [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        Tensor<float> parameter = Tensor.FromArray(Draw(), length).RequireGrad();
        return (parameter, [.. Enumerable.Range(0, Steps).Select(_ => Draw())]);
    }
}
