using Autograd.Graph;

namespace Autograd.Engine;

/// <summary>
/// The backward pass of scalar graphs. It walks the same topological order as
/// <see cref="GraphTraversal.TopologicalOrder"/>, specialized to <see cref="Value"/>'s two input fields:
/// scalar programs record one node per arithmetic operation, so the per-node cost of the walk is the cost of the
/// whole backward pass, and virtual input accessors would double it.
/// </summary>
internal static class ScalarBackward
{
    /// <summary>Reused per thread, so a training loop's backward passes allocate nothing once warmed up.</summary>
    [ThreadStatic] private static Buffers? t_buffers;

    /// <summary>Backpropagates from <paramref name="root"/>, an operation node, with seed gradient 1.</summary>
    public static void Run(Value root)
    {
        // Taken from the thread while in use: a custom op's derivative may itself run a backward pass, which then
        // gets buffers of its own instead of clearing these.
        Buffers buffers = t_buffers ?? new Buffers();
        t_buffers = null;
        int count = Sort(root, buffers);
        Value[] order = buffers.Order;
        try
        {
            for (int i = 0; i < count; i++) order[i].Grad = 0;
            root.Grad = 1;
            for (int i = count - 1; i >= 0; i--)
            {
                Value node = order[i];
                node.Op!.Backward(node);
            }
        }
        finally
        {
            // Drop the references so the buffers do not keep a finished graph alive.
            Array.Clear(order, 0, count);
            t_buffers = buffers;
        }
    }

    /// <summary>
    /// Writes the operation nodes <paramref name="root"/> depends on into <see cref="Buffers.Order"/> in topological
    /// order (inputs first, first input before second), iteratively, and returns how many there are.
    /// </summary>
    private static int Sort(Value root, Buffers buffers)
    {
        using var visited = GraphTraversal.VisitedNodes.Begin();
        Value[] stack = buffers.Stack;
        byte[] nextInput = buffers.NextInput;
        Value[] order = buffers.Order;
        int depth = 0, count = 0;
        visited.Add(root);
        stack[depth] = root;
        nextInput[depth++] = 0;
        while (depth > 0)
        {
            Value node = stack[depth - 1];
            Value? input = nextInput[depth - 1]++ switch
            {
                0 => node.InputA,
                1 => node.InputB,
                _ => null,
            };
            if (input is null && nextInput[depth - 1] > 1)
            {
                // Both inputs done: the node follows everything it depends on.
                stack[--depth] = null!;
                if (count == order.Length) order = buffers.GrowOrder();
                order[count++] = node;
            }
            else if (input is { Op: not null } && visited.Add(input))
            {
                if (depth == stack.Length) (stack, nextInput) = buffers.GrowStack();
                stack[depth] = input;
                nextInput[depth++] = 0;
            }
        }

        return count;
    }

    private sealed class Buffers
    {
        public Value[] Stack = new Value[256];
        public byte[] NextInput = new byte[256];
        public Value[] Order = new Value[256];

        public (Value[], byte[]) GrowStack()
        {
            Array.Resize(ref Stack, Stack.Length * 2);
            Array.Resize(ref NextInput, NextInput.Length * 2);
            return (Stack, NextInput);
        }

        public Value[] GrowOrder()
        {
            Array.Resize(ref Order, Order.Length * 2);
            return Order;
        }
    }
}
