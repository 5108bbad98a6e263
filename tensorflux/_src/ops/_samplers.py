"""Rejection and inversion samplers on a Philox stream: gamma, Poisson, binomial, categorical.

Every sampler reads its randomness from a `Stream` (a key and a moving counter), so a seed
gives the same numbers on every machine. Rejection loops run over the still-pending elements
as whole arrays: each round draws for all of them at once, and few rounds are needed.
"""

from __future__ import annotations

import math

import numpy as np

from tensorflux._src.ops import philox

_LOG_FACTORIALS = np.array([math.lgamma(k + 1.0) for k in range(256)])
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


class Stream:
    """Sequential draws from the Philox stream at (key, counter)."""

    def __init__(self, xp, key: int, counter: int):
        self.xp = xp
        self.key = key
        self.counter = counter

    def words(self, count: int):
        block_count = -(-count // 4)
        raw = philox.blocks(self.xp, self.key, self.counter, block_count).reshape(-1)[:count]
        self.counter = (self.counter + block_count) % (1 << 128)
        return raw

    def uniform(self, count: int):
        """float64 in [0, 1)."""
        raw = self.words(2 * count)
        return philox.float64_from(self.xp, raw[0::2], raw[1::2].astype(self.xp.uint64))

    def normal(self, count: int):
        """float64 standard normals (Box-Muller, one block per pair)."""
        block_count = -(-count // 2)
        raw = philox.blocks(self.xp, self.key, self.counter, block_count)
        self.counter = (self.counter + block_count) % (1 << 128)
        first, second = philox.box_muller64(self.xp, raw[:, 0], raw[:, 1], raw[:, 2], raw[:, 3])
        return self.xp.concatenate([first, second])[:count]

    def uint64(self, count: int):
        raw = self.words(2 * count)
        return philox.uint64_from(self.xp, raw[0::2], raw[1::2])


def log_factorial(xp, k):
    """log(k!) for float arrays of non-negative integers (table, then Stirling's series)."""
    small = k < 256
    table = _LOG_FACTORIALS if xp is np else xp.asarray(_LOG_FACTORIALS)
    x = xp.maximum(k, 255.0) + 1.0
    inverse = 1.0 / x
    stirling = (x - 0.5) * xp.log(x) - x + _HALF_LOG_2PI
    stirling += inverse * (1.0 / 12 - inverse * inverse * (1.0 / 360 - inverse * inverse / 1260))
    return xp.where(small, table[xp.clip(k, 0, 255).astype(xp.intp)], stirling)


def gamma(stream: Stream, alpha):
    """Gamma(alpha, 1) for a flat float64 array of shapes (Marsaglia and Tsang, boosted < 1)."""
    xp = stream.xp
    boost = alpha < 1.0
    d = xp.where(boost, alpha + 1.0, alpha) - 1.0 / 3.0
    c = 1.0 / xp.sqrt(9.0 * xp.maximum(d, 1e-300))
    out = xp.full(alpha.shape, xp.nan)
    pending = xp.nonzero(alpha > 0)[0]
    while pending.shape[0]:
        x = stream.normal(pending.shape[0])
        u = stream.uniform(pending.shape[0])
        dp, cp = d[pending], c[pending]
        v = (1.0 + cp * x) ** 3
        with np.errstate(divide="ignore", invalid="ignore"):
            ok = (v > 0) & (xp.log(u) < 0.5 * x * x + dp - dp * v + dp * xp.log(v))
        out[pending[ok]] = dp[ok] * v[ok]
        pending = pending[~ok]
    boosted = xp.nonzero(boost & (alpha > 0))[0]
    if boosted.shape[0]:
        u = stream.uniform(boosted.shape[0])
        with np.errstate(divide="ignore"):
            out[boosted] *= u ** (1.0 / alpha[boosted])
    return out


def poisson(stream: Stream, lam):
    """Poisson(lam) as float64 counts for a flat float64 array of rates."""
    xp = stream.xp
    out = xp.full(lam.shape, xp.nan)
    out[lam == 0] = 0.0
    small = xp.nonzero((lam > 0) & (lam < 10))[0]
    if small.shape[0]:
        out[small] = _poisson_by_products(stream, lam[small])
    large = xp.nonzero(lam >= 10)[0]
    if large.shape[0]:
        out[large] = _poisson_ptrs(stream, lam[large])
    return out


def _poisson_by_products(stream, lam):
    """Knuth's method: count uniforms until their product drops below exp(-lam)."""
    xp = stream.xp
    limit = xp.exp(-lam)
    product = xp.ones(lam.shape)
    count = xp.zeros(lam.shape)
    pending = xp.arange(lam.shape[0])
    while pending.shape[0]:
        product[pending] *= stream.uniform(pending.shape[0])
        done = product[pending] < limit[pending]
        count[pending[~done]] += 1.0
        pending = pending[~done]
    return count


def _poisson_ptrs(stream, lam):
    """Hormann's transformed rejection with squeeze (PTRS), for rates of 10 and more."""
    xp = stream.xp
    out = xp.empty(lam.shape)
    log_lam = xp.log(lam)
    b = 0.931 + 2.53 * xp.sqrt(lam)
    a = -0.059 + 0.02483 * b
    log_inv_alpha = xp.log(1.1239 + 1.1328 / (b - 3.4))
    v_r = 0.9277 - 3.6224 / (b - 2.0)
    pending = xp.arange(lam.shape[0])
    while pending.shape[0]:
        u = stream.uniform(pending.shape[0]) - 0.5
        v = stream.uniform(pending.shape[0])
        us = 0.5 - xp.abs(u)
        ap, bp, lp = a[pending], b[pending], lam[pending]
        k = xp.floor((2.0 * ap / us + bp) * u + lp + 0.43)
        quick = (us >= 0.07) & (v <= v_r[pending])
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = -lp + k * log_lam[pending] - log_factorial(xp, xp.maximum(k, 0.0))
            test = xp.log(v) + log_inv_alpha[pending] - xp.log(ap / (us * us) + bp)
        ok = quick | ((k >= 0) & ~((us < 0.013) & (v > us)) & (test <= bound))
        out[pending[ok]] = k[ok]
        pending = pending[~ok]
    return out


def _stirling_tail(xp, k):
    """log(k!) minus its Stirling approximation (k + 0.5) log(k + 1) - (k + 1) + log(2 pi) / 2."""
    x = k + 1.0
    series = (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / (x * x)) / (x * x)) / x
    exact = (
        log_factorial(xp, xp.minimum(k, 9.0))
        - (xp.minimum(k, 9.0) + 0.5) * xp.log(xp.minimum(k, 9.0) + 1.0)
        + (xp.minimum(k, 9.0) + 1.0)
        - _HALF_LOG_2PI
    )
    return xp.where(k <= 9, exact, series)


def binomial(stream: Stream, counts, probs):
    """Binomial(counts, probs) as float64 for flat float64 arrays (inversion, then BTRS)."""
    xp = stream.xp
    out = xp.full(counts.shape, xp.nan)
    valid = (counts >= 0) & (probs >= 0) & (probs <= 1)
    flip = probs > 0.5
    p = xp.where(flip, 1.0 - probs, probs)
    trivial = valid & ((p == 0) | (counts == 0))
    out[trivial] = 0.0
    rest = valid & ~trivial
    small = xp.nonzero(rest & (counts * p < 10))[0]
    if small.shape[0]:
        out[small] = _binomial_inversion(stream, counts[small], p[small])
    large = xp.nonzero(rest & (counts * p >= 10))[0]
    if large.shape[0]:
        out[large] = _binomial_btrs(stream, counts[large], p[large])
    return xp.where(flip & valid, counts - out, out)


def _binomial_inversion(stream, n, p):
    """Sums geometric waiting times until they pass n (rounds: about n * p)."""
    xp = stream.xp
    log_q = xp.log1p(-p)
    position = xp.zeros(n.shape)
    successes = xp.zeros(n.shape)
    pending = xp.arange(n.shape[0])
    while pending.shape[0]:
        u = stream.uniform(pending.shape[0])
        with np.errstate(divide="ignore"):
            position[pending] += xp.ceil(xp.log1p(-u) / log_q[pending])
        done = position[pending] > n[pending]
        successes[pending[~done]] += 1.0
        pending = pending[~done]
    return successes


def _binomial_btrs(stream, n, p):
    """Hormann's transformed rejection (BTRS), for n * p of 10 and more with p <= 0.5."""
    xp = stream.xp
    out = xp.empty(n.shape)
    q = 1.0 - p
    spq = xp.sqrt(n * p * q)
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    r = p / q
    alpha = (2.83 + 5.1 / b) * spq
    m = xp.floor((n + 1.0) * p)
    pending = xp.arange(n.shape[0])
    while pending.shape[0]:
        u = stream.uniform(pending.shape[0]) - 0.5
        v = stream.uniform(pending.shape[0])
        us = 0.5 - xp.abs(u)
        ap, bp, np_, mp, rp = a[pending], b[pending], n[pending], m[pending], r[pending]
        k = xp.floor((2.0 * ap / us + bp) * u + c[pending])
        inside = (k >= 0) & (k <= np_)
        quick = inside & (us >= 0.07) & (v <= v_r[pending])
        kc = xp.clip(k, 0.0, np_)
        with np.errstate(divide="ignore", invalid="ignore"):
            test = xp.log(v * alpha[pending] / (ap / (us * us) + bp))
            bound = (
                (mp + 0.5) * xp.log((mp + 1.0) / (rp * (np_ - mp + 1.0)))
                + (np_ + 1.0) * xp.log((np_ - mp + 1.0) / (np_ - kc + 1.0))
                + (kc + 0.5) * xp.log(rp * (np_ - kc + 1.0) / (kc + 1.0))
                + _stirling_tail(xp, mp)
                + _stirling_tail(xp, np_ - mp)
                - _stirling_tail(xp, kc)
                - _stirling_tail(xp, np_ - kc)
            )
        ok = quick | (inside & (test <= bound))
        out[pending[ok]] = k[ok]
        pending = pending[~ok]
    return out


def categorical(stream: Stream, logits, num_samples: int):
    """Class indices (int64) drawn from each row of `logits` by inverting the row's CDF."""
    xp = stream.xp
    batch, classes = logits.shape
    if batch == 0 or num_samples == 0:
        return xp.zeros((batch, num_samples), dtype=xp.int64)
    values = logits.astype(xp.float64)
    finite_max = xp.max(xp.where(xp.isfinite(values), values, -xp.inf), axis=1, keepdims=True)
    with np.errstate(invalid="ignore", over="ignore"):
        weights = xp.exp(values - xp.where(xp.isfinite(finite_max), finite_max, 0.0))
    weights = xp.where(xp.isnan(weights), 0.0, weights)
    cdf = xp.cumsum(weights, axis=1)
    total = cdf[:, -1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        cdf = cdf / total
    cdf = xp.where(total > 0, cdf, 1.0)
    cdf[:, -1] = 1.0
    rows = xp.arange(batch, dtype=xp.float64)[:, None]
    draws = stream.uniform(batch * num_samples).reshape(batch, num_samples)
    flat = (cdf + rows).reshape(-1)
    index = xp.searchsorted(flat, (draws + rows).reshape(-1), side="right")
    index = index.reshape(batch, num_samples) - (xp.arange(batch) * classes)[:, None]
    return xp.minimum(index, classes - 1).astype(xp.int64)


def permutation(stream: Stream, count: int):
    """A uniformly random permutation of range(count): the order of 64-bit random keys."""
    return stream.xp.argsort(stream.uint64(count), kind="stable")
