namespace Autograd.NN.Data;

/// <summary>The small synthetic problems of the classic texts, generated deterministically from a seed.</summary>
public static class SyntheticData
{
    /// <summary>XOR: the four corners of the unit square, labelled 1 when exactly one coordinate is 1.</summary>
    public static Dataset<float> Xor() => new([0, 0, 0, 1, 1, 0, 1, 1], 2, [0, 1, 1, 0], 2);

    /// <summary>Two interleaving half circles with Gaussian noise (scikit-learn's make_moons).</summary>
    public static Dataset<float> TwoMoons(int count, double noise, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * 2];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 2;
            double angle = Math.PI * random.NextDouble();
            double x = label == 0 ? Math.Cos(angle) : 1 - Math.Cos(angle);
            double y = label == 0 ? Math.Sin(angle) : 0.5 - Math.Sin(angle);
            features[2 * i] = (float)(x + noise * Normal(random));
            features[2 * i + 1] = (float)(y + noise * Normal(random));
            labels[i] = label;
        }

        return new Dataset<float>(features, 2, labels, 2);
    }

    /// <summary>
    /// <paramref name="classes"/> interleaved spiral arms (CS231n's spiral data): a problem no linear model solves.
    /// </summary>
    public static Dataset<float> Spirals(int perClass, int classes, double noise, int seed)
    {
        var random = new Random(seed);
        var features = new float[perClass * classes * 2];
        var labels = new int[perClass * classes];
        for (int c = 0; c < classes; c++)
        {
            for (int i = 0; i < perClass; i++)
            {
                int k = c * perClass + i;
                double radius = (double)i / perClass;
                double angle = c * 4.0 + 4.0 * i / perClass + noise * Normal(random);
                features[2 * k] = (float)(radius * Math.Sin(angle));
                features[2 * k + 1] = (float)(radius * Math.Cos(angle));
                labels[k] = c;
            }
        }

        return new Dataset<float>(features, 2, labels, classes);
    }

    /// <summary>Points on either side of the line w·x + b = 0 (w = (1, −2), b = 0.5), at least <paramref name="margin"/> from it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="margin"/> is not in [0, <see cref="MaxMargin"/>).</exception>
    public static Dataset<float> LinearlySeparable(int count, double margin, int seed)
    {
        // The square reaches 2.46 from the line on its narrower side: a margin near that would leave almost no room
        // for the samples of one class, and past it none at all.
        if (!(margin >= 0 && margin < MaxMargin))
            throw new ArgumentOutOfRangeException(nameof(margin), margin, $"linearly separable data: the margin must be in [0, {MaxMargin})");
        var random = new Random(seed);
        var features = new float[count * 2];
        var labels = new int[count];
        double norm = Math.Sqrt(5);
        for (int i = 0; i < count;)
        {
            double x = random.NextDouble() * 4 - 2, y = random.NextDouble() * 4 - 2;
            double distance = (x - 2 * y + 0.5) / norm;
            if (Math.Abs(distance) < margin) continue;
            features[2 * i] = (float)x;
            features[2 * i + 1] = (float)y;
            labels[i++] = distance > 0 ? 1 : 0;
        }

        return new Dataset<float>(features, 2, labels, 2);
    }

    /// <summary>The largest margin <see cref="LinearlySeparable"/> accepts (exclusive).</summary>
    public const double MaxMargin = 1;

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
