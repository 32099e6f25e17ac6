using Autograd.Graph;

namespace Autograd.Visualization;

/// <summary>
/// A left-to-right layered layout of a computation graph, made in-process so pages need no Graphviz: each operation
/// one column right of its furthest input, each input one column left of its first consumer, and the nodes of a
/// column ordered by the mean position of their neighbours (the barycenter heuristic), which removes most crossings
/// in a few linear sweeps. It is linear in the graph's size per sweep, so thousands of nodes lay out in milliseconds.
/// </summary>
internal static class GraphLayout
{
    private const double ColumnGap = 56, RowHeight = 76, Margin = 24;
    private const int Sweeps = 4;

    /// <summary>The top-left corner of every node of <paramref name="order"/>, a topological order, and the size of the whole.</summary>
    /// <param name="order">The nodes, inputs before the nodes made from them.</param>
    /// <param name="widths">Each node's box width, by its index in <paramref name="order"/>.</param>
    /// <param name="height">Every box's height.</param>
    public static (double[] X, double[] Y, double Width, double Height) Place(IReadOnlyList<Node> order, double[] widths, double height)
    {
        int n = order.Count;
        var index = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < n; i++) index[order[i]] = i;
        var inputs = new List<int>[n];
        var consumers = new List<int>[n];
        for (int i = 0; i < n; i++) (inputs[i], consumers[i]) = ([], []);
        for (int i = 0; i < n; i++)
            for (int k = 0; k < order[i].InputCount; k++)
            {
                int from = index[order[i].GetInput(k)];
                inputs[i].Add(from);
                consumers[from].Add(i);
            }

        // Columns: the longest path from the inputs; an input then moves right to sit beside its first consumer.
        var column = new int[n];
        for (int i = 0; i < n; i++)
            foreach (int from in inputs[i]) column[i] = Math.Max(column[i], column[from] + 1);
        for (int i = 0; i < n; i++)
            if (inputs[i].Count == 0 && consumers[i].Count > 0) column[i] = Math.Max(0, consumers[i].Min(c => column[c]) - 1);

        int columns = n == 0 ? 0 : column.Max() + 1;
        var layers = new List<int>[columns];
        for (int c = 0; c < columns; c++) layers[c] = [];
        for (int i = 0; i < n; i++) layers[column[i]].Add(i);

        var rank = new double[n];
        void Rank(List<int> layer) { for (int r = 0; r < layer.Count; r++) rank[layer[r]] = r - (layer.Count - 1) / 2.0; }
        foreach (var layer in layers) Rank(layer);
        for (int sweep = 0; sweep < Sweeps; sweep++)
        {
            bool forward = sweep % 2 == 0;
            for (int k = 0; k < columns; k++)
            {
                var layer = layers[forward ? k : columns - 1 - k];
                var neighbours = forward ? inputs : consumers;
                // A node with no neighbour on that side keeps its place; the sort is stable.
                var keys = layer.ToDictionary(i => i, i => neighbours[i].Count == 0 ? rank[i] : neighbours[i].Average(j => rank[j]));
                var sorted = layer.OrderBy(i => keys[i]).ToList();
                layer.Clear();
                layer.AddRange(sorted);
                Rank(layer);
            }
        }

        var x = new double[n];
        var y = new double[n];
        double left = Margin, tallest = layers.Length == 0 ? 0 : layers.Max(l => l.Count);
        foreach (var layer in layers)
        {
            double width = layer.Count == 0 ? 0 : layer.Max(i => widths[i]);
            foreach (int i in layer)
            {
                x[i] = left + (width - widths[i]) / 2;
                y[i] = Margin + (rank[i] + (tallest - 1) / 2.0) * RowHeight;
            }

            left += width + ColumnGap;
        }

        return (x, y, Math.Max(left - ColumnGap + Margin, 2 * Margin), Math.Max(Margin * 2 + (tallest - 1) * RowHeight + height, 2 * Margin));
    }
}
