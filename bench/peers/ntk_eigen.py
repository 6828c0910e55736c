"""Peer of `ntk-eigen`: top-k NTK eigenpairs of a dense network, the kernel built layer by layer as Gram matrices
(K = Σ_l (s_l² A_l A_lᵀ + 1) ⊙ (Δ_l Δ_lᵀ), one output) in float32 with PyTorch, then scipy.sparse.linalg.eigsh
(ARPACK) with float64 vectors and float32 products, as the library does: at the library's tolerance, and again at
tol·λ1/λk (see peer_common.matched_tolerance).

usage: ntk_eigen.py FOLDER --k 5 --tol 1e-6 --repeats 3
"""
import numpy as np
import torch

from peer_common import Network, arpack_top, eigen_arguments, emit, load, matched_tolerance, median_seconds, median_wall_and_cpu


def layerwise_kernel(net, x):
    with torch.no_grad():
        depth = len(net.weights)
        inputs, pre = [], []
        h = x
        for l in range(depth):
            inputs.append(h)
            if l + 1 == depth:
                break
            z = torch.nn.functional.linear(h, net.weights[l]) * net.scales[l]
            if net.biases[l] is not None:
                z = z + net.biases[l]
            pre.append(z)
            h = net.act(z)
        m = net.multiplier
        kernel, delta = None, None
        for l in reversed(range(depth)):
            gram = inputs[l] @ inputs[l].T
            if net.scales[l] != 1.0:
                gram.mul_(net.scales[l] ** 2)
            if net.biases[l] is not None:
                gram.add_(1.0)
            if delta is None:
                kernel = gram.mul_(m * m)
            else:
                kernel.add_((delta @ delta.T).mul_(gram))
            if l == 0:
                break
            d = net.act_derivative(pre[l - 1])
            w = net.weights[l]
            delta = (w * (m * net.scales[l])) * d if delta is None else (delta @ w).mul_(net.scales[l]) * d
        return kernel


def main():
    args = eigen_arguments(__doc__, k=5, tol=1e-6, repeats=3)
    net = Network(args.folder)
    x = load(args.folder, "x")
    state = {}

    def solve(tol):
        kernel = layerwise_kernel(net, x).numpy()
        values, state["products"] = arpack_top(
            lambda v: (kernel @ np.asarray(v, dtype=np.float32).reshape(-1)).astype(np.float64), kernel.shape[0], args.k, tol)
        return values

    seconds, cpu_seconds, values = median_wall_and_cpu(lambda: solve(args.tol), args.repeats)
    products = state["products"]
    matched = matched_tolerance(values, args.tol)
    matched_seconds, matched_cpu, _ = median_wall_and_cpu(lambda: solve(matched), args.repeats, warmups=0)
    gram_seconds, _ = median_seconds(lambda: layerwise_kernel(net, x), args.repeats)
    emit(seconds=seconds, cpu_seconds=cpu_seconds, gram_seconds=gram_seconds, products=products, values=values,
         matched_tol=matched, matched_seconds=matched_seconds, matched_cpu_seconds=matched_cpu, matched_products=state["products"])


if __name__ == "__main__":
    main()
