"""`tf.keras.layers.AdditiveAttention`: Bahdanau-style attention."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.attention.base_dense_attention import BaseDenseAttention
from tensorflux._src.ops import array_ops, math_ops, reduction_ops


class AdditiveAttention(BaseDenseAttention):
    """Additive attention: scores `sum(scale * tanh(query + key), axis=-1)`, called on
    `[query, value]` or `[query, value, key]`, with optional `mask=[query_mask, value_mask]`.

    Args:
        use_scale: learn a per-feature scale vector for the scores.
        dropout: the dropout rate on the attention probabilities while training.

    >>> layer = tf.keras.layers.AdditiveAttention()
    >>> layer([tf.ones([1, 2, 3]), tf.ones([1, 4, 3])]).shape
    TensorShape([1, 2, 3])
    """

    def __init__(self, use_scale=True, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale

    def build(self, input_shape):
        dim = TensorShape(input_shape[1])[-1]
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale",
                shape=[dim],
                initializer="glorot_uniform",
                dtype=self.dtype,
                trainable=True,
            )
        self.built = True

    def _calculate_scores(self, query, key):
        summed = math_ops.tanh(
            math_ops.add(array_ops.expand_dims(query, axis=-2), array_ops.expand_dims(key, axis=-3))
        )
        if self.use_scale:
            summed = math_ops.multiply(self.scale, summed)
        return reduction_ops.reduce_sum(summed, axis=-1)

    def get_config(self):
        config = super().get_config()
        config["use_scale"] = self.use_scale
        return config
