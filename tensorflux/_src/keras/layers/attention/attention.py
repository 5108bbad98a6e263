"""`tf.keras.layers.Attention`: dot-product (Luong-style) attention."""

from tensorflux._src.keras.layers.attention.base_dense_attention import BaseDenseAttention
from tensorflux._src.ops import array_ops, linalg_ops, math_ops, reduction_ops


class Attention(BaseDenseAttention):
    """Dot-product attention: `softmax(query @ key^T) @ value`, called on `[query, value]` or
    `[query, value, key]`, with optional `mask=[query_mask, value_mask]`.

    Args:
        use_scale: learn a scalar that multiplies the scores.
        score_mode: "dot" (query-key dot products) or "concat" (sum of tanh of query + key).
        dropout: the dropout rate on the attention probabilities while training.

    >>> layer = tf.keras.layers.Attention()
    >>> layer([tf.ones([1, 2, 3]), tf.ones([1, 4, 3])]).shape
    TensorShape([1, 2, 3])
    """

    def __init__(self, use_scale=False, score_mode="dot", **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        if self.score_mode not in ["dot", "concat"]:
            raise ValueError(
                f'Received: score_mode={score_mode}. Acceptable values are: ["dot", "concat"]'
            )

    def build(self, input_shape):
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale", shape=(), initializer="ones", dtype=self.dtype, trainable=True
            )
        self.concat_score_weight = None
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight",
                shape=(),
                initializer="ones",
                dtype=self.dtype,
                trainable=True,
            )
        self.built = True

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = linalg_ops.matmul(query, key, transpose_b=True)
            if self.scale is not None:
                scores = math_ops.multiply(scores, self.scale)
            return scores
        summed = math_ops.add(
            array_ops.expand_dims(query, axis=-2), array_ops.expand_dims(key, axis=-3)
        )
        if self.scale is not None:
            summed = math_ops.multiply(self.scale, summed)
        return math_ops.multiply(
            self.concat_score_weight,
            reduction_ops.reduce_sum(math_ops.tanh(summed), axis=-1),
        )

    def get_config(self):
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode})
        return config
