"""Candidate sampling: the samplers of tf.random, accidental hits, and the sampled losses
tf.nn.sampled_softmax_loss and tf.nn.nce_loss that train large softmax layers on a sample of
the classes.

A sampler draws `num_sampled` classes from [0, range_max) and reports how often each true and
sampled class is expected to be drawn; the losses subtract the log of those counts from the
logits (TF's "subtract log Q" correction).
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors, random_seed
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _samplers, array_ops, linalg_ops, math_ops, nn_ops, reduction_ops

# Room left in the Philox stream per call: unique sampling redraws until it has enough classes.
_DRAWS_PER_CALL = 1 << 16


# ---- the distributions ---------------------------------------------------------------------------
def _log_uniform_draw(uniform, range_max: int):
    """Zipfian classes: P(k) = log((k + 2) / (k + 1)) / log(range_max + 1)."""
    classes = np.floor(np.exp(uniform * np.log(range_max + 1.0))).astype(np.int64) - 1
    return np.clip(classes, 0, range_max - 1)


def _log_uniform_probability(classes, range_max: int):
    classes = np.asarray(classes, np.float64)
    return (np.log(classes + 2.0) - np.log(classes + 1.0)) / np.log(range_max + 1.0)


def _uniform_draw(uniform, range_max: int):
    return np.minimum((uniform * range_max).astype(np.int64), range_max - 1)


def _uniform_probability(classes, range_max: int):
    return np.full(np.shape(classes), 1.0 / range_max)


def _sampler_kernel(name: str, draw, probability):
    def kernel(
        xp, true_classes, num_true=1, num_sampled=1, unique=True, range_max=1, seed=0, seed2=0
    ):
        if unique and num_sampled > range_max:
            raise errors.InvalidArgumentError(None, None, "Sampler's range is too small.")
        if true_classes.ndim != 2 or true_classes.shape[1] != num_true:
            raise errors.InvalidArgumentError(
                None, None, f"true_classes must be a matrix with num_true ({num_true}) columns"
            )
        key, counter = random_seed.reserve((name, seed, seed2), seed, seed2, _DRAWS_PER_CALL)
        stream = _samplers.Stream(np, key, counter)
        if unique:
            chosen: dict[int, None] = {}  # insertion-ordered: the first draws of each class
            tries = 0
            while len(chosen) < num_sampled:
                batch = draw(stream.uniform(max(2 * (num_sampled - len(chosen)), 8)), range_max)
                for value in batch.tolist():
                    tries += 1
                    chosen.setdefault(value, None)
                    if len(chosen) == num_sampled:
                        break
            sampled = np.fromiter(chosen, np.int64, count=num_sampled)

            def expected(classes):
                p = probability(classes, range_max)
                return -np.expm1(tries * np.log1p(-np.minimum(p, 1.0 - 1e-16)))
        else:
            sampled = draw(stream.uniform(num_sampled), range_max)

            def expected(classes):
                return probability(classes, range_max) * num_sampled

        return (
            xp.asarray(sampled),
            xp.asarray(expected(np.asarray(true_classes)).astype(np.float32)),
            xp.asarray(expected(sampled).astype(np.float32)),
        )

    return kernel


def _sampler_infer(true_classes, num_true=1, num_sampled=1, **attrs):
    return [
        TensorSpec([num_sampled], dtypes.int64),
        TensorSpec(
            [true_classes.shape[0] if true_classes.shape.rank else None, num_true], dtypes.float32
        ),
        TensorSpec([num_sampled], dtypes.float32),
    ]


def _sampler_op(name: str, draw, probability) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=_sampler_kernel(name, draw, probability),
            infer=_sampler_infer,
            inputs=("true_classes",),
            outputs=("sampled_candidates", "true_expected_count", "sampled_expected_count"),
            attrs=("num_true", "num_sampled", "unique", "range_max", "seed", "seed2"),
            stateful=True,
        )
    )


LOG_UNIFORM_SAMPLER = _sampler_op(
    "LogUniformCandidateSampler", _log_uniform_draw, _log_uniform_probability
)
UNIFORM_SAMPLER = _sampler_op("UniformCandidateSampler", _uniform_draw, _uniform_probability)


def _sample(op, true_classes, num_true, num_sampled, unique, range_max, seed, name):
    seed1, seed2 = random_seed.op_seed_attrs(seed)
    attrs = {
        "num_true": int(num_true),
        "num_sampled": int(num_sampled),
        "unique": bool(unique),
        "range_max": int(range_max),
        "seed": seed1,
        "seed2": seed2,
    }
    classes = math_ops.cast(convert_to_tensor(true_classes), dtypes.int64)
    return tuple(apply(op, (classes,), attrs, name))


def log_uniform_candidate_sampler(
    true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None
):
    """Samples classes with P(k) = log((k + 2) / (k + 1)) / log(range_max + 1) (frequent words
    first, as in a vocabulary sorted by frequency).

    Returns (sampled_candidates, true_expected_count, sampled_expected_count).

    >>> sampled, _, _ = tf.random.log_uniform_candidate_sampler(
    ...     [[0]], num_true=1, num_sampled=3, unique=True, range_max=10, seed=1)
    >>> sampled.shape
    TensorShape([3])
    """
    return _sample(
        LOG_UNIFORM_SAMPLER, true_classes, num_true, num_sampled, unique, range_max, seed, name
    )


def uniform_candidate_sampler(
    true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None
):
    """Samples classes uniformly from [0, range_max); returns (sampled_candidates,
    true_expected_count, sampled_expected_count).

    >>> sampled, _, _ = tf.random.uniform_candidate_sampler(
    ...     [[0]], num_true=1, num_sampled=2, unique=True, range_max=5, seed=1)
    >>> sampled.dtype
    tf.int64
    """
    return _sample(
        UNIFORM_SAMPLER, true_classes, num_true, num_sampled, unique, range_max, seed, name
    )


# ---- ComputeAccidentalHits -----------------------------------------------------------------------
def _accidental_hits_kernel(xp, true_classes, sampled_candidates, num_true=1, seed=0, seed2=0):
    rows, positions = np.nonzero(
        (np.asarray(true_classes)[:, :, None] == np.asarray(sampled_candidates)[None, None, :]).any(
            axis=1
        )
    )
    return (
        xp.asarray(rows.astype(np.int32)),
        xp.asarray(positions.astype(np.int64)),
        xp.asarray(np.full(rows.shape, -np.finfo(np.float32).max, np.float32)),
    )


COMPUTE_ACCIDENTAL_HITS = register(
    OpDef(
        name="ComputeAccidentalHits",
        kernel=_accidental_hits_kernel,
        infer=lambda *specs, **attrs: [
            TensorSpec([None], dtypes.int32),
            TensorSpec([None], dtypes.int64),
            TensorSpec([None], dtypes.float32),
        ],
        inputs=("true_classes", "sampled_candidates"),
        outputs=("indices", "ids", "weights"),
        attrs=("num_true", "seed", "seed2"),
    )
)


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """Where a sampled class is one of a row's true classes: (row indices, positions in
    sampled_candidates, weights of -FLT_MAX to add to those logits).

    >>> rows, ids, _ = tf.nn.compute_accidental_hits([[1], [2]], [2, 5], num_true=1)
    >>> rows.numpy(), ids.numpy()
    (array([1], dtype=int32), array([0]))
    """
    seed1, seed2 = random_seed.op_seed_attrs(seed)
    classes = math_ops.cast(convert_to_tensor(true_classes), dtypes.int64)
    sampled = math_ops.cast(convert_to_tensor(sampled_candidates), dtypes.int64)
    attrs = {"num_true": int(num_true), "seed": seed1, "seed2": seed2}
    return tuple(apply(COMPUTE_ACCIDENTAL_HITS, (classes, sampled), attrs, name))


# ---- the sampled losses --------------------------------------------------------------------------
def _sampled_logits(
    weights,
    biases,
    labels,
    inputs,
    num_sampled,
    num_classes,
    num_true,
    sampled_values,
    subtract_log_q,
    remove_accidental_hits,
    seed,
):
    """(logits, labels) over each row's true classes then the sampled ones."""
    labels = math_ops.cast(convert_to_tensor(labels), dtypes.int64)
    if labels.shape.rank == 1:
        labels = array_ops.expand_dims(labels, -1)
    inputs = convert_to_tensor(inputs)
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(
            labels, num_true, num_sampled, True, num_classes, seed=seed
        )
    sampled, true_expected, sampled_expected = (
        array_ops.stop_gradient(convert_to_tensor(v)) for v in sampled_values
    )
    sampled = math_ops.cast(sampled, dtypes.int64)
    flat_labels = array_ops.reshape(labels, [-1])
    all_ids = array_ops.concat([flat_labels, sampled], 0)
    all_weights = nn_ops.embedding_lookup(weights, all_ids)
    all_biases = nn_ops.embedding_lookup(biases, all_ids)
    true_count = array_ops.shape(flat_labels)[0]
    true_weights = all_weights[:true_count]
    sampled_weights = all_weights[true_count:]
    dim = array_ops.shape(true_weights)[1]
    true_weights = array_ops.reshape(true_weights, array_ops.stack([-1, num_true, dim]))
    true_logits = reduction_ops.reduce_sum(
        array_ops.expand_dims(inputs, 1) * true_weights, axis=2
    ) + array_ops.reshape(all_biases[:true_count], [-1, num_true])
    sampled_logits = (
        linalg_ops.matmul(inputs, sampled_weights, transpose_b=True) + all_biases[true_count:]
    )
    if remove_accidental_hits:
        rows, positions, hit_weights = compute_accidental_hits(labels, sampled, num_true)
        from tensorflux._src.ops import indexing_ops

        where = array_ops.stack([math_ops.cast(rows, dtypes.int64), positions], axis=1)
        sampled_logits = sampled_logits + indexing_ops.scatter_nd(
            where,
            math_ops.cast(hit_weights, sampled_logits.dtype),
            math_ops.cast(array_ops.shape(sampled_logits), dtypes.int64),
        )
    if subtract_log_q:
        true_logits = true_logits - math_ops.log(math_ops.cast(true_expected, true_logits.dtype))
        sampled_logits = sampled_logits - math_ops.log(
            math_ops.cast(sampled_expected, sampled_logits.dtype)
        )
    logits = array_ops.concat([true_logits, sampled_logits], 1)
    targets = array_ops.concat(
        [array_ops.ones_like(true_logits) / num_true, array_ops.zeros_like(sampled_logits)], 1
    )
    return logits, targets


def sampled_softmax_loss(
    weights,
    biases,
    labels,
    inputs,
    num_sampled,
    num_classes,
    num_true=1,
    sampled_values=None,
    remove_accidental_hits=True,
    seed=None,
    name="sampled_softmax_loss",
) -> Tensor:
    """Softmax cross entropy over each row's true classes and `num_sampled` sampled ones: a
    cheap training loss for a softmax over many classes (evaluate with the full softmax).

    `weights` [num_classes, dim] (or a list of shards), `biases` [num_classes], `labels`
    [batch, num_true] class ids, `inputs` [batch, dim]; returns the loss per row.

    >>> loss = tf.nn.sampled_softmax_loss(
    ...     tf.ones([10, 4]), tf.zeros([10]), [[1], [2]], tf.ones([2, 4]), 3, 10, seed=1)
    >>> loss.shape
    TensorShape([2])
    """
    logits, targets = _sampled_logits(
        weights,
        biases,
        labels,
        inputs,
        num_sampled,
        num_classes,
        num_true,
        sampled_values,
        True,
        remove_accidental_hits,
        seed,
    )
    return nn_ops.softmax_cross_entropy_with_logits(
        labels=array_ops.stop_gradient(targets), logits=logits
    )


def nce_loss(
    weights,
    biases,
    labels,
    inputs,
    num_sampled,
    num_classes,
    num_true=1,
    sampled_values=None,
    remove_accidental_hits=False,
    name="nce_loss",
) -> Tensor:
    """Noise-contrastive estimation: a logistic loss telling each row's true classes from
    `num_sampled` sampled ones; returns the loss per row (summed over its classes).

    >>> loss = tf.nn.nce_loss(
    ...     tf.ones([10, 4]), tf.zeros([10]), [[1], [2]], tf.ones([2, 4]), 3, 10)
    >>> loss.shape
    TensorShape([2])
    """
    logits, targets = _sampled_logits(
        weights,
        biases,
        labels,
        inputs,
        num_sampled,
        num_classes,
        num_true,
        sampled_values,
        True,
        remove_accidental_hits,
        None,
    )
    # As in TF, each true class's target is 1 / num_true (not 1) here too.
    losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits)
    return reduction_ops.reduce_sum(losses, 1)
