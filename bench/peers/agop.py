"""Peer of `agop`: G = 1/n Σᵢ ∇ₓf(xᵢ) ∇ₓf(xᵢ)ᵀ (outputs summed) of the same network on the same inputs, batches of
256, one input-gradient backward pass per batch, float32 outer products added to a float64 total.

usage: agop.py FOLDER --batch 256 --runs 5
"""
import argparse

import torch

from peer_common import Network, emit, load, median_seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    net = Network(args.folder)
    x = load(args.folder, "x")
    n, d = x.shape[0], x[0].numel()

    def agop():
        total = torch.zeros(d, d, dtype=torch.float64)
        for start in range(0, n, args.batch):
            xb = x[start:start + args.batch].reshape(-1, d).clone().requires_grad_(True)
            out = net.forward(xb)
            g, = torch.autograd.grad(out.sum(), xb)
            total += (g.T @ g).double()
        return total / n

    seconds, g = median_seconds(agop, args.runs)
    emit(seconds=seconds, trace=float(torch.trace(g)))


if __name__ == "__main__":
    main()
