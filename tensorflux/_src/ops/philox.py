"""Philox4x32-10, the counter-based generator behind every TF random op, vectorized over arrays.

A Philox stream is a 64-bit key and a 128-bit counter; block `i` of the stream is the
10-round bijection of counter + i under the key: four uint32 words. TF's kernels consume these
words in a fixed order, reproduced here, so the same key and counter give the same numbers on
every machine and backend:

- float32 in [0, 1) from the low 23 bits of one word (1.m - 1, exact); float64 from 20 + 32
  bits of two consecutive words; float16 and bfloat16 from the low 10 and 7 bits of a word;
- integers: one word (32-bit) or two consecutive words, low word first (64-bit);
- normals by Box-Muller on consecutive pairs (float32: two words; float64: a whole block),
  with glibc's transcendental functions (`_libm`), as TF's CPU kernels call them;
- truncated normals: output group `g` (4 floats or 2 doubles) reads its own stretch of the
  stream that starts `g * 256` or `g * 128` blocks in, keeping Box-Muller values inside 2.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.ops import _libm

_MULTIPLIERS = np.array([[0xD2511F53], [0xCD9E8D57]], dtype=np.uint64)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF
_ROUND_KEYS: dict[int, list[np.ndarray]] = {}
_SMALL = 4  # runs of at most this many blocks are computed with Python ints (less overhead)


def round_keys(key: int) -> list[np.ndarray]:
    """The ten round keys of a 64-bit key as (2, 1) uint32 columns, cached per key."""
    keys = _ROUND_KEYS.get(key)
    if keys is None:
        if len(_ROUND_KEYS) > 1024:
            _ROUND_KEYS.clear()
        k0, k1 = key & _MASK32, (key >> 32) & _MASK32
        keys = [
            np.array([[(k0 + r * _W0) & _MASK32], [(k1 + r * _W1) & _MASK32]], dtype=np.uint32)
            for r in range(10)
        ]
        _ROUND_KEYS[key] = keys
    return keys


def scalar_block(key: int, counter: int) -> tuple[int, int, int, int]:
    """One Philox block as Python ints (seed scrambling, tiny outputs)."""
    c0, c1 = counter & _MASK32, (counter >> 32) & _MASK32
    c2, c3 = (counter >> 64) & _MASK32, (counter >> 96) & _MASK32
    k0, k1 = key & _MASK32, (key >> 32) & _MASK32
    for _ in range(10):
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & _MASK32, (p0 >> 32) ^ c3 ^ k1, p0 & _MASK32
        k0 = (k0 + _W0) & _MASK32
        k1 = (k1 + _W1) & _MASK32
    return c0, c1, c2, c3


def _rounds(xp, key: int, even, odd):
    """Runs the ten rounds on counters held as even = [c0, c2], odd = [c1, c3] (uint32 rows)."""
    multipliers = _MULTIPLIERS if xp is np else xp.asarray(_MULTIPLIERS)
    for round_key in round_keys(key):
        if xp is not np:
            round_key = xp.asarray(round_key)
        halves = (even * multipliers).view(xp.uint32)  # little-endian: [low, high] pairs
        even = halves[::-1, 1::2] ^ odd
        even ^= round_key
        odd = halves[::-1, 0::2]
    out = xp.empty((even.shape[1], 4), dtype=xp.uint32)
    out[:, 0] = even[0]
    out[:, 1] = odd[0]
    out[:, 2] = even[1]
    out[:, 3] = odd[1]
    return out


def blocks(xp, key: int, counter: int, count: int):
    """Blocks `counter .. counter + count - 1` under `key`: a (count, 4) uint32 array.

    `key` is a 64-bit and `counter` a 128-bit Python int (word 0 is its lowest 32 bits).
    """
    if count <= _SMALL:
        rows = [scalar_block(key, (counter + i) & ((1 << 128) - 1)) for i in range(count)]
        return xp.asarray(np.array(rows, dtype=np.uint32).reshape(count, 4))
    low = counter & _MASK64
    high = (counter >> 64) & _MASK64
    if low + count <= _MASK64 + 1:
        return at(xp, key, xp.arange(low, low + count, dtype=xp.uint64), high)
    offsets = xp.arange(count, dtype=xp.uint64) + xp.uint64(low)  # wraps: carry into high
    carry = (offsets < xp.uint64(low)).astype(xp.uint64)
    return at(xp, key, offsets, xp.uint64(high) + carry)


def at(xp, key: int, low, high):
    """Blocks at counters (high << 64) | low: `low` a uint64 array, `high` an int or array."""
    count = low.shape[0]
    even = xp.empty((2, count), dtype=xp.uint32)
    odd = xp.empty((2, count), dtype=xp.uint32)
    low_halves = low.view(xp.uint32)
    even[0] = low_halves[0::2]
    odd[0] = low_halves[1::2]
    if isinstance(high, int):
        even[1] = high & _MASK32
        odd[1] = high >> 32
    else:
        high_halves = xp.asarray(high, dtype=xp.uint64).reshape(-1).view(xp.uint32)
        even[1] = high_halves[0::2]
        odd[1] = high_halves[1::2]
    return _rounds(xp, key, even, odd)


def words(xp, key: int, counter: int, count: int):
    """The first `count` uint32 words of the stream, block after block."""
    return blocks(xp, key, counter, -(-count // 4)).reshape(-1)[:count]


# ---- words to numbers, as TF's distributions do ------------------------------------------------
def float32_from(xp, raw):
    """[0, 1) from the low 23 bits: 1.m - 1 is exact, so every value is a multiple of 2**-23."""
    bits = (raw & xp.uint32(0x7FFFFF)) | xp.uint32(0x3F800000)
    return bits.view(xp.float32) - xp.float32(1.0)


def float64_from(xp, high, low):
    """[0, 1) from 20 bits of `high` and the 32 bits of `low`."""
    bits = ((high & xp.uint32(0xFFFFF)).astype(xp.uint64) << xp.uint64(32)) | low
    bits |= xp.uint64(0x3FF0000000000000)
    return bits.view(xp.float64) - 1.0


def float16_from(xp, raw):
    bits = (raw & xp.uint32(0x3FF)).astype(xp.uint16) | xp.uint16(0x3C00)
    return bits.view(xp.float16) - xp.float16(1.0)


def bfloat16_from(xp, raw):
    import ml_dtypes

    bits = (raw & xp.uint32(0x7F)).astype(xp.uint16) | xp.uint16(0x3F80)
    return (bits.view(ml_dtypes.bfloat16).astype(xp.float32) - 1.0).astype(ml_dtypes.bfloat16)


def uint64_from(xp, low, high):
    """64-bit integers from (low word, high word) pairs."""
    return low.astype(xp.uint64) | (high.astype(xp.uint64) << xp.uint64(32))


def uniform(xp, key: int, counter: int, count: int, np_dtype):
    """`count` floats in [0, 1) of a float dtype, as TF's UniformDistribution lays them out."""
    kind = np.dtype(np_dtype)
    if kind == np.float64:
        raw = words(xp, key, counter, 2 * count)
        return float64_from(xp, raw[0::2], raw[1::2])
    raw = words(xp, key, counter, count)
    if kind == np.float32:
        return float32_from(xp, raw)
    if kind == np.float16:
        return float16_from(xp, raw)
    return bfloat16_from(xp, raw)


def box_muller32(xp, x0, x1):
    """Two float32 normals per word pair (TF's BoxMullerFloat with glibc's logf and sincosf)."""
    u1 = xp.maximum(float32_from(xp, x0), xp.float32(1.0e-7))
    angle = (2.0 * np.pi * float32_from(xp, x1).astype(xp.float64)).astype(xp.float32)
    radius = xp.sqrt(xp.float32(-2.0) * _libm.logf(xp, u1))
    sine, cosine = _libm.sincosf(xp, angle)
    return sine * radius, cosine * radius


def box_muller64(xp, x0, x1, x2, x3):
    """Two float64 normals per block (TF's BoxMullerDouble with glibc's log)."""
    u1 = xp.maximum(float64_from(xp, x0, x1.astype(xp.uint64)), 1.0e-7)
    angle = 2.0 * np.pi * float64_from(xp, x2, x3.astype(xp.uint64))
    radius = xp.sqrt(-2.0 * _libm.log(xp, u1))
    return xp.sin(angle) * radius, xp.cos(angle) * radius


def _interleave(xp, first, second, count: int):
    out = xp.empty(2 * first.shape[0], dtype=first.dtype)
    out[0::2] = first
    out[1::2] = second
    return out[:count]


def normal(xp, key: int, counter: int, count: int, np_dtype):
    """`count` standard normals, as TF's NormalDistribution lays them out."""
    if np.dtype(np_dtype) == np.float64:
        raw = blocks(xp, key, counter, -(-count // 2))
        first, second = box_muller64(xp, raw[:, 0], raw[:, 1], raw[:, 2], raw[:, 3])
        return _interleave(xp, first, second, count)
    raw = words(xp, key, counter, 2 * (-(-count // 2)))
    first, second = box_muller32(xp, raw[0::2], raw[1::2])
    values = _interleave(xp, first, second, count)
    return values if np.dtype(np_dtype) == np.float32 else values.astype(np_dtype)


def truncated_normal(xp, key: int, counter: int, count: int, np_dtype):
    """`count` normals within (-2, 2), as TF's TruncatedNormalDistribution lays them out.

    Output group g takes the first accepted values of the stream at counter + g * skip; a
    group that needs more than the blocks drawn so far gets more, only for that group.
    """
    double = np.dtype(np_dtype) == np.float64
    group_size, skip = (2, 128) if double else (4, 256)
    groups = -(-count // group_size)
    out = xp.empty((groups, group_size), dtype=xp.float64 if double else xp.float32)
    pending = xp.arange(groups, dtype=xp.uint64)
    depth = 2
    while pending.shape[0]:
        candidates = _truncation_candidates(xp, key, counter, pending, skip, depth, double)
        accepted = xp.abs(candidates) < 2.0
        enough = accepted.sum(axis=1) >= group_size
        order = xp.argsort(~accepted[enough], axis=1, kind="stable")[:, :group_size]
        rows = pending[enough].astype(xp.intp)
        out[rows] = xp.take_along_axis(candidates[enough], order, axis=1)
        pending = pending[~enough]
        depth *= 4
    values = out.reshape(-1)[:count]
    return values if double or np.dtype(np_dtype) == np.float32 else values.astype(np_dtype)


def _truncation_candidates(xp, key, counter, groups, skip, depth, double):
    """The first `depth` blocks' Box-Muller values of each group's stream, in stream order."""
    base_low = counter & _MASK64
    offsets = (groups * xp.uint64(skip))[:, None] + xp.arange(depth, dtype=xp.uint64)[None, :]
    low = offsets.reshape(-1) + xp.uint64(base_low)
    high = (counter >> 64) & _MASK64
    if int(offsets.max()) + base_low > _MASK64:
        high = xp.uint64(high) + (low < xp.uint64(base_low)).astype(xp.uint64)
    raw = at(xp, key, low, high)
    if double:
        first, second = box_muller64(xp, raw[:, 0], raw[:, 1], raw[:, 2], raw[:, 3])
    else:
        pairs = raw.reshape(-1, 2)
        first, second = box_muller32(xp, pairs[:, 0], pairs[:, 1])
    values = xp.stack([first, second], axis=1)
    return values.reshape(groups.shape[0], -1)
