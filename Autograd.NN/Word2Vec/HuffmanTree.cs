namespace Autograd.NN.Word2Vec;

/// <summary>
/// The Huffman tree of hierarchical softmax, built from word counts as word2vec does: each word gets a code (the
/// branch bits from the root) and a path (the inner nodes visited, numbered 0..V−2, root last-created). Frequent
/// words get short codes, so the expected cost per word is the minimal Σ p·length.
/// </summary>
public sealed class HuffmanTree
{
    private HuffmanTree(byte[][] codes, int[][] paths) => (Codes, Paths) = (codes, paths);

    /// <summary>The branch bits of each word, root first.</summary>
    public IReadOnlyList<byte[]> Codes { get; }

    /// <summary>The inner nodes on each word's path, root first (indices into the inner-node table, 0..V−2).</summary>
    public IReadOnlyList<int[]> Paths { get; }

    /// <summary>Builds the tree; <paramref name="counts"/> need not be sorted. A single word gets an empty code.</summary>
    public static HuffmanTree Build(IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int v = counts.Count;
        if (v == 0) throw new ArgumentException("huffman: no words");
        // Nodes 0..v−1 are words, v..2v−2 inner nodes; a priority queue merges the two lightest (ties: lower index first).
        var parent = new int[2 * v - 1];
        var bit = new byte[2 * v - 1];
        var queue = new PriorityQueue<int, (long Weight, int Order)>();
        for (int i = 0; i < v; i++) queue.Enqueue(i, (counts[i], i));
        for (int inner = v; inner < 2 * v - 1; inner++)
        {
            queue.TryDequeue(out int first, out var a);
            queue.TryDequeue(out int second, out var b);
            parent[first] = inner;
            parent[second] = inner;
            bit[first] = 0;
            bit[second] = 1;
            queue.Enqueue(inner, (a.Weight + b.Weight, inner));
        }

        int root = 2 * v - 2;
        var codes = new byte[v][];
        var paths = new int[v][];
        for (int w = 0; w < v; w++)
        {
            var code = new List<byte>();
            var path = new List<int>();
            for (int node = w; node != root; node = parent[node])
            {
                code.Add(bit[node]);
                path.Add(parent[node] - v);
            }

            code.Reverse();
            path.Reverse();
            codes[w] = [.. code];
            paths[w] = [.. path];
        }

        return new HuffmanTree(codes, paths);
    }
}
