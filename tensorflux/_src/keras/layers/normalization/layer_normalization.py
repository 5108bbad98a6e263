"""`tf.keras.layers.LayerNormalization`: normalizes each example over its feature axes."""

from tensorflux._src.core import dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import constraints, initializers, regularizers
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.normalization.axis_utils import validate_axis
from tensorflux._src.ops import array_ops, math_ops, nn_ops


class LayerNormalization(Layer):
    """Normalizes each example to mean 0 and variance 1 over `axis`, then scales and shifts.

    Args:
        axis: the axis (or axes) the statistics are taken over; `gamma`/`beta` have their shape.
        epsilon: added to the variance before the square root.
        center, scale: whether to add `beta` / multiply by `gamma`.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
        beta_constraint, gamma_constraint: the weights' initializers, penalties, projections.

    >>> layer = tf.keras.layers.LayerNormalization()
    >>> layer(tf.constant([[1.0, 3.0]])).numpy().round(3)
    array([[-1.,  1.]], dtype=float32)
    """

    def __init__(
        self,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument 'axis', but received: "
                f"{axis!r}"
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        self.axis = validate_axis(self.axis, input_shape)
        param_shape = [input_shape[a] for a in self.axis]
        if self.scale:
            self.gamma = self.add_weight(
                "gamma",
                shape=param_shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
                experimental_autocast=False,
            )
        else:
            self.gamma = None
        if self.center:
            self.beta = self.add_weight(
                "beta",
                shape=param_shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
                experimental_autocast=False,
            )
        else:
            self.beta = None
        self.built = True

    def call(self, inputs):
        if self._compute_dtype_object is not None:
            inputs = math_ops.cast(inputs, self._compute_dtype_object)
        rank = inputs.shape.rank
        broadcast_shape = [1] * rank
        for a in self.axis:
            broadcast_shape[a] = inputs.shape[a]

        def as_broadcast(value):
            if value is not None and value.shape.rank != rank and self.axis != [rank - 1]:
                return array_ops.reshape(value, broadcast_shape)
            return value

        input_dtype = inputs.dtype.base_dtype
        # Half-precision inputs are normalized in float32 when the weights are float32.
        if input_dtype in (dtypes.float16, dtypes.bfloat16) and self.dtype == "float32":
            inputs = math_ops.cast(inputs, dtypes.float32)
        mean, variance = nn_ops.moments(inputs, self.axis, keepdims=True)
        outputs = nn_ops.batch_normalization(
            inputs,
            mean,
            variance,
            offset=as_broadcast(self.beta),
            scale=as_broadcast(self.gamma),
            variance_epsilon=self.epsilon,
        )
        return math_ops.cast(outputs, input_dtype)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
            }
        )
        return config
