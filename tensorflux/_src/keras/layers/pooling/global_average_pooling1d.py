"""`tf.keras.layers.GlobalAveragePooling1D`: the mean over the steps, honouring a mask."""

from tensorflux._src.keras.layers.pooling.base_global_pooling import GlobalPooling
from tensorflux._src.ops import array_ops, math_ops, reduction_ops


class GlobalAveragePooling1D(GlobalPooling):
    """Global average pooling of temporal data: the mean of each channel over the steps.

    With a mask (e.g. from `Embedding(mask_zero=True)`), only the unmasked steps are averaged;
    the output carries no mask. See `GlobalPooling` for the arguments (`data_format`, and
    `keepdims` as a keyword).

    >>> layer = tf.keras.layers.GlobalAveragePooling1D()
    >>> layer(tf.ones([2, 6, 3]), mask=tf.constant([[True] * 6, [True, False] * 3])).shape
    TensorShape([2, 3])
    """

    def __init__(self, data_format="channels_last", **kwargs):
        keepdims = kwargs.pop("keepdims", False)
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        steps_axis = 1 if self.data_format == "channels_last" else 2
        if mask is None:
            return reduction_ops.reduce_mean(inputs, axis=steps_axis, keepdims=self.keepdims)
        mask = math_ops.cast(mask, inputs.dtype)
        mask = array_ops.expand_dims(mask, 2 if self.data_format == "channels_last" else 1)
        total = reduction_ops.reduce_sum(inputs * mask, axis=steps_axis, keepdims=self.keepdims)
        count = reduction_ops.reduce_sum(mask, axis=steps_axis, keepdims=self.keepdims)
        return total / count

    def compute_mask(self, inputs, mask=None):
        return None
