"""`tf.keras.layers.PReLU`: a leaky rectifier whose negative slopes are learned."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import constraints, initializers, regularizers
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import math_ops, nn_ops


class PReLU(Layer):
    """`x` for x >= 0, `alpha * x` below, with a learned `alpha` per input element.

    Args:
        alpha_initializer, alpha_regularizer, alpha_constraint: for the `alpha` weight.
        shared_axes: axes (1-based, after the batch axis) that share one alpha, e.g. `[1, 2]`
            for one slope per channel of an image.

    >>> layer = tf.keras.layers.PReLU(alpha_initializer="ones")
    >>> layer(tf.constant([[-2.0, 3.0]])).numpy()
    array([[-2.,  3.]], dtype=float32)
    """

    def __init__(
        self,
        alpha_initializer="zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape):
        dims = TensorShape(input_shape).as_list()
        param_shape = list(dims[1:])
        if self.shared_axes is not None:
            for axis in self.shared_axes:
                param_shape[axis - 1] = 1
        self.alpha = self.add_weight(
            name="alpha",
            shape=param_shape,
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        axes = {}
        if self.shared_axes:
            axes = {i: dims[i] for i in range(1, len(dims)) if i not in self.shared_axes}
        self.input_spec = InputSpec(ndim=len(dims), axes=axes)
        self.built = True

    def call(self, inputs):
        positive = nn_ops.relu(inputs)
        negative = math_ops.multiply(
            math_ops.negative(self.alpha), nn_ops.relu(math_ops.negative(inputs))
        )
        return math_ops.add(positive, negative)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes,
            }
        )
        return config
