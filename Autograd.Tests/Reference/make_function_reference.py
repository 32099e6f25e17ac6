#!/usr/bin/env python3
"""Reference values for every elementwise function of the CLI language, computed by PyTorch in float64.

Each case is a program in the autograd CLI's language, tagged with the function it exercises. It is translated to
Python (`^` becomes `**`, functions become the torch functions of the same meaning), run with every input a
float64 leaf tensor, and backpropagated with PyTorch's autograd.

Scalar cases bind numbers only, so the CLI runs them on `Value`s; besides the value and the gradient they hold
the Hessian (by double backward), for checking second derivatives. Tensor cases bind at least one JSON list, so
the CLI runs them on float64 tensors; their output is one number (they end with sum), and the file holds the
value and every input's gradient as nested lists (a number for a 0-d input).
Every number written is finite; a Hessian PyTorch gets wrong (NaN, or lost to rounding) is written as null.

The points include where functions are numerically delicate (softplus(-30), log_sigmoid(40), expm1(1e-10), ...),
some inside a log that turns a relative error into an absolute one, and the kinks where PyTorch picks a
subgradient: relu(0) and abs(0) give 0, leaky_relu(0) gives the negative slope 0.01, clamp at a bound gives 1,
and minimum or maximum of equal operands gives each side half. softplus switches to the identity above
x = 20 (its threshold), so its points stay below 15, where the value does not depend on that.

Run with Debian's interpreter, where python3-torch lives:
    /usr/bin/python3 Autograd.Tests/Reference/make_function_reference.py > Autograd.Tests/Reference/function_reference.json
"""
import json
import math
import sys
import torch
import torch.nn.functional as F
from cli_programs import run_program

# The elementwise functions of the language; pow is the operator ^.
FUNCTIONS_COVERED = [
    "exp", "log", "sqrt", "abs", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "leaky_relu", "elu", "gelu", "erf",
    "silu", "softplus", "log_sigmoid", "log1p", "expm1", "clamp", "minimum", "maximum", "pow", "asinh",
]

# function, program, bindings: numbers only; and, for a case whose Hessian PyTorch gets wrong, why it is left out.
SCALAR_CASES = [
    ("exp", "f = exp(x)", {"x": -1.3}),
    ("exp", "f = exp(x)", {"x": 0.7}),
    ("exp", "f = exp(x)", {"x": 20.0}),
    ("exp", "f = exp(x) * y", {"x": 2.5, "y": -0.4}),

    ("log", "f = log(x)", {"x": 0.3}),
    ("log", "f = log(x)", {"x": 7.5}),
    ("log", "f = log(x)", {"x": 1e-100}),
    ("log", "f = log(x * y)", {"x": 2.0, "y": 0.05}),

    ("sqrt", "f = sqrt(x)", {"x": 0.04}),
    ("sqrt", "f = sqrt(x)", {"x": 9.0}),
    ("sqrt", "f = sqrt(x)", {"x": 1e-20}),
    ("sqrt", "f = sqrt(x * x + y * y)", {"x": 3.0, "y": -4.0}),

    ("abs", "f = abs(x)", {"x": -2.5}),
    ("abs", "f = abs(x)", {"x": 0.75}),
    # The kink: PyTorch's sign(0) is 0.
    ("abs", "f = abs(x)", {"x": 0.0}),
    ("abs", "f = abs(x - y) * x", {"x": 0.4, "y": 1.1}),

    ("sin", "f = sin(x)", {"x": -2.0}),
    ("sin", "f = sin(x)", {"x": 0.5}),
    ("sin", "f = sin(x)", {"x": 100.0}),
    ("sin", "f = sin(x) * y", {"x": 1.2, "y": -3.0}),

    ("cos", "f = cos(x)", {"x": -2.0}),
    ("cos", "f = cos(x)", {"x": 0.5}),
    ("cos", "f = cos(x)", {"x": 100.0}),
    ("cos", "f = cos(x * y)", {"x": 0.7, "y": -1.9}),

    ("tan", "f = tan(x)", {"x": -1.2}),
    ("tan", "f = tan(x)", {"x": 0.0}),
    ("tan", "f = tan(x)", {"x": 0.4}),
    # Near the pole at π/2.
    ("tan", "f = tan(x)", {"x": 1.5}),
    ("tan", "f = tan(x) * y", {"x": 0.9, "y": 2.5}),

    ("tanh", "f = tanh(x)", {"x": -0.8}),
    ("tanh", "f = tanh(x)", {"x": 2.0}),
    ("tanh", "f = tanh(x)", {"x": 20.0}),
    ("tanh", "f = tanh(x * y)", {"x": 0.6, "y": -1.5}),

    ("sigmoid", "f = sigmoid(x)", {"x": -40.0}),
    ("sigmoid", "f = sigmoid(x)", {"x": -2.0}),
    ("sigmoid", "f = sigmoid(x)", {"x": 0.5}),
    ("sigmoid", "f = sigmoid(x)", {"x": 40.0}),
    ("sigmoid", "f = log(sigmoid(x))", {"x": -40.0}),
    ("sigmoid", "f = sigmoid(x) * y + x", {"x": 1.3, "y": -0.7}),

    ("relu", "f = relu(x)", {"x": -1.5}),
    ("relu", "f = relu(x)", {"x": 2.5}),
    # The kink: PyTorch's gradient at 0 is 0.
    ("relu", "f = relu(x)", {"x": 0.0}),
    ("relu", "f = relu(x - y) * y", {"x": 1.0, "y": 0.25}),

    ("leaky_relu", "f = leaky_relu(x)", {"x": -3.0}),
    ("leaky_relu", "f = leaky_relu(x)", {"x": 0.5}),
    # The kink: PyTorch takes the negative side's slope, 0.01 (x > 0 ? 1 : slope).
    ("leaky_relu", "f = leaky_relu(x)", {"x": 0.0}),
    ("leaky_relu", "f = leaky_relu(x * y)", {"x": -2.0, "y": 1.5}),

    ("elu", "f = elu(x)", {"x": -3.0}),
    ("elu", "f = elu(x)", {"x": -0.2}),
    ("elu", "f = elu(x)", {"x": 1.4}),
    # α = 1: both sides have slope 1 at 0. The second derivative has no value there (α from the left, 0 from the
    # right); PyTorch's first derivative takes the left side and its second the right, so no Hessian is recorded.
    ("elu", "f = elu(x)", {"x": 0.0}, "the second derivative of elu has no value at 0 (left α, right 0)"),
    ("elu", "f = elu(x) * y", {"x": -1.1, "y": 2.0}),

    # gelu with erf, as torch's approximate='none'.
    ("gelu", "f = gelu(x)", {"x": -6.0}),
    ("gelu", "f = gelu(x)", {"x": -1.0}),
    ("gelu", "f = gelu(x)", {"x": 0.3}),
    ("gelu", "f = gelu(x)", {"x": 2.5}),
    ("gelu", "f = gelu(x) * y", {"x": -0.4, "y": 1.7}),

    ("erf", "f = erf(x)", {"x": 4.0}),
    ("erf", "f = erf(x)", {"x": -0.5}),
    ("erf", "f = erf(x)", {"x": 0.1}),
    # erf(x) ≈ 2x/√π near 0; the log shows a relative error.
    ("erf", "f = log(erf(x))", {"x": 1e-9}),
    ("erf", "f = erf(x * y)", {"x": 0.8, "y": -1.25}),

    ("silu", "f = silu(x)", {"x": -3.0}),
    ("silu", "f = silu(x)", {"x": 0.0}),
    ("silu", "f = silu(x)", {"x": 1.7}),
    ("silu", "f = silu(x)", {"x": -20.0}),
    ("silu", "f = silu(x) * y + exp(x)", {"x": 0.6, "y": -2.0}),

    ("softplus", "f = softplus(x)", {"x": -30.0}),
    ("softplus", "f = softplus(x)", {"x": -1.0}),
    ("softplus", "f = softplus(x)", {"x": 0.5}),
    ("softplus", "f = softplus(x)", {"x": 12.0}),
    # softplus(-30) ≈ e^-30: log(1 + e^-30) computed as written loses it, log1p keeps it.
    ("softplus", "f = log(softplus(x))", {"x": -30.0}),
    ("softplus", "f = softplus(x * y)", {"x": 1.5, "y": -2.0}),

    ("log_sigmoid", "f = log_sigmoid(x)", {"x": -30.0}),
    ("log_sigmoid", "f = log_sigmoid(x)", {"x": 40.0}),
    ("log_sigmoid", "f = log_sigmoid(x)", {"x": -1.0}),
    ("log_sigmoid", "f = log_sigmoid(x)", {"x": 2.0}),
    # log(sigmoid(-800)) would be log(0).
    ("log_sigmoid", "f = log_sigmoid(x)", {"x": -800.0}),
    # -log_sigmoid(40) ≈ e^-40, which log(sigmoid(40)) rounds to 0.
    ("log_sigmoid", "f = log(-log_sigmoid(x))", {"x": 40.0},
     "PyTorch's second derivative of log_sigmoid, (σ(x) - 1)·σ(x), rounds to 0 beyond x ≈ 37, so its Hessian here is "
     "-1 where the true one is about 0"),
    ("log_sigmoid", "f = log_sigmoid(x * y)", {"x": 0.5, "y": -3.0}),

    ("log1p", "f = log1p(x)", {"x": 1e-12}),
    ("log1p", "f = log1p(x)", {"x": -0.5}),
    ("log1p", "f = log1p(x)", {"x": 3.0}),
    # log(1 + 1e-12) computed as written is off in the fifth digit.
    ("log1p", "f = log(log1p(x))", {"x": 1e-12}),
    ("log1p", "f = log1p(x * y)", {"x": 0.2, "y": 1.5}),

    ("expm1", "f = expm1(x)", {"x": 1e-10}),
    ("expm1", "f = expm1(x)", {"x": -2.0}),
    ("expm1", "f = expm1(x)", {"x": 1.5}),
    # exp(1e-10) - 1 computed as written is off in the eighth digit.
    ("expm1", "f = log(expm1(x))", {"x": 1e-10}),
    ("expm1", "f = expm1(x) * y", {"x": -0.3, "y": 4.0}),

    ("clamp", "f = clamp(x, -1, 2)", {"x": -3.0}),
    ("clamp", "f = clamp(x, -1, 2)", {"x": 0.5}),
    ("clamp", "f = clamp(x, -1, 2)", {"x": 5.0}),
    # At a bound PyTorch passes the gradient (lo <= x <= hi).
    ("clamp", "f = clamp(x, -1, 2)", {"x": -1.0}),
    ("clamp", "f = clamp(x, -1, 2)", {"x": 2.0}),
    ("clamp", "f = clamp(x * y, 0, 1) + x", {"x": 0.8, "y": 0.5}),

    ("minimum", "f = minimum(x, y)", {"x": 0.3, "y": -1.2}),
    ("minimum", "f = minimum(x, y)", {"x": -0.3, "y": 1.2}),
    # A tie: each side gets half.
    ("minimum", "f = minimum(x, y)", {"x": 0.7, "y": 0.7}),
    ("minimum", "f = minimum(x, x)", {"x": 0.7}),
    ("minimum", "f = minimum(x, 0.5)", {"x": 0.2}),
    ("minimum", "f = minimum(0.5, x)", {"x": 0.9}),
    ("minimum", "f = minimum(x, 0.5)", {"x": 0.5}),
    ("minimum", "f = minimum(x * y, x + y) * y", {"x": 1.5, "y": 2.0}),

    ("maximum", "f = maximum(x, y)", {"x": 0.3, "y": -1.2}),
    ("maximum", "f = maximum(x, y)", {"x": -0.3, "y": 1.2}),
    ("maximum", "f = maximum(x, y)", {"x": 0.7, "y": 0.7}),
    ("maximum", "f = maximum(x, x)", {"x": -0.7}),
    ("maximum", "f = maximum(x, 0.5)", {"x": 0.2}),
    ("maximum", "f = maximum(0.5, x)", {"x": 0.9}),
    ("maximum", "f = maximum(x, 0.5)", {"x": 0.5}),
    ("maximum", "f = maximum(x, y) * minimum(x, y)", {"x": -1.5, "y": 0.5}),

    ("pow", "f = x ^ 3", {"x": -1.4}),
    ("pow", "f = x ^ 3", {"x": 0.0}),
    ("pow", "f = x ^ -1.5", {"x": 2.3}),
    ("pow", "f = x ^ -1.5", {"x": 1e-4}),
    ("pow", "f = x ^ y", {"x": 1.7, "y": 0.6}),
    ("pow", "f = x ^ y", {"x": 0.4, "y": -2.5}),
    # At 0 with a positive exponent PyTorch takes the limit 0 for ∂/∂y = x^y·log x.
    ("pow", "f = x ^ y", {"x": 0.0, "y": 2.0},
     "PyTorch's second derivatives here are NaN: the mask that makes ∂/∂y zero is differentiated through log 0"),
    # x^0 is constant: its derivative is 0 even at 0, not 0·0^-1.
    ("pow", "f = x ^ 0", {"x": 0.0}),
    ("pow", "f = -x ^ 2 + 2 ^ x ^ 2", {"x": 0.9}),
    ("pow", "f = (x * y) ^ 2 / y ^ x", {"x": 1.2, "y": 0.8}),

    ("asinh", "f = asinh(x)", {"x": -3.0}),
    ("asinh", "f = asinh(x)", {"x": 0.0}),
    ("asinh", "f = asinh(x)", {"x": 1e8}),
    ("asinh", "f = asinh(x * y)", {"x": 0.7, "y": -2.0}),
]

X = [-2.5, -0.7, -0.01, 0.3, 1.1, 3.2]
W = [1.5, -0.5, 2.0, 0.25, -1.0, 0.75]
KINKED = [-2.0, -0.3, 0.0, 0.4, 1.5, 3.0]

# function, program, bindings: at least one list.
TENSOR_CASES = [
    ("exp", "f = sum(exp(x) * w)", {"x": [-20.0, -2.0, 1e-10, 0.3, 1.5, 10.0], "w": W}),
    ("log", "f = sum(log(x) * w)", {"x": [1e-6, 0.05, 0.3, 1.0, 2.5, 40.0], "w": W}),
    ("sqrt", "f = sum(sqrt(x) * w)", {"x": [1e-6, 0.04, 0.5, 2.0, 9.0, 1e4], "w": W}),
    ("abs", "f = sum(abs(x) * w)", {"x": KINKED, "w": W}),
    ("sin", "f = sum(sin(x) * w)", {"x": X, "w": W}),
    ("cos", "f = sum(cos(x) * w)", {"x": X, "w": W}),
    ("tan", "f = sum(tan(x) * w)", {"x": [-1.4, -0.6, 0.0, 0.2, 0.9, 1.5], "w": W}),
    ("tanh", "f = sum(tanh(x) * w)", {"x": [-20.0, -0.8, -0.01, 0.3, 2.0, 4.0], "w": W}),
    ("sigmoid", "f = sum(sigmoid(x) * w)", {"x": [-40.0, -2.0, -0.01, 0.5, 4.0, 40.0], "w": W}),
    ("relu", "f = sum(relu(x) * w)", {"x": KINKED, "w": W}),
    ("leaky_relu", "f = sum(leaky_relu(x) * w)", {"x": KINKED, "w": W}),
    ("elu", "f = sum(elu(x) * w)", {"x": KINKED, "w": W}),
    ("gelu", "f = sum(gelu(x) * w)", {"x": [-6.0, -1.5, -0.2, 0.1, 0.8, 4.0], "w": W}),
    ("erf", "f = sum(erf(x) * w)", {"x": [-4.0, -1.5, -0.2, 1e-9, 0.8, 2.0], "w": W}),
    ("silu", "f = sum(silu(x) * w)", {"x": [-20.0, -3.0, 0.0, 0.3, 1.7, 5.0], "w": W}),
    ("softplus", "f = sum(softplus(x) * w)", {"x": [-30.0, -3.0, -0.2, 0.5, 4.0, 14.0], "w": W}),
    ("log_sigmoid", "f = sum(log_sigmoid(x) * w)", {"x": [-800.0, -30.0, -0.2, 0.5, 4.0, 40.0], "w": W}),
    ("log1p", "f = sum(log1p(x) * w)", {"x": [-0.9, -0.3, 1e-12, 0.5, 3.0, 100.0], "w": W}),
    ("expm1", "f = sum(expm1(x) * w)", {"x": [-20.0, -2.0, 1e-10, -1e-10, 1.5, 10.0], "w": W}),
    # A matrix with elements below, at and above each bound.
    ("clamp", "f = sum(clamp(x, -0.5, 0.7) * w)",
     {"x": [[-1.0, -0.5, -0.2, 0.0], [0.3, 0.7, 0.9, -0.6], [0.7, -0.5, 2.0, 0.69]],
      "w": [[1.0, -2.0, 0.5, 3.0], [-1.5, 0.25, 2.0, -0.75], [1.25, 0.5, -1.0, 4.0]]}),
    ("clamp", "f = sum(clamp(x * s, 0, 1) * w)", {"x": [-1.0, 0.0, 0.25, 0.5, 1.0, 2.0], "s": 2.0, "w": W}),
    ("minimum", "f = sum(minimum(x, y) * w)", {"x": [-1.0, 0.5, 2.0, 0.3, -0.2, 1.1], "y": [0.0, 0.5, 1.0, 0.4, -0.2, 1.0], "w": W}),
    # [2,3] against [3]: y's gradient sums over the rows; two ties.
    ("minimum", "f = sum(minimum(x, y) * w)",
     {"x": [[0.3, -1.2, 2.0], [1.5, 0.4, -0.7]], "y": [0.5, 0.4, -0.7], "w": [[1.0, 2.0, -1.0], [0.5, -3.0, 4.0]]}),
    ("minimum", "f = sum(minimum(x, 0.5) * w)", {"x": [-1.0, 0.2, 0.5, 0.8, 3.0, 0.5], "w": W}),
    ("maximum", "f = sum(maximum(x, y) * w)", {"x": [-1.0, 0.5, 2.0, 0.3, -0.2, 1.1], "y": [0.0, 0.5, 1.0, 0.4, -0.2, 1.0], "w": W}),
    ("maximum", "f = sum(maximum(x, y) * w)",
     {"x": [[0.3, -1.2, 2.0], [1.5, 0.4, -0.7]], "y": [0.5, 0.4, -0.7], "w": [[1.0, 2.0, -1.0], [0.5, -3.0, 4.0]]}),
    ("maximum", "f = sum(maximum(0.5, x) * w)", {"x": [-1.0, 0.2, 0.5, 0.8, 3.0, 0.5], "w": W}),
    # A bound number is a 0-d tensor: its gradient is the sum over the elements where it wins (half at a tie).
    ("maximum", "f = sum(maximum(x, s) * w)", {"x": [-1.0, 0.2, 0.3, 0.8, 3.0, 0.3], "s": 0.3, "w": W}),
    ("pow", "f = sum(x ^ 3 * w)", {"x": KINKED, "w": W}),
    ("pow", "f = sum(x ^ -1.5 * w)", {"x": [1e-4, 0.05, 0.3, 1.0, 2.5, 40.0], "w": W}),
    ("pow", "f = sum(x ^ y * w)", {"x": [0.0, 0.05, 0.3, 1.0, 2.5, 4.0], "y": [2.0, -1.5, 0.5, 3.0, -0.7, 1.2], "w": W}),
    ("pow", "f = sum(x ^ p * w)", {"x": [0.05, 0.3, 1.0, 2.5, 4.0, 7.0], "p": 1.7, "w": W}),
    # Several functions in one program, with a matrix product.
    ("gelu", "h = gelu(W @ x + b); f = sum(softplus(h) * v - log_sigmoid(h))",
     {"W": [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], "x": [0.3, -1.2, 0.8], "b": [0.1, -0.2], "v": [2.0, -1.0]}),
    ("silu", "f = sum(silu(x) * erf(x) + maximum(x, 0) * expm1(x) - clamp(x, -1, 1) ^ 2)", {"x": X}),
    ("asinh", "f = sum(asinh(x) * w)", {"x": [-1e6, -2.5, -0.01, 0.0, 0.8, 40.0], "w": W}),
]

FUNCTIONS = {
    "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "abs": torch.abs, "sin": torch.sin, "cos": torch.cos,
    "tan": torch.tan, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
    # negative_slope = 0.01, alpha = 1, approximate='none', beta = 1 and threshold = 20: PyTorch's defaults.
    "leaky_relu": F.leaky_relu, "elu": F.elu, "gelu": F.gelu, "erf": torch.erf, "silu": F.silu,
    "softplus": F.softplus, "log_sigmoid": F.logsigmoid, "log1p": torch.log1p, "expm1": torch.expm1, "asinh": torch.asinh,
    "sum": torch.sum,
}


def tensor(v):
    return v if torch.is_tensor(v) else torch.tensor(float(v), dtype=torch.float64)


def scope():
    functions = {name: (lambda f: lambda v: f(tensor(v)))(f) for name, f in FUNCTIONS.items()}
    # The bounds of clamp are numbers written in the program; a number argument of minimum or maximum becomes a
    # float64 tensor.
    functions["clamp"] = lambda v, lo, hi: torch.clamp(tensor(v), lo, hi)
    functions["minimum"] = lambda a, b: torch.minimum(tensor(a), tensor(b))
    functions["maximum"] = lambda a, b: torch.maximum(tensor(a), tensor(b))
    return functions


def evaluate(program, inputs):
    names = scope()
    names.update(inputs)
    return run_program(program, names, tensor)


def finite(number):
    if not math.isfinite(number):
        raise ValueError(f"not finite: {number}")
    return number


def scalar_case(function, program, bindings, why_no_hessian=None):
    inputs = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True) for name, value in bindings.items()}
    leaves = list(inputs.values())
    result = evaluate(program, inputs)
    grads = torch.autograd.grad(result, leaves, create_graph=True, allow_unused=True)
    hessian = None
    if why_no_hessian is None:
        hessian = {}
        for name, g in zip(inputs, grads):
            # A gradient that does not depend on the inputs (a linear piece, a mask) has zero second derivatives.
            if g is None or not g.requires_grad:
                row = [None] * len(leaves)
            else:
                row = torch.autograd.grad(g, leaves, retain_graph=True, allow_unused=True)
            hessian[name] = {other: finite(0.0 if h is None else h.item()) for other, h in zip(inputs, row)}
    return {
        "function": function,
        "program": program,
        "bindings": bindings,
        "value": finite(result.item()),
        "grad": {name: finite(0.0 if g is None else g.item()) for name, g in zip(inputs, grads)},
        "hessian": hessian,
    }


def tensor_case(function, program, bindings):
    inputs = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True) for name, value in bindings.items()}
    result = evaluate(program, inputs)
    assert result.numel() == 1, program
    grads = torch.autograd.grad(result, list(inputs.values()), allow_unused=True)
    grad = {}
    for (name, leaf), g in zip(inputs.items(), grads):
        g = torch.zeros_like(leaf) if g is None else g
        for element in g.reshape(-1).tolist():
            finite(element)
        grad[name] = g.tolist()
    return {"function": function, "program": program, "bindings": bindings, "value": finite(result.item()), "grad": grad}


def main():
    json.dump({
        "generator": f"PyTorch {torch.__version__}, float64",
        "functions": FUNCTIONS_COVERED,
        "scalar": [scalar_case(*case) for case in SCALAR_CASES],
        "tensor": [tensor_case(*case) for case in TENSOR_CASES],
    }, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
