"""CTC loss: the OpSpec row against a brute-force sum over every alignment, and behaviour."""

import itertools

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.testing.opspec import OpSpec, check_op

LABELS = np.array([[1, 2], [2, 2]], np.int32)
LABEL_LENGTH = np.array([2, 2], np.int32)
LOGIT_LENGTH = np.array([5, 4], np.int32)


def _collapse(path, blank):
    merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
    return [k for k in merged if k != blank]


def brute_force_ctc(logits, labels, label_length, logit_length, blank=0):
    """-log of the summed probability of every frame-by-frame path that collapses to the
    labels (time-major logits)."""
    logits = np.asarray(logits, np.float64)
    probs = np.exp(logits - logits.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    losses = []
    for b in range(logits.shape[1]):
        steps, target = int(logit_length[b]), list(labels[b, : label_length[b]])
        total = 0.0
        for path in itertools.product(range(logits.shape[2]), repeat=steps):
            if _collapse(path, blank) == target:
                total += np.prod([probs[t, b, k] for t, k in enumerate(path)])
        losses.append(-np.log(total))
    return np.array(losses, logits.dtype)


SPECS = [
    OpSpec(
        lambda x: tf.nn.ctc_loss(LABELS, x, LABEL_LENGTH, LOGIT_LENGTH),
        lambda x: brute_force_ctc(x, LABELS, LABEL_LENGTH, LOGIT_LENGTH).astype(x.dtype),
        shapes=[(5, 2, 3)],
        grad_order=1,  # like TF's, the loss's gradient has no gradient
        name="ctc_loss",
    ),
    OpSpec(
        lambda x: tf.nn.ctc_loss(LABELS, x, LABEL_LENGTH, LOGIT_LENGTH, blank_index=-1),
        lambda x: brute_force_ctc(x, LABELS, LABEL_LENGTH, LOGIT_LENGTH, blank=3).astype(x.dtype),
        shapes=[(5, 2, 4)],
        grad_order=1,
        name="ctc_loss_last_blank",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


def test_batch_major_logits_and_padding_beyond_label_length():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((4, 2, 3)).astype(np.float32)
    padded = np.array([[1, 7, 7], [2, 1, 9]], np.int32)  # entries past the lengths are ignored
    loss = tf.nn.ctc_loss(padded, logits, [1, 2], [4, 3])
    expected = brute_force_ctc(logits, padded, [1, 2], [4, 3])
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-5)
    batch_major = tf.nn.ctc_loss(
        padded, np.transpose(logits, (1, 0, 2)), [1, 2], [4, 3], logits_time_major=False
    )
    np.testing.assert_allclose(batch_major.numpy(), loss.numpy(), rtol=1e-6)


def test_loss_in_a_function_and_its_gradient_match_eager():
    logits = tf.constant(np.random.default_rng(2).standard_normal((5, 2, 3)), tf.float32)

    def loss_and_grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(tf.nn.ctc_loss(LABELS, x, LABEL_LENGTH, LOGIT_LENGTH))
        return loss, tape.gradient(loss, x)

    eager = loss_and_grad(logits)
    traced = tf.function(loss_and_grad)(logits)
    for e, t in zip(eager, traced):
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)
    assert np.all(eager[1].numpy()[4, 1] == 0)  # frames past a sequence's length get none


def test_a_label_sequence_longer_than_its_frames_is_refused():
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"Not enough time for target transition sequence \(required: 3, available: 2\)",
    ):
        tf.nn.ctc_loss([[1, 1]], tf.zeros([2, 1, 3]), [2], [2])


def test_greedy_decoder_op_merges_repeats_and_drops_blanks():
    from tensorflux._src.ops import ctc_ops

    frames = np.full((6, 2, 4), -5.0, np.float32)
    best = [[2, 3, 3, 0, 1, 1], [2, 1, 1, 1, 3, 3]]  # class 3 is the default blank
    for t in range(6):
        for b in range(2):
            frames[t, b, best[b][t]] = 1.0 + t
    indices, values, shape, log_probability = ctc_ops.ctc_greedy_decoder_parts(frames, [6, 4])
    assert indices.numpy().tolist() == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]]
    assert values.numpy().tolist() == [2, 0, 1, 2, 1] and shape.numpy().tolist() == [2, 3]
    assert log_probability.numpy()[:, 0].tolist() == [-21.0, -10.0]  # minus the summed maxima
    _, values, shape, _ = ctc_ops.ctc_greedy_decoder_parts(
        frames, [6, 4], merge_repeated=False, blank_index=0
    )
    assert values.numpy().tolist() == [2, 3, 3, 1, 1, 2, 1, 1, 1] and shape.numpy()[1] == 5


def _best_labelings(logits, top):
    """The `top` most likely labelings of one sequence by brute force (blank last)."""
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    blank, scores = logits.shape[1] - 1, {}
    for path in itertools.product(range(logits.shape[1]), repeat=logits.shape[0]):
        labeling = tuple(_collapse(path, blank))
        scores[labeling] = scores.get(labeling, 0.0) + np.prod(probs[np.arange(len(path)), path])
    best = sorted(scores.items(), key=lambda item: -item[1])[:top]
    return [list(k) for k, _ in best], [np.log(v) for _, v in best]


def test_beam_search_with_a_wide_beam_finds_the_most_likely_labelings():
    from tensorflux._src.ops import ctc_ops

    logits = np.random.default_rng(3).standard_normal((5, 2, 4)) * 2
    indices, values, shapes, log_probability = ctc_ops.ctc_beam_search_decoder_parts(
        logits, [5, 4], beam_width=50, top_paths=3
    )
    for b, length in enumerate([5, 4]):
        labelings, scores = _best_labelings(logits[:length, b], 3)
        for k in range(3):
            rows = indices[k].numpy()[:, 0] == b
            assert values[k].numpy()[rows].tolist() == labelings[k]
        np.testing.assert_allclose(log_probability.numpy()[b], scores, rtol=1e-6)
    assert [s.numpy()[0] for s in shapes] == [2, 2, 2]
    with pytest.raises(tf.errors.InvalidArgumentError, match="requested more paths than the beam"):
        ctc_ops.ctc_beam_search_decoder_parts(logits, [5, 4], beam_width=2, top_paths=3)


def test_public_decoders_return_sparse_tensors():
    logits = np.log(np.array([[[0.1, 0.8, 0.1]], [[0.1, 0.8, 0.1]], [[0.1, 0.1, 0.8]]]))
    decoded, log_probability = tf.nn.ctc_greedy_decoder(logits, [3])
    assert isinstance(decoded[0], tf.SparseTensor) and decoded[0].values.numpy().tolist() == [1]
    assert decoded[0].dense_shape.numpy().tolist() == [1, 1] and log_probability.shape == (1, 1)
    decoded, log_probability = tf.nn.ctc_beam_search_decoder(logits, [3], beam_width=4, top_paths=2)
    assert len(decoded) == 2 and log_probability.shape == (1, 2)
    assert decoded[0].values.numpy().tolist() == [1]
    assert tf.sparse.to_dense(decoded[1]).shape[0] == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"labels_indices": [0, 0, 1]}, "labels_indices is not a matrix"),
        ({"labels_indices": [[0], [0], [1]]}, "labels_indices second dimension must be >= 1"),
        (
            {"labels_indices": [[0, 0, 0], [0, 1, 0], [1, 0, 0]]},
            "Order length must be SparseTensor rank",
        ),
        ({"labels_values": [[1, 2, 1]]}, "labels_values is not a vector"),
        (
            {"labels_values": [1, 2]},
            r"must contain the same number of rows, but saw shapes: \[3,2\] vs. \[2\]",
        ),
        ({"sequence_length": 5}, "sequence_length is not a vector"),
    ],
)
def test_ctc_loss_kernel_checks_its_sparse_labels(changes, message):
    args = {
        "inputs": np.zeros((5, 2, 4), np.float32),
        "labels_indices": np.array([[0, 0], [0, 1], [1, 0]], np.int64),
        "labels_values": np.array([1, 2, 1], np.int32),
        "sequence_length": np.array([5, 5], np.int32),
    }
    args.update({k: np.asarray(v, args[k].dtype) for k, v in changes.items()})
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        tf.raw_ops.CTCLoss(**args)


@pytest.mark.parametrize("op_name", ["CTCGreedyDecoder", "CTCBeamSearchDecoder"])
def test_decoder_kernels_check_inputs_with_tfs_errors(op_name):
    logits = np.log(np.random.default_rng(0).random((5, 2, 4)).astype(np.float32))
    extra = {"beam_width": 3, "top_paths": 2} if op_name == "CTCBeamSearchDecoder" else {}
    op = getattr(tf.raw_ops, op_name)
    with pytest.raises(tf.errors.InvalidArgumentError, match="sequence_length is not a vector"):
        op(inputs=logits, sequence_length=np.int32(5), **extra)
    with pytest.raises(
        tf.errors.FailedPreconditionError, match=r"len\(sequence_length\) != batch_size"
    ):
        op(inputs=logits, sequence_length=np.array([5], np.int32), **extra)
    with pytest.raises(tf.errors.FailedPreconditionError, match=r"sequence_length\(0\) <= 5"):
        op(inputs=logits, sequence_length=np.array([6, 4], np.int32), **extra)
    with pytest.raises(tf.errors.InvalidArgumentError, match="inputs must not be empty"):
        op(inputs=logits[:, :, :0], sequence_length=np.array([5, 4], np.int32), **extra)


def test_greedy_decoder_op_keeps_repeats_by_default_as_tfs_op():
    logits = np.log(np.eye(3, dtype=np.float32)[[0, 0, 1]][:, None, :] + 1e-3)
    lengths = np.array([3], np.int32)
    assert tf.raw_ops.CTCGreedyDecoder(
        inputs=logits, sequence_length=lengths
    ).decoded_values.numpy().tolist() == [0, 0, 1]
    decoded, _ = tf.nn.ctc_greedy_decoder(logits, lengths)
    assert decoded[0].values.numpy().tolist() == [0, 1]
