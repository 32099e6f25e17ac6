using System.Text;
using Autograd.Graph;

namespace Autograd.Visualization;

/// <summary>
/// Writes a computation graph as an indented text tree, output at the top and inputs below it, for terminals.
/// A node that feeds several consumers is drawn in full once and referred to by name afterwards.
/// </summary>
public static class TreeWriter
{
    /// <summary>The text tree of the graph that ends at <paramref name="root"/>.</summary>
    /// <param name="root">The output node.</param>
    /// <param name="maxDepth">How many levels to draw; deeper inputs are summarized in one line, since a chain's
    /// indentation would otherwise grow with the square of its length.</param>
    public static string Write(Node root, int maxDepth = 40)
    {
        var names = NodeNames.For(root);
        var text = new StringBuilder();
        var drawn = new HashSet<Node>(ReferenceEqualityComparer.Instance);

        // Explicit stack instead of recursion: the tree of a long chain is as deep as the chain.
        var stack = new Stack<(Node Node, string Indent, string Branch)>();
        stack.Push((root, "", ""));
        while (stack.Count > 0)
        {
            var (node, indent, branch) = stack.Pop();
            text.Append(indent).Append(branch).Append(names.Definition(node));
            if (node.IsConstant)
            {
                text.Append('\n');
                continue;
            }

            bool expanded = node.IsLeaf || drawn.Add(node);
            text.Append("   data ").Append(node.FormatData()).Append("   grad ").Append(node.FormatGrad());
            text.Append(expanded ? "\n" : "   (drawn above)\n");
            if (!expanded || node.IsLeaf) continue;

            string childIndent = indent + branch switch { "├── " => "│   ", "└── " => "    ", _ => "" };
            if (childIndent.Length / 4 >= maxDepth)
            {
                text.Append(childIndent).Append("└── … (deeper inputs not drawn)\n");
                continue;
            }

            for (int i = node.InputCount - 1; i >= 0; i--)
                stack.Push((node.GetInput(i), childIndent, i == node.InputCount - 1 ? "└── " : "├── "));
        }

        return text.ToString();
    }
}
