"""Peer of `blas`: the same kernels with PyTorch on Debian's OpenBLAS, one thread.

usage: blas.py
"""
import torch

from peer_common import emit, median_seconds


def main():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(2000, 1024, generator=g)
    k = a @ a.T
    v = torch.randn(2000, 1, generator=g)
    block = torch.randn(2000, 5, generator=g)
    basis = torch.randn(60, 94_218, dtype=torch.float64, generator=g)
    w = torch.randn(94_218, dtype=torch.float64, generator=g)
    gram, _ = median_seconds(lambda: a @ a.T, 15, 2)
    mv, _ = median_seconds(lambda: k @ v, 150, 2)
    mm5, _ = median_seconds(lambda: k @ block, 150, 2)
    projection, _ = median_seconds(lambda: torch.addmv(w, basis.T, basis @ w, beta=1, alpha=-1), 60, 2)
    emit(gram=1000 * gram, mv=1000 * mv, mm5=1000 * mm5, projection=1000 * projection)


if __name__ == "__main__":
    main()
