using System.Text;
using Autograd.Graph;

namespace Autograd.Visualization;

/// <summary>
/// Writes a computation graph as a Mermaid flowchart, which GitHub renders inside Markdown: a box per value with
/// its name, data and gradient, and a circle per operation.
/// </summary>
public static class MermaidWriter
{
    /// <summary>The Mermaid text of the graph that ends at <paramref name="root"/>.</summary>
    /// <param name="root">The output node; every node it depends on is drawn.</param>
    public static string Write(Node root)
    {
        var names = NodeNames.For(root);
        var text = new StringBuilder("flowchart LR\n");
        foreach (Node node in names.Order)
        {
            string id = names.Id(node);
            if (node.IsConstant)
            {
                text.Append($"  {id}([\"{Escape(names[node])}\"])\n");
                continue;
            }

            text.Append($"  {id}[\"{Escape(names[node])}<br/>data {Escape(node.FormatData())}<br/>grad {Escape(node.FormatGrad())}\"]\n");
            if (node.IsLeaf) continue;
            text.Append($"  {id}_op((\"{Escape(node.Operation)}\"))\n");
            for (int i = 0; i < node.InputCount; i++)
                text.Append($"  {names.Id(node.GetInput(i))} --> {id}_op\n");
            text.Append($"  {id}_op --> {id}\n");
        }

        return text.ToString();
    }

    // Mermaid reads #...; entity codes inside quoted labels (so a literal # must be one too, and first); a raw quote
    // would end the label, and a leading backtick would start its markdown syntax.
    private static string Escape(string text) =>
        text.Replace("#", "#35;", StringComparison.Ordinal)
            .Replace("\"", "#quot;", StringComparison.Ordinal)
            .Replace("&", "#amp;", StringComparison.Ordinal)
            .Replace("`", "#96;", StringComparison.Ordinal)
            .Replace("<", "#lt;", StringComparison.Ordinal)
            .Replace(">", "#gt;", StringComparison.Ordinal);
}
