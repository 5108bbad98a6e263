"""Candidate samplers, accidental hits and the sampled losses."""

import numpy as np
import pytest

import tensorflux as tf

RNG = np.random.default_rng(0)
W = RNG.standard_normal((20, 4)).astype(np.float32)
B = RNG.standard_normal(20).astype(np.float32)
X = RNG.standard_normal((3, 4)).astype(np.float32)
LABELS = np.array([[1, 5], [2, 3], [7, 1]], np.int64)
SAMPLED = (np.array([5, 0, 9, 2, 11]), RNG.random((3, 2)), RNG.random(5))


def _reference_logits(remove_hits):
    true = np.einsum("bd,bkd->bk", X, W[LABELS]) + B[LABELS] - np.log(SAMPLED[1])
    sampled = X @ W[SAMPLED[0]].T + B[SAMPLED[0]] - np.log(SAMPLED[2])
    if remove_hits:
        hits = (LABELS[:, :, None] == SAMPLED[0][None, None, :]).any(axis=1)
        sampled = np.where(hits, sampled - np.finfo(np.float32).max, sampled)
    return np.concatenate([true, sampled], 1)


def test_sampled_softmax_loss_against_numpy():
    logits = _reference_logits(remove_hits=True)
    targets = np.concatenate([np.full((3, 2), 0.5), np.zeros((3, 5))], 1)
    shifted = logits - logits.max(1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    expected = -(targets * log_softmax).sum(1)
    loss = tf.nn.sampled_softmax_loss(W, B, LABELS, X, 5, 20, num_true=2, sampled_values=SAMPLED)
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-5)


def test_nce_loss_against_numpy():
    logits = _reference_logits(remove_hits=False)
    targets = np.concatenate([np.full((3, 2), 0.5), np.zeros((3, 5))], 1)
    expected = (np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-abs(logits)))).sum(1)
    loss = tf.nn.nce_loss(W, B, LABELS, X, 5, 20, num_true=2, sampled_values=SAMPLED)
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-5)


def test_sampled_losses_train_the_weights_they_touch():
    weights, biases = tf.Variable(W), tf.Variable(B)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(
            tf.nn.sampled_softmax_loss(weights, biases, LABELS, X, 5, 20, 2, sampled_values=SAMPLED)
        )
    grad_w, grad_b = tape.gradient(loss, [weights, biases])
    touched = sorted(set(LABELS.ravel()) | set(SAMPLED[0]))
    dense = tf.convert_to_tensor(grad_w).numpy()
    assert set(np.nonzero(np.abs(dense).sum(1))[0]) <= set(touched)
    assert np.abs(dense).sum() > 0 and np.abs(tf.convert_to_tensor(grad_b).numpy()).sum() > 0


@pytest.mark.parametrize(
    "sampler", [tf.random.log_uniform_candidate_sampler, tf.random.uniform_candidate_sampler]
)
def test_samplers_unique_in_range_and_seeded(sampler):
    sampled, true_expected, sampled_expected = sampler(LABELS, 2, 8, True, 10, seed=3)
    values = sampled.numpy()
    assert sampled.dtype == tf.int64 and values.shape == (8,)
    assert len(set(values.tolist())) == 8 and values.min() >= 0 and values.max() < 10
    assert true_expected.shape == (3, 2) and sampled_expected.shape == (8,)
    assert np.all((sampled_expected.numpy() > 0) & (sampled_expected.numpy() <= 1))
    tf.random.set_seed(7)
    first = sampler(LABELS, 2, 5, False, 1000, seed=3)[0].numpy()
    tf.random.set_seed(7)
    assert np.array_equal(first, sampler(LABELS, 2, 5, False, 1000, seed=3)[0].numpy())


def test_log_uniform_sampler_follows_zipf_and_its_expected_counts():
    sampled, true_expected, _ = tf.random.log_uniform_candidate_sampler(
        [[0, 9]], 2, 20000, False, 10, seed=1
    )
    counts = np.bincount(sampled.numpy(), minlength=10) / 20000
    probability = np.log((np.arange(10) + 2) / (np.arange(10) + 1)) / np.log(11)
    np.testing.assert_allclose(counts, probability, atol=0.01)
    np.testing.assert_allclose(true_expected.numpy(), [probability[[0, 9]] * 20000], rtol=1e-5)


def test_sampler_errors_and_accidental_hits():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Sampler's range is too small"):
        tf.random.uniform_candidate_sampler([[0]], 1, 6, True, 5)
    rows, ids, weights = tf.nn.compute_accidental_hits(LABELS, SAMPLED[0], num_true=2)
    assert rows.numpy().tolist() == [0, 1] and ids.numpy().tolist() == [0, 3]
    assert weights.dtype == tf.float32 and weights.numpy()[0] == -np.finfo(np.float32).max


def test_sampled_softmax_loss_in_a_function():
    @tf.function
    def loss(x):
        return tf.nn.sampled_softmax_loss(W, B, LABELS[:, :1], x, 4, 20, seed=5)

    assert loss(tf.constant(X)).shape == (3,)
    assert np.all(np.isfinite(loss(tf.constant(X)).numpy()))
