"""Peer of `hessian-eigen`: top-k Hessian eigenpairs of the MSE loss L = 1/n Σᵢ ‖f(xᵢ) − yᵢ‖² by double-backward
Hessian-vector products (the gradient graph built once, create_graph) and scipy.sparse.linalg.eigsh (ARPACK), float64
vectors and float32 products, as the library does. The timed part is the eigen-solve on the built graph, after one
untimed solve; at the library's tolerance, and again at tol·λ1/λk (see peer_common.matched_tolerance).

usage: hessian_eigen.py FOLDER --k 10 --tol 1e-4 --repeats 1
"""
import numpy as np
import torch

from peer_common import Network, arpack_top, eigen_arguments, emit, load, matched_tolerance, median_wall_and_cpu


def main():
    args = eigen_arguments(__doc__, k=10, tol=1e-4, repeats=1)
    net = Network(args.folder, requires_grad=True)
    x, y = load(args.folder, "x"), load(args.folder, "y")
    params = net.parameters
    loss = ((net.forward(x) - y) ** 2).sum(1).mean()
    grads = torch.autograd.grad(loss, params, create_graph=True)
    shapes = [p.numel() for p in params]

    def hvp(v):
        tangent = torch.from_numpy(np.asarray(v, dtype=np.float32).reshape(-1)).split(shapes)
        dot = sum((g * t.view_as(g)).sum() for g, t in zip(grads, tangent))
        hv = torch.autograd.grad(dot, params, retain_graph=True)
        return torch.cat([h.reshape(-1) for h in hv]).double().numpy()

    state = {}

    def solve(tol):
        values, state["products"] = arpack_top(hvp, sum(shapes), args.k, tol)
        return values

    # One untimed solve first, as the library's case warms up on a small operator: the first products pay for
    # allocations that the steady state reuses.
    seconds, cpu_seconds, values = median_wall_and_cpu(lambda: solve(args.tol), args.repeats, warmups=1)
    products = state["products"]
    matched = matched_tolerance(values, args.tol)
    matched_seconds, matched_cpu, _ = median_wall_and_cpu(lambda: solve(matched), args.repeats, warmups=0)
    emit(seconds=seconds, cpu_seconds=cpu_seconds, products=products, values=values, parameters=sum(shapes),
         matched_tol=matched, matched_seconds=matched_seconds, matched_cpu_seconds=matched_cpu, matched_products=state["products"])


if __name__ == "__main__":
    main()
