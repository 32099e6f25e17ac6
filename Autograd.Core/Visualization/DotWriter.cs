using System.Text;
using Autograd.Graph;

namespace Autograd.Visualization;

/// <summary>
/// Writes a computation graph in Graphviz DOT, in the style of micrograd's and torchviz's pictures: a record per
/// value with its name, data and gradient, and a round node for each operation, drawn left to right.
/// </summary>
public static class DotWriter
{
    /// <summary>The DOT text of the graph that ends at <paramref name="root"/>.</summary>
    /// <param name="root">The output node; every node it depends on is drawn.</param>
    public static string Write(Node root)
    {
        var names = NodeNames.For(root);
        var dot = new StringBuilder();
        dot.Append("digraph autograd {\n");
        dot.Append("  graph [rankdir=LR];\n");
        dot.Append("  node [fontname=\"Helvetica\", fontsize=11];\n");
        foreach (Node node in names.Order)
        {
            string id = names.Id(node);
            if (node.IsConstant)
            {
                dot.Append($"  {id} [shape=box, style=rounded, label=\"{Escape(names[node])}\"];\n");
                continue;
            }

            dot.Append($"  {id} [shape=record, label=\"{{ {Escape(names[node])} | data {Escape(node.FormatData())} | grad {Escape(node.FormatGrad())} }}\"];\n");
            if (node.IsLeaf) continue;
            dot.Append($"  {id}_op [shape=circle, label=\"{Escape(node.Operation)}\"];\n");
            for (int i = 0; i < node.InputCount; i++)
                dot.Append($"  {names.Id(node.GetInput(i))} -> {id}_op;\n");
            dot.Append($"  {id}_op -> {id};\n");
        }

        dot.Append("}\n");
        return dot.ToString();
    }

    /// <summary>The longest label piece written; Graphviz rejects a label over 16,384 characters.</summary>
    private const int MaxLabel = 2000;

    // Record labels give { } | < > a meaning; quotes and backslashes end or escape the string; Graphviz reads &...;
    // as an entity, a line break as the end of the string, and stops at a NUL.
    private static string Escape(string text)
    {
        if (text.Length > MaxLabel) text = text[..(MaxLabel - 1)] + "…";
        var escaped = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c == '&') escaped.Append("&amp;");
            else if (c == '\n') escaped.Append("\\n");
            else if (char.IsControl(c)) escaped.Append(' ');
            else
            {
                if (c is '{' or '}' or '|' or '<' or '>' or '"' or '\\') escaped.Append('\\');
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
