"""How fast can a NumPy convolution be? The GEMMs alone, against TensorFlow's whole step.

    python benchmarks/conv_ceiling.py [--tf-python PATH | --no-tf]

The conv2d_step case (3x3 SAME, 32x32x64 -> 64, batch 32, forward and both gradients) is three
matrix products of 2.4 GFLOP each once the patches exist. This script times those three
products on NumPy's BLAS in every layout BLAS accepts without a copy, keeps the fastest of
each, and adds them up: no im2col copy, no padding, no Python. That sum is the floor for any
convolution built on this BLAS, and is compared with TensorFlow's time for the whole step
(oneDNN's direct convolution), measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

BATCH, SIZE, CHANNELS, TAPS = 32, 32, 64, 9
DEFAULT_TF_PYTHON = "/work/tfvenv/bin/python"

_TF_STEP = """
import json, time, numpy as np, tensorflow as tf
rng = np.random.default_rng(9)
x = tf.constant(rng.standard_normal((32, 32, 32, 64), dtype=np.float32))
w = tf.constant(rng.standard_normal((3, 3, 64, 64), dtype=np.float32) * 0.05)
def step():
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        loss = tf.reduce_sum(tf.nn.conv2d(x, w, strides=1, padding="SAME"))
    return [g.numpy() for g in tape.gradient(loss, [x, w])]
for _ in range(3):
    step()
times = []
for _ in range(15):
    start = time.perf_counter()
    step()
    times.append(time.perf_counter() - start)
print(json.dumps(sorted(times)[len(times) // 2]))
"""


def best_time(fn, repeat: int = 9) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def gemm_floor() -> dict:
    """The fastest layout of each of the step's three products, in seconds."""
    rng = np.random.default_rng(0)
    pixels, depth = BATCH * SIZE * SIZE, TAPS * CHANNELS
    patches = rng.random((pixels, depth), dtype=np.float32)
    patches_t = np.ascontiguousarray(patches.T)
    weights = rng.random((depth, CHANNELS), dtype=np.float32)
    weights_t = np.ascontiguousarray(weights.T)
    grads = rng.random((pixels, CHANNELS), dtype=np.float32)
    grads_t = np.ascontiguousarray(grads.T)
    products = {
        # output = patches @ weights, or its transpose
        "forward": [lambda: patches @ weights, lambda: weights_t @ patches_t],
        # input gradient: the output-gradient patches against the flipped filter: same shapes
        "input gradient": [lambda: patches @ weights, lambda: weights_t @ patches_t],
        # filter gradient = patches^T @ grads, or its transpose
        "filter gradient": [lambda: patches_t @ grads, lambda: grads_t @ patches],
    }
    return {name: min(best_time(fn) for fn in layouts) for name, layouts in products.items()}


def tf_step(tf_python: str) -> float | None:
    if not os.path.exists(tf_python):
        return None
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run(
        [tf_python, "-c", _TF_STEP], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tf-python", default=os.environ.get("TF_PYTHON", DEFAULT_TF_PYTHON))
    parser.add_argument("--no-tf", action="store_true")
    args = parser.parse_args()
    flops = 2 * BATCH * SIZE * SIZE * TAPS * CHANNELS * CHANNELS
    floor = gemm_floor()
    for name, seconds in floor.items():
        print(f"{name:16s} {seconds * 1e3:7.2f} ms  {flops / seconds / 1e9:5.0f} GFLOP/s")
    total = sum(floor.values())
    print(f"{'GEMMs alone':16s} {total * 1e3:7.2f} ms  {3 * flops / total / 1e9:5.0f} GFLOP/s")
    tf_seconds = None if args.no_tf else tf_step(args.tf_python)
    if tf_seconds is not None:
        print(
            f"{'TensorFlow step':16s} {tf_seconds * 1e3:7.2f} ms  "
            f"{3 * flops / tf_seconds / 1e9:5.0f} GFLOP/s (whole step, oneDNN)"
        )
        print(f"best possible ratio TF/tensorflux on this BLAS: {tf_seconds / total:.2f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
