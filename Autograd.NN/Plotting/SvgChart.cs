using System.Globalization;
using System.Text;

namespace Autograd.NN.Plotting;

/// <summary>A named series of points for <see cref="SvgChart"/>.</summary>
/// <param name="Name">The legend text.</param>
/// <param name="Points">The points, in drawing order.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// Small self-contained SVG charts (no external tools): line charts for training curves and scatter plots with a
/// decision boundary. The output opens in any browser and renders in GitHub Markdown.
/// </summary>
public static class SvgChart
{
    private const int Width = 640, Height = 400, Left = 60, Right = 150, Top = 30, Bottom = 45;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    /// <summary>A line chart of <paramref name="series"/> with axis labels.</summary>
    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (points.Count == 0) throw new ArgumentException("chart: no finite points to draw");
        var frame = new Frame(points);
        var svg = Begin(title, xLabel, yLabel, frame);
        for (int s = 0; s < series.Count; s++)
        {
            string color = Colors[s % Colors.Length];
            string path = string.Join(" ", series[s].Points.Where(p => double.IsFinite(p.Y)).Select((p, i) => $"{(i == 0 ? 'M' : 'L')}{frame.X(p.X):0.#},{frame.Y(p.Y):0.#}"));
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>\n");
            foreach (var p in series[s].Points.Where(p => double.IsFinite(p.Y)))
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{frame.X(p.X):0.#}\" cy=\"{frame.Y(p.Y):0.#}\" r=\"2.5\" fill=\"{color}\"/>\n");
            Legend(svg, s, series[s].Name, color);
        }

        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>Points coloured by class, with the line w·x + b = 0 drawn across the plot when given.</summary>
    public static string Scatter(string title, IReadOnlyList<(double X, double Y, int Class)> points, (double W0, double W1, double B)? boundary = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) throw new ArgumentException("chart: no points to draw");
        var frame = new Frame([.. points.Select(p => (p.X, p.Y))]);
        var svg = Begin(title, "x₁", "x₂", frame);
        foreach (var (x, y, c) in points)
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{frame.X(x):0.#}\" cy=\"{frame.Y(y):0.#}\" r=\"3\" fill=\"{Colors[c % Colors.Length]}\" fill-opacity=\"0.8\"/>\n");
        foreach (int c in points.Select(p => p.Class).Distinct().Order())
            Legend(svg, c, $"class {c}", Colors[c % Colors.Length]);
        if (boundary is { } line)
        {
            // w0·x + w1·y + b = 0, drawn between the frame's x limits (or y limits for a vertical line).
            var (a, b, c0) = line;
            (double, double) At(double x) => (x, -(a * x + c0) / b);
            var ends = Math.Abs(b) > 1e-12
                ? new[] { At(frame.MinX), At(frame.MaxX) }
                : [(-c0 / a, frame.MinY), (-c0 / a, frame.MaxY)];
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{frame.X(ends[0].Item1):0.#}\" y1=\"{frame.Y(ends[0].Item2):0.#}\" x2=\"{frame.X(ends[1].Item1):0.#}\" y2=\"{frame.Y(ends[1].Item2):0.#}\" stroke=\"black\" stroke-width=\"2\" stroke-dasharray=\"6 4\" clip-path=\"url(#plot)\"/>\n");
            Legend(svg, points.Select(p => p.Class).Distinct().Count(), "decision boundary", "black");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static StringBuilder Begin(string title, string xLabel, string yLabel, Frame frame)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<clipPath id=\"plot\"><rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\"/></clipPath>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#888\"/>\n");
        foreach (double xv in frame.XTicks)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{frame.X(xv):0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{Tick(xv, frame.XStep)}</text>\n");
        foreach (double yv in frame.YTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{frame.Y(yv) + 4:0.#}\" text-anchor=\"end\">{Tick(yv, frame.YStep)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{frame.Y(yv):0.#}\" x2=\"{Width - Right}\" y2=\"{frame.Y(yv):0.#}\" stroke=\"#eee\"/>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {(Top + Height - Bottom) / 2})\">{Escape(yLabel)}</text>\n");
        return svg;
    }

    private static void Legend(StringBuilder svg, int index, string name, string color)
    {
        int y = Top + 10 + 18 * index;
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Width - Right + 12}\" y=\"{y - 8}\" width=\"12\" height=\"4\" fill=\"{color}\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right + 30}\" y=\"{y - 2}\">{Escape(name)}</text>\n");
    }

    /// <summary>
    /// Axis ticks at nice numbers (Heckbert's "Nice numbers for graph labels", Graphics Gems, 1990): about
    /// <paramref name="count"/> ticks a step of 1, 2 or 5 × 10^k apart: the multiples of the step from
    /// <paramref name="min"/> to <paramref name="max"/>. The axis keeps its own ends, as matplotlib's does, so the
    /// data fills the plot (epochs 1 to 60 tick at 0, 20, 40, 60 instead of stretching the axis to −20 and 80).
    /// </summary>
    /// <returns>The ticks, in increasing order, and the step between them.</returns>
    /// <exception cref="ArgumentException">A bound is not finite, or <paramref name="max"/> is below <paramref name="min"/>.</exception>
    public static (IReadOnlyList<double> Ticks, double Step) NiceTicks(double min, double max, int count = 5)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || max < min) throw new ArgumentException($"chart: no axis from {min} to {max}");
        if (max - min < 1e-12 * Math.Max(1, Math.Abs(min))) (min, max) = (min - 1, max + 1);
        double step = Nice((max - min) / Math.Max(count - 1, 1), round: true);
        // Multiples of the step, each computed from its index, so no rounding error accumulates along the axis.
        // A tick on an end is kept though min / step may land a rounding error past it.
        long first = (long)Math.Ceiling(min / step - 1e-9), last = (long)Math.Floor(max / step + 1e-9);
        var ticks = new List<double>();
        for (long k = first; k <= last; k++) ticks.Add(Clean(k * step, step));
        return (ticks, step);
    }

    /// <summary>The nice number (1, 2 or 5 × 10^k) nearest <paramref name="x"/> when rounding, else the smallest at or above it.</summary>
    private static double Nice(double x, bool round)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(x)));
        double fraction = x / power;
        double nice = round
            ? fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
            : fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    /// <summary>A tick rounded to the step's decimals, so 3 × 0.1 is 0.3, not 0.30000000000000004.</summary>
    private static double Clean(double tick, double step)
    {
        int decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step)), 0, 15);
        double rounded = Math.Round(tick, decimals);
        return rounded == 0 ? 0 : rounded;
    }

    /// <summary>A tick label with as many decimals as the step has (0.5 steps: 0.5, 1.0, 1.5), in scientific form for very large or small numbers.</summary>
    private static string Tick(double value, double step)
    {
        if (Math.Abs(value) >= 1e6 || step < 1e-4) return value.ToString("0.###E+0", CultureInfo.InvariantCulture);
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Maps data coordinates to the plot area, with a 5% margin, and places the nice ticks inside it.</summary>
    private sealed class Frame
    {
        public Frame(IReadOnlyList<(double X, double Y)> points)
        {
            (MinX, MaxX, XTicks, XStep) = Axis(points.Select(p => p.X));
            (MinY, MaxY, YTicks, YStep) = Axis(points.Select(p => p.Y));
        }

        public IReadOnlyList<double> XTicks { get; }

        public double XStep { get; }

        public IReadOnlyList<double> YTicks { get; }

        public double YStep { get; }

        public double MinX { get; }

        public double MaxX { get; }

        public double MinY { get; }

        public double MaxY { get; }

        public double X(double x) => Left + (x - MinX) / (MaxX - MinX) * (Width - Left - Right);

        public double Y(double y) => Height - Bottom - (y - MinY) / (MaxY - MinY) * (Height - Top - Bottom);

        private static (double Min, double Max, IReadOnlyList<double> Ticks, double Step) Axis(IEnumerable<double> values)
        {
            double min = values.Min(), max = values.Max();
            if (max - min < 1e-12) (min, max) = (min - 1, max + 1);
            double pad = (max - min) * 0.05;
            var (ticks, step) = NiceTicks(min - pad, max + pad);
            return (min - pad, max + pad, ticks, step);
        }
    }
}
