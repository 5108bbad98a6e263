"""Sampled losses (with fixed samples), expected counts and accidental hits against real
TensorFlow. Skipped unless TensorFlow is importable."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tensorflux as tfx  # noqa: E402

RNG = np.random.default_rng(0)
W = RNG.standard_normal((20, 4)).astype(np.float32)
B = RNG.standard_normal(20).astype(np.float32)
X = RNG.standard_normal((3, 4)).astype(np.float32)
LABELS = np.array([[1, 5], [2, 3], [7, 1]], np.int64)
SAMPLED = (
    np.array([5, 0, 9, 2, 11], np.int64),
    RNG.random((3, 2)).astype(np.float32),
    RNG.random(5).astype(np.float32),
)


@pytest.mark.parametrize("loss", ["sampled_softmax_loss", "nce_loss"])
@pytest.mark.parametrize("remove_accidental_hits", [True, False])
@pytest.mark.parametrize("num_true", [1, 2])
def test_sampled_losses_and_gradients_match(loss, remove_accidental_hits, num_true):
    def run(tf):
        weights = tf.Variable(W)
        with tf.GradientTape() as tape:
            value = getattr(tf.nn, loss)(
                weights, B, LABELS[:, :num_true], X, 5, 20, num_true=num_true,
                sampled_values=(SAMPLED[0], SAMPLED[1][:, :num_true], SAMPLED[2]),
                remove_accidental_hits=remove_accidental_hits,
            )  # fmt: skip
        return value.numpy(), tf.convert_to_tensor(tape.gradient(value, weights)).numpy()

    for ours, theirs in zip(run(tfx), run(tf_real)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("sampler", ["log_uniform_candidate_sampler", "uniform_candidate_sampler"])
def test_expected_counts_without_unique_match(sampler):
    ours = getattr(tfx.random, sampler)(LABELS, 2, 7, False, 50, seed=1)
    theirs = getattr(tf_real.random, sampler)(LABELS, 2, 7, False, 50, seed=1)
    np.testing.assert_allclose(ours[1].numpy(), theirs[1].numpy(), rtol=1e-6)
    assert [t.dtype.name for t in ours] == [t.dtype.name for t in theirs]


def test_accidental_hits_match():
    ours = tfx.nn.compute_accidental_hits(LABELS, SAMPLED[0], 2)
    theirs = tf_real.nn.compute_accidental_hits(LABELS, SAMPLED[0], 2)
    for o, t in zip(ours, theirs):
        assert o.dtype.name == t.dtype.name
        np.testing.assert_array_equal(o.numpy(), t.numpy())
