"""Peer of `training-step`: milliseconds per SGD step (torch.optim.SGD, MSE L = 1/b Σ ‖f − y‖² over the batch) of the
same network on the same data, batches drawn by a fresh permutation each epoch. Each run is `steps` steps and nothing
else; the figure is the median over runs of the run's time / steps, after untimed runs for at least `warmup-seconds`
(at least one run), as long as the library's side warms up.

usage: training_step.py FOLDER --batch 5 --steps 200 --runs 7 --lr 0.1 --warmup-seconds 3
"""
import argparse
import time

import numpy as np
import torch

from peer_common import Network, emit, load


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--warmup-seconds", type=float, default=0.0)
    args = parser.parse_args()
    net = Network(args.folder, requires_grad=True)
    x, y = load(args.folder, "x"), load(args.folder, "y")
    n = x.shape[0]
    optimizer = torch.optim.SGD(net.parameters, lr=args.lr)
    generator = torch.Generator().manual_seed(1)
    order, position = torch.randperm(n, generator=generator), 0

    def step():
        nonlocal order, position
        if position + args.batch > n:
            order, position = torch.randperm(n, generator=generator), 0
        index = order[position:position + args.batch]
        position += args.batch
        optimizer.zero_grad()
        loss = ((net.forward(x[index]) - y[index]) ** 2).sum(1).mean()
        loss.backward()
        optimizer.step()

    warm_up_start = time.perf_counter()
    while True:
        for _ in range(args.steps):
            step()
        if time.perf_counter() - warm_up_start >= args.warmup_seconds:
            break
    times, cpu = [], []
    for run in range(args.runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        for _ in range(args.steps):
            step()
        times.append((time.perf_counter() - start) / args.steps)
        cpu.append((time.thread_time() - start_cpu) / args.steps)
    emit(ms_per_step=1000 * float(np.median(times)), cpu_ms_per_step=1000 * float(np.median(cpu)))


if __name__ == "__main__":
    main()
