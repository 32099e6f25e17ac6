#!/usr/bin/env python3
"""Writes python_written.safetensors: two tensors (F32 and F64) and metadata, laid out by the format's
specification with Python's json and struct (header length, JSON header, row-major little-endian data), as the
Python tooling writes them. The tests load it with Autograd.NN's reader.

    /usr/bin/python3 Autograd.Tests/Reference/make_safetensors_reference.py Autograd.Tests/Reference/python_written.safetensors
"""
import json
import struct
import sys
import torch

torch.manual_seed(3)
tensors = {"layer.weight": torch.randn(3, 4, dtype=torch.float32), "layer.bias": torch.arange(3, dtype=torch.float64) / 4}
header, offset, chunks = {"__metadata__": {"format": "pt", "note": "written by Python"}}, 0, []
for name, t in tensors.items():
    raw = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
    header[name] = {"dtype": {torch.float32: "F32", torch.float64: "F64"}[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
    chunks.append(raw)
    offset += len(raw)
encoded = json.dumps(header, separators=(",", ":")).encode()
encoded += b" " * (-len(encoded) % 8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks))
print(json.dumps({name: t.double().reshape(-1).tolist() for name, t in tensors.items()}))
