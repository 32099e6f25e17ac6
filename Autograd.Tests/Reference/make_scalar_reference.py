#!/usr/bin/env python3
"""Reference values for scalar programs, computed by PyTorch in float64.

Each case is a program in the autograd CLI's language. It is translated to Python (`^` becomes `**`,
functions become torch functions), run with every input a float64 leaf tensor, and backpropagated with
PyTorch's autograd. The tests run the same program through Autograd and compare.

Run with Debian's interpreter, where python3-torch lives:
    /usr/bin/python3 Autograd.Tests/Reference/make_scalar_reference.py > Autograd.Tests/Reference/scalar_reference.json
"""
import json
import re
import torch
from cli_programs import run_program

CASES = [
    # The classic example.
    ("q = x + y; f = q * z", {"x": -2.0, "y": 5.0, "z": -4.0}),
    # micrograd's sanity check.
    ("z = 2 * x + 2 + x; q = relu(z) + z * x; h = relu(z * z); y = h + q + q * x", {"x": -4.0}),
    # micrograd's 'more ops', with its += rebindings written out.
    ("c = a + b; d = a * b + b^3; c = c + (c + 1); c = c + (1 + c + (-a)); "
     "d = d + (d * 2 + relu(b + a)); d = d + (3 * d + relu(b - a)); e = c - d; f = e^2; g = f / 2.0; g = g + 10.0 / f",
     {"a": -4.0, "b": 2.0}),
    # micrograd's tanh neuron.
    ("n = x1*w1 + x2*w2 + b; o = tanh(n)", {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}),
    # A sigmoid neuron.
    ("z = w1*a1 + w2*a2 + b; out = sigmoid(z)", {"w1": 0.5, "a1": 2.0, "w2": -1.5, "a2": 0.3, "b": 0.1}),
    # Every function, and the precedence rules: ^ is right-associative and binds tighter than unary minus.
    ("f = exp(x) * log(y) + sqrt(y) / abs(x)", {"x": -0.7, "y": 2.5}),
    ("f = sin(x) * cos(y) - tanh(x * y) + sigmoid(x - y)", {"x": 0.3, "y": -1.2}),
    ("f = relu(x) + relu(-x) * 3 + x / y - -y", {"x": 1.5, "y": 0.25}),
    ("f = -x^2 + 2^x^2 + x^-1.5", {"x": 1.3}),
    ("f = x^y + y^x", {"x": 1.7, "y": 0.6}),
    ("f = (x - y)^2 / (x + y)^3", {"x": 2.0, "y": 0.5}),
    ("s = sigmoid(x); t = s * (1 - s); f = log(1 + exp(-abs(x))) + t", {"x": -3.25}),
    ("a = x * y; b = a * x; c = b + a + x; f = c * c", {"x": 0.9, "y": -1.1}),
    ("f = sigmoid(40) + sigmoid(-40) * x + tanh(-20 * x)", {"x": 0.1}),
    # A value used many times: contributions accumulate.
    ("f = x * x * x + x / x + x", {"x": 3.0}),
    # An input the program does not use has gradient 0.
    ("f = 2 * x", {"x": 1.0, "unused": 5.0}),
]

def as_function(name):
    function = getattr(torch, name)
    return lambda v: function(torch.as_tensor(v, dtype=torch.float64))


FUNCTIONS = {name: as_function(name) for name in ("exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu")}


def run(program, bindings):
    scope = dict(FUNCTIONS)
    inputs = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True) for name, value in bindings.items()}
    scope.update(inputs)
    result = run_program(program, scope, lambda v: v if torch.is_tensor(v) else torch.tensor(float(v), dtype=torch.float64))
    grads = torch.autograd.grad(result, list(inputs.values()), allow_unused=True)
    return {
        "program": program,
        "bindings": bindings,
        "value": result.item(),
        "grad": {name: (0.0 if g is None else g.item()) for name, g in zip(inputs, grads)},
    }


if __name__ == "__main__":
    print(json.dumps({"generator": f"PyTorch {torch.__version__}, float64", "cases": [run(p, b) for p, b in CASES]}, indent=2))
