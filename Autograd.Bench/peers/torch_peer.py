"""PyTorch's figures for the work that Autograd.Bench's `quick` mode measures, printed one per line.

    OPENBLAS_NUM_THREADS=N OMP_NUM_THREADS=N /usr/bin/python3 Autograd.Bench/peers/torch_peer.py N

Debian's python3-torch (1.13) with libopenblas0-pthread. Prints the OpenBLAS kernel in force, then: float32 GEMM
GFLOP/s for n = 256, 512 and 1024 and float64 for n = 512; the time of one SGD step of the 784-500-400-10 ReLU MLP
with softmax cross-entropy at batch 32, 128 and 512; and a chain of 1,000 multiply-adds on a scalar forward and
backward (2,000 ops), the per-op overhead. Each figure is the median of 20 runs (5 for the chain) after one
warm-up. It stops if a product disagrees with float64, which is what a wrong kernel does.
"""
import openblas_kernel  # noqa: F401  (first: OpenBLAS chooses its kernel when it loads)
import sys
import time

import torch


def median_seconds(work, repeats=20):
    work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]  # the median, the upper one of an even count


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    print(f"openblas core: {openblas_kernel.loaded_kernel()}")
    a, b = torch.randn(64, 64), torch.randn(64, 64)
    if ((a @ b).double() - a.double() @ b.double()).abs().max() >= 1e-3:
        sys.exit("OpenBLAS gives wrong float32 products with this kernel")

    for n in (256, 512, 1024):
        a, b = torch.randn(n, n), torch.randn(n, n)
        print(f"gemm n={n} threads={threads}: {2 * n**3 / median_seconds(lambda: a @ b) / 1e9:.1f} GFLOP/s")
    a, b = torch.randn(512, 512, dtype=torch.float64), torch.randn(512, 512, dtype=torch.float64)
    print(f"gemm64 n=512 threads={threads}: {2 * 512**3 / median_seconds(lambda: a @ b) / 1e9:.1f} GFLOP/s")

    sizes = [784, 500, 400, 10]
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        layers.append(torch.nn.Linear(fan_in, fan_out))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for batch in (32, 128, 512):
        x, y = torch.randn(batch, 784), torch.randint(0, 10, (batch,))

        def step():
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()

        seconds = median_seconds(step)
        print(f"mlp step bs={batch} threads={threads}: {seconds * 1e3:.3f} ms, {batch / seconds:.0f} samples/s")

    leaf = torch.tensor(0.5, requires_grad=True)

    def chain():
        value = leaf
        for _ in range(1000):
            value = value * 1.0001 + 0.0001
        value.backward()

    seconds = median_seconds(chain, repeats=5)
    print(f"scalar chain 2000 ops fwd+bwd: {seconds * 1e3:.2f} ms ({2000 / seconds / 1e6:.2f} M ops/s)")


if __name__ == "__main__":
    main()
