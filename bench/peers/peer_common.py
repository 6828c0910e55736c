"""Shared helpers of the PyTorch + SciPy peers of the Catapults.NET benchmarks.

The benchmark program writes the data and weights into a folder (NumPy .npy files and network.json) and runs a peer
with that folder; the peer computes the same quantity with PyTorch (and SciPy's ARPACK for eigenpairs), one thread,
and prints one line "PEER {json}". Run directly, this module prints the versions and the BLAS in use.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import torch  # noqa: E402
# Imported here, not in arpack_top: the import costs about 25 ms, which a timed solve must not carry.
from scipy.sparse.linalg import LinearOperator, eigsh  # noqa: E402

torch.set_num_threads(1)


def load(folder, name):
    """A tensor written by the benchmark (PeerExchange.Write)."""
    return torch.from_numpy(np.load(os.path.join(folder, name + ".npy")))


class Network:
    """A dense network written by PeerExchange.WriteNetwork: layer l computes s_l (h W_lᵀ) + b_l, the activation
    between layers, and the output multiplier at the end, exactly as Catapults.NET's FullyConnectedNetwork."""

    def __init__(self, folder, requires_grad=False):
        with open(os.path.join(folder, "network.json")) as f:
            meta = json.load(f)
        self.scales = meta["scales"]
        self.activation = meta["activation"]
        self.multiplier = meta["multiplier"]
        self.weights = [load(folder, f"W{l}").clone().requires_grad_(requires_grad) for l in range(meta["layers"])]
        self.biases = [load(folder, f"b{l}").clone().requires_grad_(requires_grad) if meta["biases"][l] else None
                       for l in range(meta["layers"])]

    @property
    def parameters(self):
        return [p for pair in zip(self.weights, self.biases) for p in pair if p is not None]

    def act(self, z):
        if self.activation == "relu":
            return torch.relu(z)
        if self.activation == "tanh":
            return torch.tanh(z)
        if self.activation == "identity":
            return z
        raise ValueError(self.activation)

    def act_derivative(self, z):
        if self.activation == "relu":
            return (z > 0).to(z.dtype)
        if self.activation == "tanh":
            return 1 - torch.tanh(z) ** 2
        if self.activation == "identity":
            return torch.ones_like(z)
        raise ValueError(self.activation)

    def forward(self, x):
        h = x
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = torch.nn.functional.linear(h, w)
            if self.scales[l] != 1.0:
                z = z * self.scales[l]
            if b is not None:
                z = z + b
            h = self.act(z) if l < last else z
        return h * self.multiplier if self.multiplier != 1.0 else h


def median_seconds(action, repeats, warmups=1):
    """Median wall time of repeats runs after warmups untimed ones, and the last run's result."""
    wall, _, result = median_wall_and_cpu(action, repeats, warmups)
    return wall, result


def median_wall_and_cpu(action, repeats, warmups=1):
    """Median wall and median CPU time of this thread (time.thread_time; with one torch thread the work runs on it) of
    repeats runs, and the last run's result. The CPU time leaves out the time other processes held the cores."""
    result = None
    for _ in range(warmups):
        result = action()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.thread_time()
        result = action()
        wall.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    return float(np.median(wall)), float(np.median(cpu)), result


def eigen_arguments(description, k, tol, repeats):
    """The command line of an eigen peer: the exchange folder, k, ARPACK's tolerance and the timed repeats."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("folder")
    parser.add_argument("--k", type=int, default=k)
    parser.add_argument("--tol", type=float, default=tol)
    parser.add_argument("--repeats", type=int, default=repeats)
    return parser.parse_args()


def arpack_top(matvec, size, k, tol):
    """The k largest eigenvalues (descending) of the symmetric operator v -> matvec(v) by scipy's eigsh (ARPACK),
    float64 vectors, and the number of products it took."""
    products = [0]

    def counted(v):
        products[0] += 1
        return matvec(v)

    op = LinearOperator((size, size), matvec=counted, dtype=np.float64)
    values = eigsh(op, k=k, which="LA", tol=tol, return_eigenvectors=True)[0]
    return sorted(values.tolist(), reverse=True), products[0]


def matched_tolerance(values, tol):
    """ARPACK accepts a pair when its residual is at most tol·|θ_i|; the library when it is at most tol·|θ_1|. At
    tol·θ_1/θ_k ARPACK's test of the k-th pair is the library's, and looser above it; at tol it is stricter below the
    top. The two solves bracket like-for-like."""
    return tol * abs(values[0]) / max(abs(values[-1]), np.finfo(np.float64).tiny)


def emit(**fields):
    print("PEER " + json.dumps(fields), flush=True)


def blas():
    """The BLAS behind Debian's generic libblas.so.3 (torch and numpy both link it): OpenBLAS with libopenblas0-pthread."""
    path = "/usr/lib/x86_64-linux-gnu/libblas.so.3"
    target = os.path.realpath(path) if os.path.exists(path) else "unknown"
    return "BLAS " + ("OpenBLAS" if "openblas" in target else target)


if __name__ == "__main__":
    print(f"torch {torch.__version__}, numpy {np.__version__}, scipy {scipy.__version__}, {blas()}, threads {torch.get_num_threads()}")
    sys.exit(0)
