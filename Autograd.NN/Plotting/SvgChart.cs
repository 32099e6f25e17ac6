using System.Globalization;
using System.Text;

namespace Autograd.NN;

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
        for (int i = 0; i <= 4; i++)
        {
            double xv = frame.MinX + (frame.MaxX - frame.MinX) * i / 4, yv = frame.MinY + (frame.MaxY - frame.MinY) * i / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{frame.X(xv):0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{Tick(xv)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{frame.Y(yv) + 4:0.#}\" text-anchor=\"end\">{Tick(yv)}</text>\n");
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

    private static string Tick(double value) => value.ToString(Math.Abs(value) >= 10_000 ? "0.##E+0" : "0.###", CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Maps data coordinates to the plot area, with a 5% margin.</summary>
    private sealed class Frame
    {
        public Frame(IReadOnlyList<(double X, double Y)> points)
        {
            (MinX, MaxX) = Range(points.Select(p => p.X));
            (MinY, MaxY) = Range(points.Select(p => p.Y));
        }

        public double MinX { get; }

        public double MaxX { get; }

        public double MinY { get; }

        public double MaxY { get; }

        public double X(double x) => Left + (x - MinX) / (MaxX - MinX) * (Width - Left - Right);

        public double Y(double y) => Height - Bottom - (y - MinY) / (MaxY - MinY) * (Height - Top - Bottom);

        private static (double, double) Range(IEnumerable<double> values)
        {
            double min = values.Min(), max = values.Max();
            if (max - min < 1e-12) (min, max) = (min - 1, max + 1);
            double pad = (max - min) * 0.05;
            return (min - pad, max + pad);
        }
    }
}
