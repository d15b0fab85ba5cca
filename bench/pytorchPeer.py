#!/usr/bin/env python3
"""The PyTorch peer of `digit-lens bench` (issue 10): the same network on the same CPU.

bench/sideBySide.ts runs it; it reads the preset as the engine defines it (engine/presets.ts,
passed as JSON, so the architecture has one definition) and prints one JSON line:

  python3 bench/pytorchPeer.py --spec '<ModelSpec JSON>' --logits 57 [--steps 5] [--threads 2]
    -> {"preset", "threads", "batch", "trainImagesPerSec", "inferImagesPerSec", "torch"}
  python3 bench/pytorchPeer.py --ceiling 2048 [--threads 2]
    -> {"size", "numpyGflops", "torchGflops", "blas"}: float32 matrix products, the machine's ceiling

Measured like the engine's bench (engine/bench.ts): random inputs, batch = the preset's batch,
a train step = forward + loss + backward + Adam, inference = a forward pass without gradients;
one warm-up of each, then `steps` of each timed.
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class SamePool(nn.Module):
    """TensorFlow's 'same' max pooling: output ceil(in / stride), the padding split with the extra at the end."""

    def __init__(self, size, stride):
        super().__init__()
        self.size = size
        self.stride = stride

    def forward(self, x):
        pads = []
        for dim, k, s in ((x.shape[3], self.size[1], self.stride[1]), (x.shape[2], self.size[0], self.stride[0])):
            out = math.ceil(dim / s)
            total = max((out - 1) * s + k - dim, 0)
            pads += [total // 2, total - total // 2]
        if any(pads):
            x = F.pad(x, pads, value=-math.inf)
        return F.max_pool2d(x, self.size, self.stride)


class Net(nn.Module):
    """engine/model.ts in PyTorch: conv ('same', bias unless batch norm) [+ batch norm] + relu [+ pool],
    flatten, dense + relu (dropout before each), one linear layer per head."""

    def __init__(self, spec, head_sizes):
        super().__init__()
        layers = []
        channels = spec["channels"]
        height = spec["inputSize"]
        width = spec.get("inputWidth", spec["inputSize"])
        for conv in spec["convs"]:
            k = conv["kernel"]
            layers.append(nn.Conv2d(channels, conv["filters"], k, padding=k // 2, bias=not conv["batchNorm"]))
            if conv["batchNorm"]:
                # Keras's defaults: momentum 0.99 (PyTorch counts it the other way), epsilon 1e-3.
                layers.append(nn.BatchNorm2d(conv["filters"], eps=1e-3, momentum=0.01))
            layers.append(nn.ReLU())
            pool = conv["poolStride"]
            if pool == "rows":
                layers.append(SamePool((2, 1), (2, 1)))
                height = math.ceil(height / 2)
            elif pool > 0:
                layers.append(SamePool((2, 2), (pool, pool)))
                height = math.ceil(height / pool)
                width = math.ceil(width / pool)
            channels = conv["filters"]
        self.features = nn.Sequential(*layers)
        dense = []
        units = channels * height * width
        for n in spec["dense"]:
            if spec["dropout"] > 0:
                dense.append(nn.Dropout(spec["dropout"]))
            dense += [nn.Linear(units, n), nn.ReLU()]
            units = n
        if spec["dropout"] > 0:
            dense.append(nn.Dropout(spec["dropout"]))
        self.dense = nn.Sequential(*dense)
        self.heads = nn.ModuleList(nn.Linear(units, size) for size in head_sizes)

    def forward(self, x):
        h = self.dense(torch.flatten(self.features(x), 1))
        return torch.cat([head(h) for head in self.heads], dim=1)


def sequence_loss(targets, logits, head_sizes):
    """engine/loss.ts: the summed per-head cross-entropies; an all-zero target block adds nothing."""
    total = 0
    start = 0
    for size in head_sizes:
        total = total - (targets[:, start:start + size] * F.log_softmax(logits[:, start:start + size], dim=1)).sum()
        start += size
    return total / logits.shape[0]


def bench_preset(spec, head_sizes, steps):
    torch.manual_seed(1)
    batch = spec["batchSize"]
    width = spec.get("inputWidth", spec["inputSize"])
    model = Net(spec, head_sizes)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(batch, spec["channels"], spec["inputSize"], width)
    targets = torch.zeros(batch, sum(head_sizes))
    for b in range(batch):
        targets[b, b % head_sizes[0]] = 1
        for i in range(min(b % 6, len(head_sizes) - 1)):
            targets[b, head_sizes[0] + 10 * i + (b + i) % 10] = 1

    def train_step():
        model.train()
        optimizer.zero_grad(set_to_none=True)
        loss = sequence_loss(targets, model(x), head_sizes)
        loss.backward()
        optimizer.step()
        loss.item()

    def infer_step():
        model.eval()
        with torch.inference_mode():
            model(x).sum().item()

    def per_second(step):
        step()  # warm-up, as engine/bench.ts does
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        return batch * steps / (time.perf_counter() - t0)

    return {"batch": batch, "trainImagesPerSec": per_second(train_step), "inferImagesPerSec": per_second(infer_step)}


def gflops(f, flops, repeats=5):
    f()
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return flops / best / 1e9


def ceiling(n):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    ta = torch.from_numpy(a)
    tb = torch.from_numpy(b)
    flops = 2 * n ** 3
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]["name"]  # numpy >= 1.26
    except (AttributeError, KeyError):
        blas = "see /etc/alternatives/libblas.so.3-x86_64-linux-gnu"
    return {"size": n, "numpyGflops": gflops(lambda: a @ b, flops), "torchGflops": gflops(lambda: ta @ tb, flops), "blas": blas}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", help="the preset's ModelSpec as JSON (engine/presets.ts)")
    parser.add_argument("--heads", default="7,10,10,10,10,10", help="classes per head, in output order (common/heads.ts)")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ceiling", type=int, help="time an n x n x n float32 matrix product instead")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.ceiling:
        print(json.dumps({"threads": args.threads, **ceiling(args.ceiling)}))
        return
    spec = json.loads(args.spec)
    head_sizes = [int(s) for s in args.heads.split(",")]
    result = bench_preset(spec, head_sizes, args.steps)
    print(json.dumps({"preset": spec["preset"], "threads": args.threads, "torch": torch.__version__, **result}))


if __name__ == "__main__":
    main()
