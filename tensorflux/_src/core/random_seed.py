"""TF's seed rules: a global seed, op seeds, and the generator state each stateful kernel keeps.

`get_seed(op_seed)` turns the global seed (`tf.random.set_seed`) and an op's `seed` argument
into the (seed, seed2) pair a stateful random op runs with, exactly as TF does: an op without
its own seed draws one from a Python `random.Random` seeded by the global seed (so the same
program after `set_seed` sees the same op seeds as under TF); an op seed without a global seed
pairs with TF's default graph seed; no seed at all means fresh randomness.

A TF kernel instance keeps a Philox generator that advances on each call, and eager mode caches
one instance per op type and attributes, so calling the same op with the same seeds continues
a sequence instead of repeating it. `reserve` keeps those generators, keyed the same way;
`set_seed` clears them, as TF clears its kernel cache.
"""

from __future__ import annotations

import random
import secrets
import threading
import weakref

from tensorflux._src.core import context

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1
_MASK64 = 2**64 - 1
_SAMPLES_PER_OUTPUT = 256  # blocks a kernel reserves per output element, as TF's kernels do


class _SeedState:
    def __init__(self):
        self.lock = threading.Lock()
        self.global_seed = None
        self.op_seeds = random.Random(None)
        self.kernels: dict = {}  # kernel key -> [key, next counter]
        self.graph_op_seeds: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


_STATE = _SeedState()


def set_seed(seed) -> None:
    """Sets the global random seed (None clears it); resets the op-seed sequence and kernels.

    >>> tf.random.set_seed(5)
    >>> a = tf.random.uniform([2]); tf.random.set_seed(5)
    >>> bool((a.numpy() == tf.random.uniform([2]).numpy()).all())
    True
    """
    graph = context.state.graph
    if graph is not None and hasattr(graph, "seed"):
        graph.seed = seed
        _STATE.graph_op_seeds.pop(graph, None)
        return
    if seed is not None:
        try:
            hash(seed)
        except TypeError:
            import numpy as np

            seed = int(np.array(seed))
    with _STATE.lock:
        _STATE.global_seed = seed
        _STATE.op_seeds = random.Random(seed)
        _STATE.kernels.clear()


def global_seed():
    """The global seed set by `set_seed` (None when unset)."""
    graph = context.state.graph
    if graph is not None and getattr(graph, "seed", None) is not None:
        return graph.seed
    return _STATE.global_seed


def _truncate(seed) -> int:
    return int(seed) % _MAXINT32


def get_seed(op_seed):
    """The (seed, seed2) pair for an op given its `seed` argument, by TF's rules.

    (None, None) means "nondeterministic"; (0, 0) is never returned, since kernels read it so.
    """
    graph = context.state.graph
    seed = global_seed()
    if seed is not None:
        if op_seed is None:
            with _STATE.lock:
                if graph is not None:
                    op_seed = _STATE.graph_op_seeds.get(graph, 0)
                    _STATE.graph_op_seeds[graph] = op_seed + 1
                else:
                    op_seed = _STATE.op_seeds.randint(0, _MAXINT32)
        seeds = (_truncate(seed), _truncate(op_seed))
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, _truncate(op_seed))
    else:
        return None, None
    if seeds == (0, 0):
        return 0, _MAXINT32
    return seeds


def op_seed_attrs(op_seed) -> tuple[int, int]:
    """`get_seed` as kernel attrs: (0, 0) when nondeterministic."""
    seed, seed2 = get_seed(op_seed)
    return (0, 0) if seed is None else (seed, seed2)


def reserve(kernel_key: tuple, seed: int, seed2: int, outputs: int) -> tuple[int, int]:
    """(key, counter) of the Philox stream a stateful kernel call reads, advancing the kernel.

    A kernel starts at key `seed`, counter `seed2 << 64` (TF's PhiloxRandom(seed, seed2)), or
    at random ones when both seeds are 0, and each call moves it 256 blocks per output.
    """
    with _STATE.lock:
        generator = _STATE.kernels.get(kernel_key)
        if generator is None:
            if seed == 0 and seed2 == 0:
                seed, seed2 = secrets.randbits(64), secrets.randbits(64)
            generator = _STATE.kernels[kernel_key] = [seed & _MASK64, (seed2 & _MASK64) << 64]
        key, counter = generator
        generator[1] = (counter + outputs * _SAMPLES_PER_OUTPUT) % (1 << 128)
    return key, counter
