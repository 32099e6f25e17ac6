using System.Numerics;

namespace Autograd.NN.Layers;

/// <summary>
/// A piece of a model: it owns named parameters (leaf tensors that require gradients) and named sub-modules, and
/// maps an input tensor to an output tensor with engine ops, so its gradients come from <c>Backward()</c>.
/// </summary>
/// <typeparam name="T">The element type (float or double).</typeparam>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "PyTorch's name for it, which users look for.")]
public abstract class Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<KeyValuePair<string, Tensor<T>>> _parameters = [];
    private readonly List<KeyValuePair<string, Module<T>>> _children = [];

    // The names again, so a registration checks for a repeat in constant time: a model file may hold 100,000 layers.
    private readonly HashSet<string> _parameterNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _childNames = new(StringComparer.Ordinal);

    /// <summary>True in training mode (the default); <see cref="Eval"/> turns it off, which disables dropout.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The output for <paramref name="input"/>.</summary>
    public abstract Tensor<T> Forward(Tensor<T> input);

    /// <summary>The name shown by summaries: the type name by default, e.g. <c>Linear</c>.</summary>
    public virtual string DisplayName => GetType().Name.Split('`')[0];

    /// <summary>A one-line description of the layer's configuration, e.g. <c>784 → 500</c>; empty by default.</summary>
    public virtual string Describe() => "";

    /// <summary>The direct sub-modules with their names, in registration order.</summary>
    public IReadOnlyList<KeyValuePair<string, Module<T>>> Children => _children;

    /// <summary>Every parameter of this module and its sub-modules, depth first, with dotted names (<c>0.weight</c>).</summary>
    public IEnumerable<KeyValuePair<string, Tensor<T>>> NamedParameters()
    {
        // An explicit stack: models can be deep (long Sequential chains, unrolled cells).
        var stack = new Stack<(string Prefix, Module<T> Module, int Child)>();
        stack.Push(("", this, -1));
        while (stack.Count > 0)
        {
            var (prefix, module, child) = stack.Pop();
            if (child < 0)
            {
                foreach (var (name, p) in module._parameters) yield return KeyValuePair.Create(prefix + name, p);
                child = 0;
            }

            if (child < module._children.Count)
            {
                stack.Push((prefix, module, child + 1));
                var (name, sub) = module._children[child];
                stack.Push((prefix + name + ".", sub, -1));
            }
        }
    }

    /// <summary>Every parameter, as <see cref="NamedParameters"/> without the names.</summary>
    public IEnumerable<Tensor<T>> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>The number of scalar parameters.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Size);

    /// <summary>Clears the gradient of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (Tensor<T> p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Switches this module and its sub-modules to training mode; returns this module.</summary>
    public Module<T> Train() => SetTraining(true);

    /// <summary>Switches this module and its sub-modules to evaluation mode (no dropout); returns this module.</summary>
    public Module<T> Eval() => SetTraining(false);

    private Module<T> SetTraining(bool training)
    {
        var stack = new Stack<Module<T>>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            Module<T> module = stack.Pop();
            module.Training = training;
            foreach (var (_, child) in module._children) stack.Push(child);
        }

        return this;
    }

    /// <summary>Registers <paramref name="parameter"/> under <paramref name="name"/>, makes it require gradients and returns it.</summary>
    protected Tensor<T> RegisterParameter(string name, Tensor<T> parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(parameter);
        if (!_parameterNames.Add(name)) throw new ArgumentException($"{DisplayName}: a parameter named '{name}' is already registered");
        parameter.RequiresGrad = true;
        parameter.Label ??= name;
        _parameters.Add(KeyValuePair.Create(name, parameter));
        return parameter;
    }

    /// <summary>Registers <paramref name="module"/> as a sub-module under <paramref name="name"/> and returns it.</summary>
    protected TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(module);
        if (!_childNames.Add(name)) throw new ArgumentException($"{DisplayName}: a sub-module named '{name}' is already registered");
        _children.Add(KeyValuePair.Create(name, (Module<T>)module));
        return module;
    }
}
