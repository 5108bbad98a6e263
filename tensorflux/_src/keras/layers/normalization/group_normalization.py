"""`tf.keras.layers.GroupNormalization`: normalizes groups of channels per example."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import constraints, initializers, regularizers
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.normalization.axis_utils import validate_axis
from tensorflux._src.ops import array_ops, math_ops, nn_ops


class GroupNormalization(Layer):
    """Splits the channels into `groups` and normalizes each group of each example.

    `groups=1` is layer normalization over all non-batch axes; `groups` equal to the channel
    count is instance normalization.

    Args:
        groups: how many groups the channels of `axis` split into; must divide them (-1: one
            group per channel).
        axis: the channel axis.
        epsilon: added to the variance before the square root.
        center, scale: whether to add `beta` / multiply by `gamma` (one value per channel).
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
        beta_constraint, gamma_constraint: the weights' initializers, penalties, projections.

    >>> layer = tf.keras.layers.GroupNormalization(groups=2)
    >>> layer(tf.constant([[1.0, 3.0, 0.0, 4.0]])).numpy().round(3)
    array([[-1.,  1., -1.,  1.]], dtype=float32)
    """

    def __init__(
        self,
        groups=32,
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
        self.supports_masking = True
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        validate_axis(self.axis, input_shape)
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"Axis {self.axis} of input tensor should have a defined dimension but the "
                f"layer received an input with shape {input_shape}."
            )
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(
                f"Number of groups ({self.groups}) cannot be more than the number of channels "
                f"({dim})."
            )
        if dim % self.groups != 0:
            raise ValueError(
                f"Number of groups ({self.groups}) must be a multiple of the number of channels "
                f"({dim})."
            )
        self.input_spec = InputSpec(ndim=input_shape.rank, axes={self.axis: dim})
        if self.scale:
            self.gamma = self.add_weight(
                "gamma",
                shape=(dim,),
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
        else:
            self.gamma = None
        if self.center:
            self.beta = self.add_weight(
                "beta",
                shape=(dim,),
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )
        else:
            self.beta = None
        self.built = True

    def _group_shape(self, dims):
        """`dims` with the channel axis split into [groups, channels // groups]."""
        shape = list(dims)
        shape[self.axis] = shape[self.axis] // self.groups
        shape.insert(self.axis, self.groups)
        return shape

    def call(self, inputs, mask=None):
        rank = inputs.shape.rank
        input_shape = array_ops.shape(inputs)
        dims = [input_shape[i] for i in range(rank)]
        grouped = array_ops.reshape(inputs, array_ops.stack(self._group_shape(dims)))
        reduction_axes = list(range(1, rank + 1))
        reduction_axes.pop(self.axis - 1)
        if mask is None:
            mean, variance = nn_ops.moments(grouped, reduction_axes, keepdims=True)
        else:
            weights = array_ops.reshape(
                math_ops.cast(array_ops.broadcast_to(mask, input_shape), grouped.dtype),
                array_ops.shape(grouped),
            )
            mean, variance = nn_ops.weighted_moments(
                grouped, reduction_axes, weights, keepdims=True
            )
        broadcast_shape = self._group_shape(
            [1 if i != self.axis % rank else inputs.shape[i] for i in range(rank)]
        )
        gamma = array_ops.reshape(self.gamma, broadcast_shape) if self.scale else None
        beta = array_ops.reshape(self.beta, broadcast_shape) if self.center else None
        outputs = nn_ops.batch_normalization(
            grouped, mean, variance, offset=beta, scale=gamma, variance_epsilon=self.epsilon
        )
        return array_ops.reshape(outputs, input_shape)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "groups": self.groups,
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
