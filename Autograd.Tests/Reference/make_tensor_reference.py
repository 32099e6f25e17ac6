#!/usr/bin/env python3
"""Reference values for tensor ops, computed by PyTorch in float64.

Each case applies one op (or a short composition) to seeded random float64 inputs, then backpropagates the
output gradient `upstream` (a fixed tensor of the output's shape, so that every element's gradient matters).
The file holds the inputs, the output, the upstream gradient and every input's gradient; the tests apply the
same op by name (TensorReferenceTests.Ops) and compare.

Run with Debian's interpreter, where python3-torch lives:
    /usr/bin/python3 Autograd.Tests/Reference/make_tensor_reference.py > Autograd.Tests/Reference/tensor_reference.json
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(20261123)


def normal(*shape):
    return torch.randn(*shape, dtype=torch.float64)


def positive(*shape):
    return torch.rand(*shape, dtype=torch.float64) * 1.5 + 0.5


def away_from_zero(*shape):
    magnitude = torch.rand(*shape, dtype=torch.float64) * 1.3 + 0.2
    return magnitude * torch.where(torch.rand(*shape) < 0.5, -1.0, 1.0).double()


def distinct(*shape):
    n = 1
    for s in shape:
        n *= s
    return (torch.randperm(n).double() * 0.1 - 0.05 * n).reshape(*shape)


# name, inputs, function. Names must match the C# table.
CASES = [
    ("add_broadcast", [normal(4, 1), normal(1, 3)], lambda a, b: a + b),
    ("sub_broadcast_3d", [normal(2, 1, 3), normal(4, 1)], lambda a, b: a - b),
    ("mul_column_broadcast", [normal(3, 1), normal(3, 4)], lambda a, b: a * b),
    ("div_row_broadcast", [normal(2, 3), positive(3)], lambda a, b: a / b),
    ("neg", [normal(2, 3)], lambda a: -a),
    ("pow_tensor", [positive(2, 3), normal(2, 3)], lambda a, b: a ** b),
    ("pow_scalar", [normal(2, 3)], lambda a: a ** 3),
    ("exp", [normal(2, 3)], torch.exp),
    ("log", [positive(2, 3)], torch.log),
    ("sqrt", [positive(2, 3)], torch.sqrt),
    ("abs", [away_from_zero(2, 3)], torch.abs),
    ("tanh", [normal(2, 3)], torch.tanh),
    ("sigmoid", [normal(2, 3)], torch.sigmoid),
    ("relu", [away_from_zero(2, 3)], torch.relu),
    ("log_sigmoid", [normal(2, 3) * 30], F.logsigmoid),
    ("leaky_relu", [away_from_zero(2, 3)], lambda a: F.leaky_relu(a, 0.1)),
    ("clamp", [away_from_zero(3, 4)], lambda a: torch.clamp(a, -0.5, 0.7)),
    ("where_greater", [normal(2, 3), normal(2, 3), normal(3)], lambda m, a, b: torch.where(m > b, a, b)),
    ("sum_all", [normal(2, 3)], lambda a: a.sum()),
    ("sum_axes_0_2", [normal(2, 3, 2)], lambda a: a.sum(dim=(0, 2))),
    ("sum_keepdim", [normal(2, 3, 2)], lambda a: a.sum(dim=-1, keepdim=True)),
    ("mean_axis_1", [normal(2, 3)], lambda a: a.mean(dim=1)),
    ("max_axis_1", [distinct(3, 4)], lambda a: a.max(dim=1).values),
    ("min_axis_0_keepdim", [distinct(3, 4)], lambda a: a.min(dim=0, keepdim=True).values),
    ("logsumexp_axis_1", [normal(3, 4)], lambda a: torch.logsumexp(a, dim=1)),
    ("matmul_2d", [normal(3, 4), normal(4, 2)], torch.matmul),
    ("matmul_matrix_vector", [normal(3, 4), normal(4)], torch.matmul),
    ("matmul_vector_matrix", [normal(4), normal(4, 2)], torch.matmul),
    ("matmul_batched_broadcast", [normal(2, 3, 4), normal(4, 2)], torch.matmul),
    ("dot", [normal(5), normal(5)], torch.dot),
    ("outer", [normal(3), normal(4)], torch.outer),
    ("reshape", [normal(2, 3, 2)], lambda a: a.reshape(-1, 4)),
    ("expand", [normal(3, 1)], lambda a: a.expand(3, 4)),
    ("permute", [normal(2, 3, 4)], lambda a: a.permute(2, 0, 1)),
    ("transpose", [normal(2, 3)], lambda a: a.t()),
    ("narrow", [normal(3, 5)], lambda a: a.narrow(1, 1, 3)),
    ("concat_axis_1", [normal(2, 3), normal(2, 2)], lambda a, b: torch.cat([a, b], dim=1)),
    ("stack_axis_1", [normal(2, 3), normal(2, 3)], lambda a, b: torch.stack([a, b], dim=1)),
    ("index_select_rows", [normal(4, 3)], lambda a: a.index_select(0, torch.tensor([2, 0, 2, 3]))),
    ("dot_rows", [normal(3, 4), normal(5, 4)],
     lambda h, t: (h.unsqueeze(1) * t[torch.tensor([0, 4, 4, 2, 1, 0, 3, 3, 1])].view(3, 3, 4)).sum(-1)),
    ("embedding_bag_mean", [normal(5, 3)],
     lambda t: F.embedding_bag(torch.tensor([4, 0, 4, 2, 1, 3]), t, torch.tensor([0, 3, 3, 5]), mode="mean")),
    ("embedding_bag_sum", [normal(4, 2)],
     lambda t: F.embedding_bag(torch.tensor([1, 3, 3, 0]), t, torch.tensor([0, 1]), mode="sum")),
    ("gather_axis_1", [normal(3, 4)], lambda a: a.gather(1, torch.tensor([[0, 3], [1, 1], [2, 2]]))),
    ("softmax_axis_1", [normal(3, 4)], lambda a: torch.softmax(a, dim=1)),
    ("log_softmax_axis_0", [normal(3, 2, 2)], lambda a: torch.log_softmax(a, dim=0)),
    ("softmax_large_logits", [normal(2, 4) * 300], lambda a: torch.softmax(a, dim=1)),
    ("log_softmax_large_logits", [normal(2, 4) * 300], lambda a: torch.log_softmax(a, dim=1)),
    ("cross_entropy_composed", [normal(4, 5)],
     lambda a: -(torch.log_softmax(a, dim=1) * F.one_hot(torch.tensor([1, 0, 4, 2]), 5).double()).sum() / 4),
    ("mlp_layer", [normal(4, 3), normal(3, 5), normal(5)], lambda x, w, b: torch.tanh(x @ w + b)),
]


def values(t):
    return t.detach().reshape(-1).tolist()


def main():
    cases = []
    for name, inputs, function in CASES:
        leaves = [x.clone().requires_grad_(True) for x in inputs]
        output = function(*leaves)
        upstream = torch.cos(torch.arange(output.numel(), dtype=torch.float64)).reshape(output.shape)
        grads = torch.autograd.grad(output, leaves, upstream, allow_unused=True)
        cases.append({
            "name": name,
            "inputs": [{"shape": list(x.shape), "values": values(x)} for x in inputs],
            "output": {"shape": list(output.shape), "values": values(output)},
            "upstream": values(upstream),
            "grads": [values(g) if g is not None else None for g in grads],
        })
    json.dump({"torch": torch.__version__, "cases": cases}, __import__("sys").stdout, indent=1)


if __name__ == "__main__":
    main()
