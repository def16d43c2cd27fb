#!/usr/bin/env python3
"""PyTorch reference for `pnpm bench --against pytorch` (a benchmark dependency
only: `apt-get install python3-torch` on Debian gives PyTorch 1.13 with oneDNN).

The same network as tensorpool's presets `seed` (100x100x3, 6 classes) and
`fashion-mnist` (28x28x1, 10 classes), packages/engine/src/presets.ts:
Conv(32,same)-ReLU-Conv(32)-ReLU-MaxPool2-Dropout.25-Conv(64,same)-ReLU-
Conv(64)-ReLU-MaxPool2-Dropout.25-Flatten-Dense512-ReLU-Dropout.5-DenseN,
Keras initialisation (glorot uniform kernels, zero biases), Adam (Keras
defaults), batch 32, summed cross-entropy, synthetic input of the same shape.

  python3 bench/pytorch_ref.py train --preset seed --threads 2 --steps 4
      -> {"imagesPerSecond", "peakRssMB", ...}: 1 untimed warm-up step, then `steps` timed
  python3 bench/pytorch_ref.py profile --preset seed --threads 1 --reps 3
      -> per layer: forward, input gradient and weight gradient in ms (median of reps)
"""
import argparse
import json
import resource
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

PRESETS = {"seed": ((3, 100, 100), 6), "fashion-mnist": ((1, 28, 28), 10)}


def seed_net(in_shape, classes):
    c, h, w = in_shape
    h4, w4 = ((h - 2) // 2 - 2) // 2, ((w - 2) // 2 - 2) // 2
    net = nn.Sequential(
        nn.Conv2d(c, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Flatten(),
        nn.Linear(64 * h4 * w4, 512), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(512, classes),
    )
    for m in net:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)  # = Keras glorot_uniform
            nn.init.zeros_(m.bias)
    return net


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # Linux: KiB


def train(preset, threads, steps, batch):
    in_shape, classes = PRESETS[preset]
    net = seed_net(in_shape, classes)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)  # Keras defaults
    x = torch.rand(batch * (steps + 1), *in_shape)
    y = torch.randint(0, classes, (batch * (steps + 1),))

    def step(i):
        xb, yb = x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(xb), yb, reduction="sum")
        loss.backward()
        opt.step()

    step(0)  # warm-up: oneDNN primitive creation, allocator
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(1, steps + 1):
        step(i)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"preset": preset, "threads": threads, "batchSize": batch, "steps": steps,
            "imagesPerSecond": batch * steps / wall, "imagesPerCpuSecond": batch * steps / cpu,
            "peakRssMB": peak_rss_mb(), "torch": torch.__version__}


# --cpu-time: this process's CPU time instead of wall time (as layer-profile.js --cpu-time).
CLOCK = time.perf_counter


def median_ms(fn, reps):
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t0 = CLOCK()
        fn()
        times.append((CLOCK() - t0) * 1000)
    return statistics.median(times)


def profile(preset, reps, batch):
    """Each weighted layer and pooling at its shape in the network, timed alone."""
    in_shape, classes = PRESETS[preset]
    net = seed_net(in_shape, classes)
    conv_bwd = torch.ops.aten.convolution_backward
    rows, x, first = [], torch.rand(batch, *in_shape), True
    names = iter(["conv1", "conv2", "pool1", "conv3", "conv4", "pool2", "dense1", "dense2"])
    with torch.no_grad():
        for m in net:
            if isinstance(m, nn.Conv2d):
                pad = list(m.padding)
                y = F.relu(m(x))
                g = torch.rand_like(y) * (y > 0)
                row = {"layer": next(names), "input": list(x.shape),
                       "forward": median_ms(lambda: F.relu(m(x)), reps),
                       "inputGrad": None if first else median_ms(lambda: conv_bwd(
                           g, x, m.weight, [m.out_channels], [1, 1], pad, [1, 1], False, [0, 0], 1, [True, False, False]), reps),
                       "weightGrad": median_ms(lambda: conv_bwd(
                           g, x, m.weight, [m.out_channels], [1, 1], pad, [1, 1], False, [0, 0], 1, [False, True, True]), reps)}
                first = False
            elif isinstance(m, nn.MaxPool2d):
                y, idx = F.max_pool2d(x, 2, return_indices=True)
                g = torch.rand_like(y)
                row = {"layer": next(names), "input": list(x.shape),
                       "forward": median_ms(lambda: F.max_pool2d(x, 2, return_indices=True), reps),
                       "inputGrad": median_ms(lambda: torch.ops.aten.max_pool2d_with_indices_backward(
                           g, x, [2, 2], [2, 2], [0, 0], [1, 1], False, idx), reps),
                       "weightGrad": None}
            elif isinstance(m, nn.Linear):
                y = m(x)
                g = torch.rand_like(y)
                row = {"layer": next(names), "input": list(x.shape),
                       "forward": median_ms(lambda: F.relu(m(x)), reps),
                       "inputGrad": median_ms(lambda: g @ m.weight, reps),
                       "weightGrad": median_ms(lambda: (g.t() @ x, g.sum(0)), reps)}
            else:
                x = m(x)
                continue
            rows.append(row)
            x = m(x)
    return {"preset": preset, "batchSize": batch, "reps": reps, "layers": rows, "torch": torch.__version__}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["train", "profile"])
    p.add_argument("--preset", choices=list(PRESETS), default="seed")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--cpu-time", action="store_true")
    a = p.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(a.threads)
    if a.cpu_time:
        global CLOCK
        CLOCK = time.process_time
    out = train(a.preset, a.threads, a.steps, a.batch) if a.mode == "train" else profile(a.preset, a.reps, a.batch)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
