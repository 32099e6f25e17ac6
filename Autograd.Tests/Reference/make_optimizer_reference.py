#!/usr/bin/env python3
"""Reference trajectories of PyTorch's optimizers, in float64.

The problem: W [3,2] and b [2] fit tanh(x·W + b) to y by mean squared error, with fixed x [4,3] and y [4,2].
For each optimizer configuration, five steps are taken from the same start and the parameters after every
step are recorded. L-BFGS with fixed steps is recorded the same way (each step runs several iterations); with
the strong-Wolfe line search, the point it reaches on the Rosenbrock function is recorded. The tests run the same loop with Autograd.NN's optimizers and compare.

Run with Debian's interpreter, where python3-torch lives:
    /usr/bin/python3 Autograd.Tests/Reference/make_optimizer_reference.py > Autograd.Tests/Reference/optimizer_reference.json
"""
import json
import sys
import torch

torch.manual_seed(7)
X = torch.randn(4, 3, dtype=torch.float64)
Y = torch.randn(4, 2, dtype=torch.float64).tanh()
W0 = torch.randn(3, 2, dtype=torch.float64)
B0 = torch.randn(2, dtype=torch.float64) * 0.1

CONFIGS = [
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.1, "momentum": 0.9}),
    ("sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd", {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.01}),
    ("rmsprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-7}),
    ("adam", {"lr": 0.05}),
    ("adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("adamw", {"lr": 0.05}),
    ("adamw", {"lr": 0.05, "weight_decay": 0.5}),
]

CLASSES = {"sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}


def lbfgs_runs():
    """L-BFGS with fixed steps (its trajectory is deterministic) and with the strong-Wolfe search (its minimum)."""
    runs = []
    for options in ({"lr": 0.5, "max_iter": 4}, {"lr": 1, "max_iter": 3, "history_size": 2}):
        w = W0.clone().requires_grad_(True)
        b = B0.clone().requires_grad_(True)
        optimizer = torch.optim.LBFGS([w, b], **options)

        def closure():
            optimizer.zero_grad()
            loss = ((torch.tanh(X @ w + b) - Y) ** 2).mean()
            loss.backward()
            return loss

        steps = []
        for _ in range(4):
            loss = optimizer.step(closure)
            steps.append({"loss": loss.item(), "w": w.detach().reshape(-1).tolist(), "b": b.detach().tolist()})
        runs.append({"options": options, "steps": steps})

    # Rosenbrock from (-1.2, 1) with the strong-Wolfe search: compare where it ends, not the path.
    xy = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([xy], lr=1, max_iter=200, line_search_fn="strong_wolfe", tolerance_grad=1e-10, tolerance_change=1e-14)

    def rosenbrock():
        optimizer.zero_grad()
        loss = (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2
        loss.backward()
        return loss

    optimizer.step(rosenbrock)
    return runs, xy.detach().tolist()


def main():
    lbfgs, rosenbrock_minimum = lbfgs_runs()
    runs = []
    for name, options in CONFIGS:
        w = W0.clone().requires_grad_(True)
        b = B0.clone().requires_grad_(True)
        optimizer = CLASSES[name]([w, b], **options)
        steps = []
        for _ in range(5):
            optimizer.zero_grad()
            loss = ((torch.tanh(X @ w + b) - Y) ** 2).mean()
            loss.backward()
            optimizer.step()
            steps.append({"loss": loss.item(), "w": w.detach().reshape(-1).tolist(), "b": b.detach().tolist()})
        runs.append({"optimizer": name, "options": {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()}, "steps": steps})
    json.dump({
        "torch": torch.__version__,
        "x": X.reshape(-1).tolist(), "y": Y.reshape(-1).tolist(), "w0": W0.reshape(-1).tolist(), "b0": B0.tolist(),
        "runs": runs,
        "lbfgs": lbfgs,
        "lbfgs_strong_wolfe_rosenbrock": rosenbrock_minimum,
    }, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
