#!/usr/bin/env python3
"""Reads a safetensors file the way the format's specification defines it, with Python's json and struct and
PyTorch's tensors, and prints every tensor's name, dtype, shape and sum, and the metadata, as JSON.

    /usr/bin/python3 Autograd.Tests/Reference/read_safetensors.py model.safetensors
"""
import json
import struct
import sys
import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64}


def main(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = bytearray(data[8 + n:])
    out = {"metadata": header.pop("__metadata__", {}), "tensors": {}}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        t = torch.frombuffer(body[begin:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
        out["tensors"][name] = {"dtype": entry["dtype"], "shape": list(t.shape), "sum": t.double().sum().item(), "first": t.reshape(-1)[:3].tolist()}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
