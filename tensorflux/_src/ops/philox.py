"""Philox4x32-10, the counter-based generator behind every TF random op, vectorized over arrays.

A Philox stream is a 64-bit key and a 128-bit counter; block `i` of the stream is the
10-round bijection of counter + i under the key, four uint32 words. TF's kernels consume
these words in a fixed order (the distribution helpers below), so the same key and counter
give the same numbers on every machine and backend.

The conversions from words to numbers follow TF's kernels exactly: a float32 in [0, 1) from the
low 23 bits of one word, a float64 from 52 bits of two words, normals by Box-Muller on pairs.
The transcendental functions of Box-Muller are evaluated the way glibc's libm does (the tables
and polynomials of its logf, sincosf, log and sincos), so normals agree bit for bit with TF on
Linux.
"""

from __future__ import annotations

import numpy as np

_M = np.array([[0xD2511F53], [0xCD9E8D57]], dtype=np.uint64)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF


def _round_keys(key: int) -> list[np.ndarray]:
    k0, k1 = key & _MASK32, key >> 32
    return [
        np.array([[(k0 + r * _W0) & _MASK32], [(k1 + r * _W1) & _MASK32]], dtype=np.uint32)
        for r in range(10)
    ]


_KEY_CACHE: dict[int, list] = {}


def round_keys(key: int) -> list[np.ndarray]:
    """The ten per-round keys of a 64-bit key, cached (a handful of keys are used repeatedly)."""
    keys = _KEY_CACHE.get(key)
    if keys is None:
        if len(_KEY_CACHE) > 256:
            _KEY_CACHE.clear()
        keys = _KEY_CACHE[key] = _round_keys(key)
    return keys


def blocks(xp, key: int, counter: int, count: int):
    """Philox blocks `counter .. counter + count - 1` under `key`: a (count, 4) uint32 array.

    `key` is a 64-bit and `counter` a 128-bit Python int (word 0 is the lowest 32 bits).
    """
    low = counter & _MASK64
    high = (counter >> 64) & _MASK64
    index = xp.arange(count, dtype=xp.uint64)
    if low + count <= _MASK64 + 1:
        low_words = index + xp.uint64(low) if low else index
        high_words = None
    else:  # the low half wraps inside this run: carry into the high half
        low_words = index + xp.uint64(low)
        high_words = xp.uint64(high) + (low_words < xp.uint64(low)).astype(xp.uint64)
    even = xp.empty((2, count), dtype=xp.uint32)
    odd = xp.empty((2, count), dtype=xp.uint32)
    even[0] = low_words.astype(xp.uint32)
    odd[0] = (low_words >> xp.uint64(32)).astype(xp.uint32)
    if high_words is None:
        even[1] = high & _MASK32
        odd[1] = high >> 32
    else:
        even[1] = high_words.astype(xp.uint32)
        odd[1] = (high_words >> xp.uint64(32)).astype(xp.uint32)
    multipliers = xp.asarray(_M) if xp is not np else _M
    for round_key in round_keys(key):
        if xp is not np:
            round_key = xp.asarray(round_key)
        product = even * multipliers
        even = (product >> xp.uint64(32)).astype(xp.uint32)[::-1]
        even ^= odd
        even ^= round_key
        odd = product.astype(xp.uint32)[::-1]
    out = xp.empty((count, 4), dtype=xp.uint32)
    out[:, 0] = even[0]
    out[:, 1] = odd[0]
    out[:, 2] = even[1]
    out[:, 3] = odd[1]
    return out


def words(xp, key: int, counter: int, count: int):
    """The first `count` uint32 words of the stream, in TF's order (block by block)."""
    return blocks(xp, key, counter, -(-count // 4)).reshape(-1)[:count]


def scalar_block(key: int, counter: int) -> tuple[int, int, int, int]:
    """One Philox block as Python ints (seed scrambling, state updates)."""
    return tuple(int(w) for w in blocks(np, key, counter, 1)[0])


# ---- words to numbers, as TF's distributions do ------------------------------------------------
def uniform_float32(xp, raw):
    """[0, 1) from the low 23 bits: 1.m - 1 is exact, so every result is a multiple of 2**-23."""
    bits = (raw & xp.uint32(0x7FFFFF)) | xp.uint32(0x3F800000)
    return bits.view(xp.float32) - xp.float32(1.0)


def uniform_float64(xp, high, low):
    """[0, 1) from 20 bits of `high` and 32 bits of `low`."""
    bits = ((high & xp.uint32(0xFFFFF)).astype(xp.uint64) << xp.uint64(32)) | low.astype(xp.uint64)
    bits |= xp.uint64(0x3FF0000000000000)
    return bits.view(xp.float64) - 1.0


def uniform_float16(xp, raw):
    """[0, 1) from the low 10 bits of each word."""
    bits = (raw & xp.uint32(0x3FF)).astype(xp.uint16) | xp.uint16(0x3C00)
    return bits.view(xp.float16) - xp.float16(1.0)


def uniform_bfloat16(xp, raw):
    """[0, 1) from the low 7 bits of each word."""
    import ml_dtypes

    bits = (raw & xp.uint32(0x7F)).astype(xp.uint16) | xp.uint16(0x3F80)
    return (bits.view(ml_dtypes.bfloat16).astype(xp.float32) - 1.0).astype(ml_dtypes.bfloat16)


def uint64_from_words(xp, low, high):
    """64-bit integers from (low word, high word) pairs."""
    return low.astype(xp.uint64) | (high.astype(xp.uint64) << xp.uint64(32))
