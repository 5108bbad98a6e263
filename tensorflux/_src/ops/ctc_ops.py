"""Connectionist temporal classification: the CTC loss (tf.nn.ctc_loss).

The CTCLoss kernel runs the forward-backward recursions in log space over the label sequence
with blanks between labels, vectorized over the batch and the label positions (a Python loop
over time steps only), and returns the loss with its gradient for the logits, as TF's does.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import array_ops, math_ops

_NEG_INF = -np.inf


def _logaddexp(*terms):
    result = terms[0]
    for term in terms[1:]:
        result = np.logaddexp(result, term)
    return result


def _dense_labels(indices, values, batch: int, collapse: bool):
    """Labels [batch, max_length] (padded with -1) and lengths, from sparse indices/values."""
    lengths = np.zeros(batch, np.int64)
    if indices.size:
        rows = indices[:, 0]
        if (rows < 0).any() or (rows >= batch).any():
            raise errors.InvalidArgumentError(
                None, None, "labels batch index must be between 0 and batch_size - 1"
            )
        np.maximum.at(lengths, rows, indices[:, 1] + 1)
    labels = np.full((batch, max(int(lengths.max(initial=0)), 1)), -1, np.int64)
    if indices.size:
        labels[indices[:, 0], indices[:, 1]] = values
    if collapse:  # preprocess_collapse_repeated: "a a b" is read as "a b"
        keep = np.ones_like(labels, bool)
        keep[:, 1:] = labels[:, 1:] != labels[:, :-1]
        keep &= labels >= 0
        collapsed = np.full_like(labels, -1)
        lengths = keep.sum(axis=1)
        order = np.argsort(~keep, axis=1, kind="stable")
        taken = np.take_along_axis(labels, order, axis=1)
        positions = np.arange(labels.shape[1])
        collapsed[positions < lengths[:, None]] = taken[positions < lengths[:, None]]
        labels = collapsed
    return labels, lengths


def _check_sparse_labels(indices, values, sequence_length) -> None:
    """The ranks TF's CTCLoss kernel checks before it reads the labels."""
    if sequence_length.ndim != 1:
        raise errors.InvalidArgumentError(None, None, "sequence_length is not a vector")
    if indices.ndim != 2:
        raise errors.InvalidArgumentError(None, None, "labels_indices is not a matrix")
    if indices.shape[1] <= 1:
        raise errors.InvalidArgumentError(
            None, None, f"labels_indices second dimension must be >= 1. Received {indices.shape[1]}"
        )
    if values.ndim != 1:
        raise errors.InvalidArgumentError(None, None, "labels_values is not a vector")
    if indices.shape[0] != values.shape[0]:
        raise errors.InvalidArgumentError(
            None,
            None,
            "labels_indices and labels_values must contain the same number of rows, but saw "
            f"shapes: [{indices.shape[0]},{indices.shape[1]}] vs. [{values.shape[0]}]",
        )
    if indices.shape[1] != 2:
        raise errors.InvalidArgumentError(None, None, "Order length must be SparseTensor rank.")


def _ctc_loss_kernel(
    xp,
    inputs,
    labels_indices,
    labels_values,
    sequence_length,
    preprocess_collapse_repeated=False,
    ctc_merge_repeated=True,
    ignore_longer_outputs_than_inputs=False,
):
    if not ctc_merge_repeated:
        raise errors.UnimplementedError(
            None, None, "CTCLoss with ctc_merge_repeated=False is not supported."
        )
    if inputs.ndim != 3:
        raise errors.InvalidArgumentError(None, None, "inputs is not a 3-Tensor")
    _check_sparse_labels(labels_indices, labels_values, sequence_length)
    steps, batch, classes = inputs.shape
    host = np.asarray(inputs if xp is np else xp.asnumpy(inputs), np.float64)
    lengths_t = np.asarray(sequence_length if xp is np else xp.asnumpy(sequence_length))
    if lengths_t.shape != (batch,):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"len(sequence_length) != batch_size.  len(sequence_length):  "
            f"{lengths_t.shape[0] if lengths_t.ndim else 0} batch_size: {batch}",
        )
    if (lengths_t > steps).any():
        raise errors.InvalidArgumentError(
            None,
            None,
            f"sequence_length({int(np.argmax(lengths_t > steps))}) <= {steps}",
        )
    labels, label_lengths = _dense_labels(
        np.asarray(labels_indices), np.asarray(labels_values), batch, preprocess_collapse_repeated
    )
    blank = classes - 1
    # The extended sequence: blank, l1, blank, l2, ..., blank (2L + 1 positions).
    width = 2 * labels.shape[1] + 1
    extended = np.full((batch, width), blank, np.int64)
    extended[:, 1::2] = np.where(labels >= 0, labels, blank)
    used = 2 * label_lengths + 1  # extended positions in use per sequence
    # Frames needed: one per label, plus one blank between equal neighbours.
    repeats = ((labels[:, 1:] == labels[:, :-1]) & (labels[:, 1:] >= 0)).sum(axis=1)
    needed = label_lengths + repeats
    too_long = needed > lengths_t
    if too_long.any() and not ignore_longer_outputs_than_inputs:
        b = int(np.argmax(too_long))
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Not enough time for target transition sequence (required: {int(needed[b])}, "
            f"available: {int(lengths_t[b])}){b}You can turn this error into a warning by "
            "using the flag ignore_longer_outputs_than_inputs",
        )
    shifted = host - host.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))  # [T, B, C]
    rows = np.arange(batch)[:, None]
    emit = log_probs[:, rows, extended]  # [T, B, S]: log p of each extended position
    position = np.arange(width)
    in_use = position[None, :] < used[:, None]
    skip = np.zeros((batch, width), bool)  # s-2 -> s allowed: a label unlike the one before
    skip[:, 2:] = (extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2])

    alpha = np.full((steps, batch, width), _NEG_INF)
    alpha[0, :, 0] = emit[0, :, 0]
    alpha[0, :, 1] = np.where(used > 1, emit[0, :, 1], _NEG_INF)
    for t in range(1, steps):
        previous = alpha[t - 1]
        one_back = np.concatenate([np.full((batch, 1), _NEG_INF), previous[:, :-1]], axis=1)
        two_back = np.concatenate([np.full((batch, 2), _NEG_INF), previous[:, :-2]], axis=1)
        step = _logaddexp(previous, one_back, np.where(skip, two_back, _NEG_INF)) + emit[t]
        alpha[t] = np.where(in_use & (t < lengths_t)[:, None], step, _NEG_INF)

    last = np.maximum(lengths_t - 1, 0)
    final = alpha[last, np.arange(batch)]  # [B, S] at each sequence's last frame
    end = np.take_along_axis(final, (used - 1)[:, None], axis=1)[:, 0]
    before_end = np.where(
        used > 1,
        np.take_along_axis(final, np.maximum(used - 2, 0)[:, None], axis=1)[:, 0],
        _NEG_INF,
    )
    log_likelihood = np.logaddexp(end, before_end)

    beta = np.full((steps, batch, width), _NEG_INF)
    for t in range(steps - 1, -1, -1):
        starts = t == last  # this is the sequence's last frame: the recursion begins here
        begin = np.where(
            (position[None, :] == (used - 1)[:, None]) | (position[None, :] == (used - 2)[:, None]),
            emit[t],
            _NEG_INF,
        )
        if t + 1 < steps:
            following = beta[t + 1]
            one_ahead = np.concatenate([following[:, 1:], np.full((batch, 1), _NEG_INF)], axis=1)
            two_ahead = np.concatenate([following[:, 2:], np.full((batch, 2), _NEG_INF)], axis=1)
            skip_ahead = np.zeros_like(skip)
            skip_ahead[:, :-2] = skip[:, 2:]
            step = _logaddexp(following, one_ahead, np.where(skip_ahead, two_ahead, _NEG_INF))
            step = step + emit[t]
        else:
            step = np.full((batch, width), _NEG_INF)
        beta[t] = np.where(
            in_use,
            np.where(starts[:, None], begin, np.where((t < last)[:, None], step, _NEG_INF)),
            _NEG_INF,
        )

    feasible = np.isfinite(log_likelihood) & ~too_long
    safe_total = np.where(feasible, log_likelihood, 0.0)
    occupancy = np.exp(alpha + beta - emit - safe_total[None, :, None])  # [T, B, S]
    occupancy = np.where(np.isfinite(occupancy), occupancy, 0.0)
    by_class = np.einsum("tbs,bsc->tbc", occupancy, np.eye(classes)[extended])
    frames = (np.arange(steps)[:, None] < lengths_t[None, :]) & feasible[None, :]
    gradient = np.where(frames[:, :, None], np.exp(log_probs) - by_class, 0.0)
    loss = np.where(feasible, -log_likelihood, np.where(too_long, 0.0, np.inf))
    dtype = inputs.dtype
    return xp.asarray(loss.astype(dtype)), xp.asarray(gradient.astype(dtype))


def _ctc_loss_infer(inputs, labels_indices, labels_values, sequence_length, **attrs):
    shape = inputs.shape
    batch = shape[1] if shape.rank == 3 else None
    return [TensorSpec([batch], inputs.dtype), TensorSpec(shape, inputs.dtype)]


def _ctc_loss_grad(op, dloss, dgradient):
    # The gradient for the logits is the kernel's second output, scaled per sequence; like
    # TF's, it has no gradient itself.
    scale = array_ops.reshape(dloss, [1, -1, 1])
    return [array_ops.stop_gradient(op.outputs[1]) * scale, None, None, None]


CTC_LOSS = register(
    OpDef(
        name="CTCLoss",
        kernel=_ctc_loss_kernel,
        infer=_ctc_loss_infer,
        grad=_ctc_loss_grad,
        inputs=("inputs", "labels_indices", "labels_values", "sequence_length"),
        outputs=("loss", "gradient"),
        attrs=(
            "preprocess_collapse_repeated",
            "ctc_merge_repeated",
            "ignore_longer_outputs_than_inputs",
        ),
        allowed=frozenset({dtypes.float32, dtypes.float64}),
    )
)


def _sparse_parts(labels, label_length):
    """(indices, values) of the labels: a SparseTensor's own, or the first label_length[b]
    entries of each row of dense padded labels."""
    if hasattr(labels, "indices") and hasattr(labels, "dense_shape"):
        return (
            math_ops.cast(labels.indices, dtypes.int64),
            math_ops.cast(labels.values, dtypes.int32),
        )
    labels = convert_to_tensor(labels)
    if label_length is None:
        raise ValueError("label_length is required with dense labels.")
    mask = array_ops.sequence_mask(label_length, array_ops.shape(labels)[1])
    from tensorflux._src.ops import indexing_ops

    indices = indexing_ops.where(mask)
    values = math_ops.cast(indexing_ops.gather_nd(labels, indices), dtypes.int32)
    return indices, values


def ctc_loss(
    labels,
    logits,
    label_length,
    logit_length,
    logits_time_major=True,
    unique=None,
    blank_index=None,
    name=None,
) -> Tensor:
    """The CTC loss (negative log likelihood) of each label sequence given the logits.

    `labels` are dense and padded (with `label_length`) or a SparseTensor; `logits` are
    [frames, batch, classes] (or [batch, frames, classes] with logits_time_major=False). The
    blank class is `blank_index`, 0 by default (negative counts from the end).

    >>> logits = tf.zeros([2, 1, 3])  # two frames, uniform over blank and two labels
    >>> round(float(tf.nn.ctc_loss([[1]], logits, [1], [2])[0]), 4)  # 3 paths of 1/9: ln 3
    1.0986
    """
    logits = convert_to_tensor(logits)
    if not logits_time_major:
        logits = array_ops.transpose(logits, [1, 0, 2])
    classes = logits.shape[-1]
    indices, values = _sparse_parts(labels, label_length)
    blank = 0 if blank_index is None else int(blank_index)
    if classes is not None and blank < 0:
        blank += classes
    if classes is None or blank != classes - 1:
        # The kernel's blank is the last class: move it there, and renumber the labels above it.
        logits = array_ops.concat(
            [logits[:, :, :blank], logits[:, :, blank + 1 :], logits[:, :, blank : blank + 1]],
            axis=2,
        )
        values = math_ops.where_v2(values > blank, values - 1, values)
    sequence_length = math_ops.cast(convert_to_tensor(logit_length), dtypes.int32)
    loss, _ = apply(
        CTC_LOSS,
        (logits, indices, values, sequence_length),
        {
            "preprocess_collapse_repeated": False,
            "ctc_merge_repeated": True,
            "ignore_longer_outputs_than_inputs": False,
        },
        name,
    )
    return loss


# ---- CTCGreedyDecoder ----------------------------------------------------------------------------
def _check_decoder_inputs(xp, inputs, sequence_length):
    """The sequence lengths (on the host) after the checks of TF's CTC decoders."""
    if inputs.ndim != 3:
        raise errors.InvalidArgumentError(None, None, "inputs is not a 3-Tensor")
    if sequence_length.ndim != 1:
        raise errors.InvalidArgumentError(None, None, "sequence_length is not a vector")
    if inputs.size == 0:
        raise errors.InvalidArgumentError(None, None, "inputs must not be empty")
    steps, batch, _ = inputs.shape
    if sequence_length.shape[0] != batch:
        raise errors.FailedPreconditionError(
            None,
            None,
            f"len(sequence_length) != batch_size.  len(sequence_length):  "
            f"{sequence_length.shape[0]} batch_size: {batch}",
        )
    lengths = np.asarray(sequence_length if xp is np else xp.asnumpy(sequence_length))
    if (lengths > steps).any():
        raise errors.FailedPreconditionError(
            None, None, f"sequence_length({int(np.argmax(lengths > steps))}) <= {steps}"
        )
    return lengths


# TF's op defaults merge_repeated to False (tf.nn.ctc_greedy_decoder passes True).
def _greedy_decoder_kernel(xp, inputs, sequence_length, merge_repeated=False, blank_index=-1):
    lengths = _check_decoder_inputs(xp, inputs, sequence_length)
    steps, batch, classes = inputs.shape
    host = np.asarray(inputs if xp is np else xp.asnumpy(inputs))
    blank = blank_index + classes if blank_index < 0 else blank_index
    best = host.argmax(axis=2).T  # [B, T]: the most likely class of each frame
    frames = np.arange(steps)[None, :] < lengths[:, None]
    keep = frames & (best != blank)
    if merge_repeated:  # a class repeated in consecutive frames is one emission
        repeated = np.zeros_like(keep)
        repeated[:, 1:] = best[:, 1:] == best[:, :-1]
        keep &= ~repeated
    rows, columns = np.nonzero(keep)
    counts = keep.sum(axis=1)
    positions = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
    indices = np.stack([rows, positions], axis=1).astype(np.int64)
    shape = np.array([batch, int(counts.max(initial=0))], np.int64)
    log_probability = -np.where(frames.T, host.max(axis=2), 0).sum(axis=0, keepdims=True).T
    return (
        xp.asarray(indices.reshape(-1, 2)),
        xp.asarray(best[rows, columns].astype(np.int64)),
        xp.asarray(shape),
        xp.asarray(log_probability.astype(inputs.dtype)),
    )


CTC_GREEDY_DECODER = register(
    OpDef(
        name="CTCGreedyDecoder",
        kernel=_greedy_decoder_kernel,
        infer=lambda inputs, sequence_length, **attrs: [
            TensorSpec([None, 2], dtypes.int64),
            TensorSpec([None], dtypes.int64),
            TensorSpec([2], dtypes.int64),
            TensorSpec([inputs.shape[1] if inputs.shape.rank == 3 else None, 1], inputs.dtype),
        ],
        inputs=("inputs", "sequence_length"),
        outputs=("decoded_indices", "decoded_values", "decoded_shape", "log_probability"),
        attrs=("merge_repeated", "blank_index"),
        allowed=frozenset({dtypes.float32, dtypes.float64}),
    )
)


def ctc_greedy_decoder_parts(inputs, sequence_length, merge_repeated=True, blank_index=None):
    """The greedy decoder's (indices, values, dense_shape, log_probability)."""
    inputs = convert_to_tensor(inputs)
    attrs = {
        "merge_repeated": bool(merge_repeated),
        "blank_index": -1 if blank_index is None else int(blank_index),
    }
    length = math_ops.cast(convert_to_tensor(sequence_length), dtypes.int32)
    return apply(CTC_GREEDY_DECODER, (inputs, length), attrs)


# ---- CTCBeamSearchDecoder ------------------------------------------------------------------------
def _merge(beams: dict, prefix: tuple, blank_part, label_part) -> None:
    old_blank, old_label = beams.get(prefix, (_NEG_INF, _NEG_INF))
    beams[prefix] = (np.logaddexp(old_blank, blank_part), np.logaddexp(old_label, label_part))


def _prefix_beam_search(log_probs, blank: int, beam_width: int, top_paths: int):
    """The `top_paths` most likely labelings of one sequence ([T, C] log probabilities) and
    their log probabilities (summed over the alignments kept in the beam)."""
    classes = log_probs.shape[1]
    labels = np.array([c for c in range(classes) if c != blank])
    beams = {(): (0.0, _NEG_INF)}  # prefix -> (log p ending in blank, log p ending in a label)
    for frame in log_probs:
        grown: dict = {}
        for prefix, (p_blank, p_label) in beams.items():
            total = np.logaddexp(p_blank, p_label)
            _merge(grown, prefix, total + frame[blank], _NEG_INF)
            last = prefix[-1] if prefix else None
            if last is not None:  # the last label again, without a blank: the same prefix
                _merge(grown, prefix, _NEG_INF, p_label + frame[last])
            extended = np.where(labels == last, p_blank, total) + frame[labels]
            for label, score in zip(labels.tolist(), extended.tolist()):
                _merge(grown, (*prefix, label), _NEG_INF, score)
        ranked = sorted(grown.items(), key=lambda item: -np.logaddexp(*item[1]))
        beams = dict(ranked[:beam_width])
    ranked = sorted(beams.items(), key=lambda item: -np.logaddexp(*item[1]))[:top_paths]
    return [list(prefix) for prefix, _ in ranked], [float(np.logaddexp(*p)) for _, p in ranked]


def _beam_search_kernel(
    xp, inputs, sequence_length, beam_width=100, top_paths=1, merge_repeated=True
):
    lengths = _check_decoder_inputs(xp, inputs, sequence_length)
    if top_paths > beam_width:
        raise errors.InvalidArgumentError(None, None, "requested more paths than the beam width.")
    _, batch, classes = inputs.shape
    host = np.asarray(inputs if xp is np else xp.asnumpy(inputs), np.float64)
    shifted = host - host.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    paths = [[[] for _ in range(batch)] for _ in range(top_paths)]
    scores = np.full((batch, top_paths), _NEG_INF)
    for b in range(batch):
        found, found_scores = _prefix_beam_search(
            log_probs[: lengths[b], b], classes - 1, beam_width, top_paths
        )
        for k, (path, score) in enumerate(zip(found, found_scores)):
            if merge_repeated:
                path = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
            paths[k][b], scores[b, k] = path, score
    indices, values, shapes = [], [], []
    for k in range(top_paths):
        rows = [(b, i) for b in range(batch) for i in range(len(paths[k][b]))]
        indices.append(xp.asarray(np.array(rows, np.int64).reshape(-1, 2)))
        values.append(xp.asarray(np.array([c for p in paths[k] for c in p], np.int64)))
        width = max((len(p) for p in paths[k]), default=0)
        shapes.append(xp.asarray(np.array([batch, width], np.int64)))
    return (*indices, *values, *shapes, xp.asarray(scores.astype(inputs.dtype)))


def _beam_search_infer(inputs, sequence_length, beam_width=100, top_paths=1, **attrs):
    batch = inputs.shape[1] if inputs.shape.rank == 3 else None
    return (
        [TensorSpec([None, 2], dtypes.int64)] * top_paths
        + [TensorSpec([None], dtypes.int64)] * top_paths
        + [TensorSpec([2], dtypes.int64)] * top_paths
        + [TensorSpec([batch, top_paths], inputs.dtype)]
    )


CTC_BEAM_SEARCH_DECODER = register(
    OpDef(
        name="CTCBeamSearchDecoder",
        kernel=_beam_search_kernel,
        infer=_beam_search_infer,
        inputs=("inputs", "sequence_length"),
        outputs=("decoded_indices*", "decoded_values*", "decoded_shape*", "log_probability"),
        attrs=("beam_width", "top_paths", "merge_repeated"),
        allowed=frozenset({dtypes.float32, dtypes.float64}),
    )
)


def ctc_beam_search_decoder_parts(inputs, sequence_length, beam_width=100, top_paths=1):
    """The beam search's ([indices per path], [values], [dense shapes], log_probability), as
    TF 2's tf.nn.ctc_beam_search_decoder runs it (merge_repeated=False)."""
    inputs = convert_to_tensor(inputs)
    attrs = {"beam_width": int(beam_width), "top_paths": int(top_paths), "merge_repeated": False}
    length = math_ops.cast(convert_to_tensor(sequence_length), dtypes.int32)
    outputs = apply(CTC_BEAM_SEARCH_DECODER, (inputs, length), attrs)
    k = int(top_paths)
    return outputs[:k], outputs[k : 2 * k], outputs[2 * k : 3 * k], outputs[3 * k]


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True, blank_index=None):
    """Decodes the most likely class of each frame: repeats merged (by default), blanks
    dropped. Returns ([SparseTensor of the decoded labels], -(sum of the frames' max logits)).

    >>> logits = tf.constant([[[0.0, 2.0, 0.0]], [[0.0, 2.0, 0.0]], [[0.0, 0.0, 2.0]]])
    >>> decoded, _ = tf.nn.ctc_greedy_decoder(logits, [3])
    >>> decoded[0].values.numpy()
    array([1])
    """
    from tensorflux._src.ops.sparse_tensor import SparseTensor

    indices, values, shape, log_probability = ctc_greedy_decoder_parts(
        inputs, sequence_length, merge_repeated, blank_index
    )
    return [SparseTensor(indices, values, shape)], log_probability


def ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, top_paths=1):
    """The `top_paths` most likely label sequences by prefix beam search over the softmax of
    the logits (the blank is the last class). Returns ([SparseTensor per path], their log
    probabilities [batch, top_paths]).

    >>> logits = tf.math.log([[[0.1, 0.8, 0.1]], [[0.1, 0.8, 0.1]]])
    >>> decoded, _ = tf.nn.ctc_beam_search_decoder(logits, [2], beam_width=4)
    >>> decoded[0].values.numpy()
    array([1])
    """
    from tensorflux._src.ops.sparse_tensor import SparseTensor

    indices, values, shapes, log_probability = ctc_beam_search_decoder_parts(
        inputs, sequence_length, beam_width, top_paths
    )
    return [SparseTensor(i, v, s) for i, v, s in zip(indices, values, shapes)], log_probability
