"""`tf.keras.layers.TimeDistributed`: applies a layer to every time step of a sequence."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.rnn.base_wrapper import Wrapper
from tensorflux._src.ops import array_ops


class TimeDistributed(Wrapper):
    """Applies `layer` to each slice `inputs[:, t]` of `[batch, time, ...]` inputs, with the
    same weights for every step.

    Args:
        layer: the layer to apply at each time step.

    >>> layer = tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(2))
    >>> layer(tf.ones([4, 3, 5])).shape
    TensorShape([4, 3, 2])
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `tf.keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    @staticmethod
    def _check_rank(input_shape):
        if input_shape.rank is None or input_shape.rank < 3:
            shape = None if input_shape.rank is None else tuple(input_shape.as_list())
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape ` with at least 3 "
                f"dimensions, received: {shape}"
            )

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        self._check_rank(input_shape)
        self.input_spec = InputSpec(shape=[None, None, *input_shape[2:].as_list()])
        step_shape = TensorShape([input_shape[0]]).concatenate(input_shape[2:])
        if not self.layer.built:
            self.layer.build(step_shape)
            self.layer._build_input_shape = step_shape
            self.layer.built = True
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = TensorShape(input_shape)
        self._check_rank(input_shape)
        step_shape = TensorShape([None]).concatenate(input_shape[2:])
        step_output = TensorShape(self.layer.compute_output_shape(step_shape))
        return TensorShape(input_shape[:2]).concatenate(step_output[1:])

    def call(self, inputs, training=None, mask=None):
        kwargs = {}
        spec = self.layer._call_spec
        if spec.expects_training and training is not None:
            kwargs["training"] = training
        steps = inputs.shape[1]
        flat = array_ops.reshape(inputs, _merged_shape(inputs, 2))
        if mask is not None and spec.expects_mask:
            kwargs["mask"] = array_ops.reshape(mask, _merged_shape(mask, 2))
        outputs = self.layer(flat, **kwargs)
        batch_and_time = array_ops.shape(inputs)[:2]
        inner = outputs.shape[1:].as_list()
        if steps is not None and None not in inner:
            target = [-1, steps, *inner]
        else:
            target = array_ops.concat([batch_and_time, array_ops.shape(outputs)[1:]], axis=0)
        outputs = array_ops.reshape(outputs, target)
        outputs.set_shape(inputs.shape[:2].concatenate(inner))
        return outputs

    def compute_mask(self, inputs, mask=None):
        return mask


def _merged_shape(tensor, leading):
    """The shape that merges the first `leading` axes of `tensor` into one."""
    inner = tensor.shape[leading:].as_list()
    if None not in inner:
        return [-1, *inner]
    return array_ops.concat([[-1], array_ops.shape(tensor)[leading:]], axis=0)
