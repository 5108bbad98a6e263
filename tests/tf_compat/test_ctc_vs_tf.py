"""CTC loss values and gradients against real TensorFlow. Skipped unless TensorFlow is
importable (run these with TF's own interpreter)."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402

CASES = {
    "default blank 0": {},
    "blank last": {"blank_index": 4},
    "blank -1": {"blank_index": -1},
    "blank middle": {"blank_index": 2},
    "batch major": {"logits_time_major": False},
}


def _loss_and_grad(tf, logits, labels, label_length, logit_length, kwargs):
    x = tf.constant(logits)
    if not kwargs.get("logits_time_major", True):
        x = tf.constant(np.transpose(logits, (1, 0, 2)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.nn.ctc_loss(labels, x, label_length, logit_length, **kwargs)
    return loss.numpy(), tape.gradient(loss, x).numpy()


@pytest.mark.parametrize("label", sorted(CASES))
def test_ctc_loss_matches_tensorflow(label):
    # float32 only: TF's dense-label path fails on float64 logits (a Mul of mixed dtypes).
    rng = np.random.default_rng(len(label))
    logits = rng.standard_normal((7, 3, 5)).astype(np.float32)
    blank = CASES[label].get("blank_index", 0) % 5
    other = [k for k in range(5) if k != blank]  # labels never name the blank
    labels = np.array([other[:3], [other[3], 0, 0], [other[2], other[0], other[0]]], np.int32)
    label_length, logit_length = np.array([3, 1, 2], np.int32), np.array([7, 5, 6], np.int32)
    ours = _loss_and_grad(tfx, logits, labels, label_length, logit_length, CASES[label])
    theirs = _loss_and_grad(tf_real, logits, labels, label_length, logit_length, CASES[label])
    for o, t in zip(ours, theirs):
        assert o.dtype == t.dtype
        np.testing.assert_allclose(o, t, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("merge_repeated", [True, False])
@pytest.mark.parametrize("blank_index", [None, 0, 2])
def test_greedy_decoder_matches(merge_repeated, blank_index):
    logits = np.random.default_rng(5).standard_normal((8, 3, 5)).astype(np.float32)
    lengths = np.array([8, 5, 2], np.int32)

    def run(tf):
        (decoded,), log_probability = tf.nn.ctc_greedy_decoder(
            logits, lengths, merge_repeated=merge_repeated, blank_index=blank_index
        )
        return decoded.indices, decoded.values, decoded.dense_shape, log_probability

    for ours, theirs in zip(run(tfx), run(tf_real)):
        assert ours.dtype.name == theirs.dtype.name
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_wide_beam_search_matches(seed):
    logits = (np.random.default_rng(seed).standard_normal((6, 2, 4)) * 2).astype(np.float32)

    def run(tf):
        decoded, log_probability = tf.nn.ctc_beam_search_decoder(
            logits, [6, 4], beam_width=64, top_paths=3
        )
        return [t for d in decoded for t in (d.indices, d.values, d.dense_shape)], log_probability

    ours, theirs = run(tfx), run(tf_real)
    for o, t in zip(ours[0], theirs[0]):
        np.testing.assert_array_equal(o.numpy(), t.numpy())
    np.testing.assert_allclose(ours[1].numpy(), theirs[1].numpy(), rtol=1e-5)
