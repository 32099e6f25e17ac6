#!/usr/bin/env python3
"""Reference Jacobians and Hessians of CLI programs, computed by PyTorch in float64.

Each case is a program in the autograd CLI's language with its bindings (JSON lists, or numbers for 0-d inputs).
It is translated to Python (`^` becomes `**`, the language's functions the torch functions of the same meaning) and
differentiated with torch.autograd.functional.jacobian (vector outputs) or torch.autograd.functional.hessian
(single-number outputs) with every input a float64 tensor. The file holds, per case, the value and the blocks in
the shape PyTorch gives them: a Jacobian block is the output's shape followed by the input's, a Hessian block input
i's shape followed by input j's, as `autograd jacobian --json` and `autograd hessian --json` print them.

The inputs are made by formula (no random numbers), so the file is the same on every run. The cases include the
W·X example of the tutorial (W [5×10], X [10×3]) and a softmax layer.

Run with Debian's interpreter, where python3-torch lives:
    /usr/bin/python3 Autograd.Tests/Reference/make_jacobian_reference.py > Autograd.Tests/Reference/jacobian_reference.json
"""
import json
import math
import sys
import torch
from torch.autograd.functional import hessian, jacobian
from cli_programs import run_program


def matrix(rows, columns, phase):
    """A fixed, irregular matrix: sin of a linear function of the indices, rounded to 4 decimals."""
    return [[round(math.sin(phase + 0.7 * i + 1.3 * j), 4) for j in range(columns)] for i in range(rows)]


def vector(length, phase):
    return [round(math.cos(phase + 0.9 * i), 4) for i in range(length)]


FUNCTIONS = {
    "exp": torch.exp, "log": torch.log, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "sin": torch.sin,
    "cos": torch.cos, "sqrt": torch.sqrt,
    "sum": lambda v, axis=None: torch.sum(v) if axis is None else torch.sum(v, int(axis)),
    "mean": lambda v, axis=None: torch.mean(v) if axis is None else torch.mean(v, int(axis)),
    "transpose": lambda v: v.transpose(-2, -1),
    "softmax": lambda v, axis: torch.softmax(v, int(axis)),
    "log_softmax": lambda v, axis: torch.log_softmax(v, int(axis)),
}

# kind, program, bindings.
CASES = [
    ("jacobian", "D = W @ X", {"W": matrix(5, 10, 0.1), "X": matrix(10, 3, 0.5)}),
    ("jacobian", "p = softmax(W @ x + b, 0)", {"W": matrix(4, 3, 0.2), "x": vector(3, 0.3), "b": vector(4, 1.1)}),
    ("jacobian", "P = softmax(X @ W, 1)", {"X": matrix(2, 3, 0.4), "W": matrix(3, 4, 0.9)}),
    ("jacobian", "h = tanh(W @ x); y = h * sigmoid(h) + mean(x)", {"W": matrix(3, 3, 1.7), "x": vector(3, 0.6)}),
    ("jacobian", "y = x * x + sin(x) * s", {"x": vector(4, 0.2), "s": 0.7}),
    ("hessian", "f = sum(tanh(W @ X))", {"W": matrix(2, 3, 0.3), "X": matrix(3, 2, 0.8)}),
    ("hessian", "z = W @ x + b; f = -sum(y * log_softmax(z, 0))",
     {"W": matrix(3, 4, 0.6), "x": vector(4, 0.1), "b": vector(3, 0.7), "y": [0.0, 1.0, 0.0]}),
    ("hessian", "f = x * y ^ 2 + sin(x)", {"x": 0.5, "y": -1.5}),
    ("hessian", "f = sum(exp(x) * x) / n", {"x": vector(3, 0.4), "n": 2.5}),
]


def evaluate(program, inputs):
    names = dict(FUNCTIONS)
    names.update(inputs)
    return run_program(program, names)


def finite(values):
    for v in torch.as_tensor(values).reshape(-1).tolist():
        if not math.isfinite(v):
            raise ValueError(f"not finite: {v}")
    return values


def case(kind, program, bindings):
    names = list(bindings)
    point = tuple(torch.tensor(bindings[n], dtype=torch.float64) for n in names)

    def f(*xs):
        return evaluate(program, dict(zip(names, xs)))

    value = f(*point)
    if kind == "jacobian":
        blocks = jacobian(f, point)
        result = {n: finite(b).tolist() for n, b in zip(names, blocks)}
    else:
        rows = hessian(f, point)
        result = {a: {b: finite(block).tolist() for b, block in zip(names, row)} for a, row in zip(names, rows)}
    return {"kind": kind, "program": program, "bindings": bindings, "value": finite(value).tolist(), kind: result}


def main():
    json.dump({
        "generator": f"PyTorch {torch.__version__}, float64, torch.autograd.functional",
        "cases": [case(*c) for c in CASES],
    }, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
