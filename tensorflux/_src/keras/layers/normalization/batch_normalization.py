"""`tf.keras.layers.BatchNormalization`: normalizes with batch statistics, tracks moving ones."""

import warnings

from tensorflux._src.core import dtypes
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.core.variable import VariableAggregation, VariableSynchronization
from tensorflux._src.distribute import distribute_context
from tensorflux._src.keras import constraints, initializers, regularizers
from tensorflux._src.keras.layers.input_spec import InputSpec
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.normalization.axis_utils import training_value, validate_axis
from tensorflux._src.ops import (
    array_ops,
    control_flow_ops,
    indexing_ops,
    math_ops,
    nn_ops,
    normalization_ops,
    reduction_ops,
)

# The layouts the fused kernel takes: (rank, normalized axis) -> data_format.
_FUSED_FORMATS = {(4, 1): "NCHW", (4, 3): "NHWC", (5, 1): "NCDHW", (5, 4): "NDHWC"}


class BatchNormalization(Layer):
    """Normalizes each feature with the batch's mean and variance (training) or moving ones.

    In training (`training=True`) the output is `gamma * (x - mean) / sqrt(var + epsilon) +
    beta` with the batch's statistics, and `moving_mean`/`moving_variance` move toward them by
    `1 - momentum`. Otherwise the moving statistics are used. A layer with `trainable=False`
    always runs in inference mode.

    Args:
        axis: the feature axis (or axes) kept; the others are reduced.
        momentum: the moving averages' decay.
        epsilon: added to the variance before the square root.
        center, scale: whether to add `beta` / multiply by `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: how the weights start.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: penalties and
            projections of the trainable weights.
        synchronized: synchronize the statistics across replicas (one replica here).

    >>> layer = tf.keras.layers.BatchNormalization()
    >>> layer(tf.constant([[1.0, 2.0], [3.0, 6.0]]), training=True).numpy().round(3)
    array([[-1., -1.],
           [ 1.,  1.]], dtype=float32)
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        synchronized=False,
        **kwargs,
    ):
        fused = kwargs.pop("fused", None)
        renorm = kwargs.pop("renorm", False)
        renorm_clipping = kwargs.pop("renorm_clipping", None)
        renorm_momentum = kwargs.pop("renorm_momentum", 0.99)
        virtual_batch_size = kwargs.pop("virtual_batch_size", None)
        adjustment = kwargs.pop("adjustment", None)
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
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.synchronized = synchronized
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        self.virtual_batch_size = virtual_batch_size
        self.adjustment = adjustment
        if renorm:
            renorm_clipping = renorm_clipping or {}
            keys = ["rmax", "rmin", "dmax"]
            if set(renorm_clipping) - set(keys):
                raise ValueError(
                    "Received invalid keys for `renorm_clipping` argument: "
                    f"{renorm_clipping}. Supported values: {keys}."
                )
            self.renorm_clipping = renorm_clipping
            self.renorm_momentum = renorm_momentum
        if synchronized and fused:
            raise ValueError("`fused=True` is not supported when `synchronized=True`.")
        if synchronized:
            fused = False
        if fused:
            self._raise_if_fused_cannot_be_used()
        elif fused is None and not self._fused_can_be_used():
            fused = False
        self.fused = fused
        self._data_format = None

    def _raise_if_fused_cannot_be_used(self):
        if self.renorm:
            raise ValueError("Passing both `fused=True` and `renorm=True` is not supported")
        axis = [self.axis] if isinstance(self.axis, int) else self.axis
        if len(axis) > 1 or axis[0] not in (-4, -3, -1, 1, 3, 4):
            raise ValueError(
                "Passing `fused=True` is only supported when axis is 1 or 3 for input rank = 4 "
                f"or 1 or 4 for input rank = 5. Got axis {axis}"
            )
        if self.virtual_batch_size is not None:
            raise ValueError(
                "Passing `fused=True` is not supported when `virtual_batch_size` is specified."
            )
        if self.adjustment is not None:
            raise ValueError(
                "Passing `fused=True` is not supported when `adjustment` is specified."
            )
        if self.compute_dtype not in ("float16", "bfloat16", "float32", None):
            raise ValueError(
                "Passing `fused=True` is only supported when the compute dtype is float16, "
                f"bfloat16, or float32. Got dtype: {self.compute_dtype}"
            )

    def _fused_can_be_used(self) -> bool:
        try:
            self._raise_if_fused_cannot_be_used()
        except ValueError:
            return False
        return True

    @property
    def _param_dtype(self):
        # Half-precision layers keep their statistics and parameters in float32.
        if self.dtype in ("float16", "bfloat16"):
            return "float32"
        return self.dtype or "float32"

    def build(self, input_shape):
        input_shape = TensorShape(input_shape)
        self.axis = validate_axis(self.axis, input_shape)
        rank = input_shape.rank
        axis_to_dim = {a: input_shape[a] for a in self.axis}
        for a, dim in axis_to_dim.items():
            if dim is None:
                raise ValueError(
                    f"Axis {a} of input tensor should have a defined dimension but the layer "
                    f"received an input with shape {input_shape}."
                )
        self.input_spec = InputSpec(ndim=rank, axes=axis_to_dim)
        if self.virtual_batch_size is not None:
            if self.virtual_batch_size <= 0:
                raise ValueError(
                    "`virtual_batch_size` must be a positive integer that divides the true batch "
                    f"size of the input tensor. Received: virtual_batch_size="
                    f"{self.virtual_batch_size}"
                )
            if 0 in self.axis:
                raise ValueError(
                    "When using `virtual_batch_size`, the batch dimension must be 0 and thus "
                    f"axis cannot include 0. Received axis={self.axis}"
                )
            if self.adjustment is not None:
                raise ValueError("When using `virtual_batch_size`, adjustment cannot be specified")
        if self.fused is None:
            self.fused = rank in (4, 5)
        elif self.fused and rank not in (4, 5):
            raise ValueError(
                "Batch normalization layers with `fused=True` only support 4D or 5D input "
                f"tensors. Received tensor with shape: {tuple(input_shape.as_list())}"
            )
        if self.fused:
            self._data_format = _FUSED_FORMATS.get((rank, self.axis[0]))
            if self._data_format is None and rank == 5:
                self.fused = False
            elif self._data_format is None:
                raise ValueError(
                    "Unsupported axis. The use of `fused=True` is only possible with `axis=1` "
                    f"or `axis=3` for 4D input tensors. Received: axis={tuple(self.axis)}"
                )
        if len(self.axis) == 1 and self.virtual_batch_size is None:
            param_shape = (axis_to_dim[self.axis[0]],)
        else:
            param_shape = [axis_to_dim.get(i, 1) for i in range(rank)]
        if self.virtual_batch_size is not None:
            # The inputs gain a virtual-batch axis at 1.
            param_shape.insert(1, 1)
            self.axis = [a + 1 for a in self.axis]
        self._param_shape = param_shape
        weight_args = dict(shape=param_shape, dtype=self._param_dtype, experimental_autocast=False)
        if self.scale:
            self.gamma = self.add_weight(
                "gamma",
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
                **weight_args,
            )
        else:
            self.gamma = None
        if self.center:
            self.beta = self.add_weight(
                "beta",
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
                **weight_args,
            )
        else:
            self.beta = None
        # The statistics are per-replica, read as their mean across replicas.
        statistic_args = dict(
            trainable=False,
            synchronization=VariableSynchronization.ON_READ,
            aggregation=VariableAggregation.MEAN,
            **weight_args,
        )
        self.moving_mean = self.add_weight(
            "moving_mean", initializer=self.moving_mean_initializer, **statistic_args
        )
        self.moving_variance = self.add_weight(
            "moving_variance", initializer=self.moving_variance_initializer, **statistic_args
        )
        if self.renorm:
            # Batch renormalization tracks the inference standard deviation, and the moving
            # mean and standard deviation its corrections use in training.
            variance_initializer = self.moving_variance_initializer

            def stddev_initializer(shape, dtype=None, **kwargs):
                return math_ops.sqrt(variance_initializer(shape, dtype=dtype, **kwargs))

            self.moving_stddev = self.add_weight(
                "moving_stddev", initializer=stddev_initializer, **statistic_args
            )
            self.renorm_mean = self.add_weight(
                "renorm_mean", initializer=self.moving_mean_initializer, **statistic_args
            )
            self.renorm_stddev = self.add_weight(
                "renorm_stddev", initializer=stddev_initializer, **statistic_args
            )
        self.built = True

    def call(self, inputs, training=None, mask=None):
        training = False if not self.trainable else training_value(training)
        input_dtype = inputs.dtype.base_dtype
        low_precision = input_dtype in (dtypes.float16, dtypes.bfloat16)
        if low_precision:
            inputs = math_ops.cast(inputs, dtypes.float32)
        original_shape = None
        if self.virtual_batch_size is not None:
            shape = array_ops.shape(inputs)
            original_shape = array_ops.concat([[-1], shape[1:]], axis=0)
            # Unless known to be training, one virtual batch holds everything.
            leading = [self.virtual_batch_size, -1] if training is True else [-1, 1]
            inputs = array_ops.reshape(inputs, array_ops.concat([leading, shape[1:]], axis=0))
        if self.fused:
            if mask is not None:
                warnings.warn(
                    "Masking is not supported with `fused=True`. You should either turn off "
                    "fusing (`fused=False`) or you should not pass a `mask` argument when "
                    "calling the layer. For the moment `mask` will be ignored for the "
                    "normalization.",
                    stacklevel=2,
                )
            outputs = self._fused_call(inputs, training)
        else:
            outputs = self._moments_call(inputs, training, mask)
        if original_shape is not None:
            outputs = array_ops.reshape(outputs, original_shape)
        if low_precision:
            outputs = math_ops.cast(outputs, input_dtype)
        return outputs

    def _scale_and_offset(self, dtype):
        gamma = self.gamma if self.gamma is not None else array_ops.ones(self._param_shape, dtype)
        beta = self.beta if self.beta is not None else array_ops.zeros(self._param_shape, dtype)
        return gamma, beta

    def _fused_call(self, inputs, training):
        gamma, beta = self._scale_and_offset(self.moving_mean.dtype)
        data_format = self._data_format
        original_shape = None
        if data_format in ("NCDHW", "NDHWC"):
            # The same statistics as the 5-D layout: merge depth and height into one axis.
            original_shape = array_ops.shape(inputs)
            dims = [original_shape[i] for i in range(5)]
            if data_format == "NDHWC":
                merged = [dims[0], dims[1] * dims[2], dims[3], dims[4]]
                data_format = "NHWC"
            else:
                merged = [dims[0], dims[1], dims[2] * dims[3], dims[4]]
                data_format = "NCHW"
            inputs = array_ops.reshape(inputs, array_ops.stack(merged))

        def train():
            return normalization_ops.fused_batch_norm(
                inputs,
                gamma,
                beta,
                mean=self.moving_mean,
                variance=self.moving_variance,
                epsilon=self.epsilon,
                data_format=data_format,
                is_training=True,
                exponential_avg_factor=1.0 - self.momentum,
            )

        def infer():
            return normalization_ops.fused_batch_norm(
                inputs,
                gamma,
                beta,
                mean=self.moving_mean,
                variance=self.moving_variance,
                epsilon=self.epsilon,
                data_format=data_format,
                is_training=False,
            )

        if isinstance(training, Tensor) or training:
            if isinstance(training, Tensor):
                outputs, new_mean, new_variance = control_flow_ops.cond(training, train, infer)
            else:
                outputs, new_mean, new_variance = train()
            rows = _replica_rows(inputs)
            self.moving_mean.assign(_unless_empty(rows, new_mean, self.moving_mean))
            self.moving_variance.assign(_unless_empty(rows, new_variance, self.moving_variance))
        else:
            outputs = infer()[0]
        if original_shape is not None:
            outputs = array_ops.reshape(outputs, original_shape)
        return outputs

    def _moments_call(self, inputs, training, mask):
        rank = inputs.shape.rank
        reduction_axes = [i for i in range(rank) if i not in self.axis]
        if self.virtual_batch_size is not None:
            del reduction_axes[1]  # each virtual batch keeps its own statistics
        broadcast_shape = [1] * rank
        broadcast_shape[self.axis[0]] = inputs.shape[self.axis[0]]

        def as_broadcast(value):
            if (
                value is not None
                and value.shape.rank != rank
                and reduction_axes != list(range(rank - 1))
            ):
                return array_ops.reshape(value, broadcast_shape)
            return value

        scale, offset = as_broadcast(self.gamma), as_broadcast(self.beta)
        symbolic = isinstance(training, Tensor)
        if training is False:
            mean = math_ops.cast(self.moving_mean, inputs.dtype)
            variance = math_ops.cast(self.moving_variance, inputs.dtype)
        else:
            if self.adjustment:
                adjust_scale, adjust_offset = self.adjustment(array_ops.shape(inputs))
                if symbolic:
                    adjust_scale = _pick(training, adjust_scale, array_ops.ones_like(adjust_scale))
                    adjust_offset = _pick(
                        training, adjust_offset, array_ops.zeros_like(adjust_offset)
                    )
                scale, offset = _compose(adjust_scale, adjust_offset, scale, offset)
            keep_dims = self.virtual_batch_size is not None or len(self.axis) > 1
            mean, variance = self._batch_moments(inputs, reduction_axes, keep_dims, mask)
            if symbolic:
                mean = _pick(training, mean, self.moving_mean)
                variance = _pick(training, variance, self.moving_variance)
            if self.virtual_batch_size is not None:
                new_mean = reduction_ops.reduce_mean(mean, axis=1, keepdims=True)
                new_variance = reduction_ops.reduce_mean(variance, axis=1, keepdims=True)
            else:
                new_mean, new_variance = mean, variance
            if self.renorm:
                r, d = self._renorm_corrections(new_mean, new_variance, training)
                r = as_broadcast(array_ops.stop_gradient(r))
                d = as_broadcast(array_ops.stop_gradient(d))
                scale, offset = _compose(r, d, scale, offset)
            rows = _replica_rows(inputs)
            self._update_moving_average(self.moving_mean, new_mean, self.momentum, training, rows)
            if self.renorm:
                stddev = math_ops.sqrt(new_variance + self.epsilon)
                self._update_moving_average(
                    self.moving_stddev, stddev, self.momentum, training, rows
                )
                moving_stddev = math_ops.cast(self.moving_stddev, dtypes.float32)
                new_value = nn_ops.relu(moving_stddev * moving_stddev - self.epsilon)
                new_value = math_ops.cast(new_value, self.moving_variance.dtype)
                if symbolic:
                    new_value = _pick(training, new_value, self.moving_variance)
                self.moving_variance.assign(new_value)
            else:
                self._update_moving_average(
                    self.moving_variance, new_variance, self.momentum, training, rows
                )
        mean = math_ops.cast(mean, inputs.dtype)
        variance = math_ops.cast(variance, inputs.dtype)
        if offset is not None:
            offset = math_ops.cast(offset, inputs.dtype)
        if scale is not None:
            scale = math_ops.cast(scale, inputs.dtype)
        return nn_ops.batch_normalization(
            inputs, as_broadcast(mean), as_broadcast(variance), offset, scale, self.epsilon
        )

    def _batch_moments(self, inputs, reduction_axes, keep_dims, mask):
        inputs = math_ops.cast(inputs, self._param_dtype)
        if mask is None:
            return nn_ops.moments(inputs, reduction_axes, keepdims=keep_dims)
        weights = array_ops.expand_dims(math_ops.cast(mask, inputs.dtype), -1)
        return nn_ops.weighted_moments(inputs, reduction_axes, weights, keepdims=keep_dims)

    def _update_moving_average(self, variable, value, momentum, training, rows=None):
        """variable -= (variable - value) * (1 - momentum), in training only (and only from a
        batch with rows: see `_replica_rows`)."""
        value = _unless_empty(rows, math_ops.cast(value, variable.dtype), variable)
        if isinstance(training, Tensor):
            value = _pick(training, value, variable)
        # The decay is a float32 constant first, as TF converts the Python float.
        decay = math_ops.cast(
            convert_to_tensor(1.0 - momentum, dtype=dtypes.float32), variable.dtype
        )
        variable.assign_sub((variable - value) * decay)

    def _renorm_corrections(self, mean, variance, training):
        """The batch-renormalization corrections (r, d) from the statistics before this
        batch's update of the renorm averages; the averages are then updated."""
        stddev = math_ops.sqrt(variance + self.epsilon)
        renorm_mean = array_ops.identity(self.renorm_mean)
        renorm_stddev = array_ops.identity(self.renorm_stddev)
        r = stddev / renorm_stddev
        d = (mean - renorm_mean) / renorm_stddev
        rmin, rmax, dmax = (self.renorm_clipping.get(k) for k in ("rmin", "rmax", "dmax"))
        if rmin is not None:
            r = math_ops.maximum(r, rmin)
        if rmax is not None:
            r = math_ops.minimum(r, rmax)
        if dmax is not None:
            d = math_ops.minimum(math_ops.maximum(d, -dmax), dmax)
        if isinstance(training, Tensor):
            r = _pick(training, r, array_ops.ones_like(r))
            d = _pick(training, d, array_ops.zeros_like(d))
        self._update_moving_average(self.renorm_mean, mean, self.renorm_momentum, training)
        self._update_moving_average(self.renorm_stddev, stddev, self.renorm_momentum, training)
        return r, d

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer
                ),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
            }
        )
        if self.renorm:
            config["renorm"] = True
            config["renorm_clipping"] = self.renorm_clipping
            config["renorm_momentum"] = self.renorm_momentum
        if self.virtual_batch_size is not None:
            config["virtual_batch_size"] = self.virtual_batch_size
        return config


def _pick(flag, when_true, when_false):
    """`when_true` where the boolean tensor `flag` holds, else `when_false` (both computed)."""
    return control_flow_ops.cond(
        flag, lambda: array_ops.identity(when_true), lambda: array_ops.identity(when_false)
    )


def _compose(scale, offset, then_scale, then_offset):
    """The scale and offset of `x * scale + offset`, then `* then_scale + then_offset`."""
    if then_scale is not None:
        scale = scale * then_scale
        offset = offset * then_scale
    if then_offset is not None:
        offset = offset + then_offset
    return scale, offset


def _replica_rows(inputs):
    """This replica's batch size under a strategy of several replicas, else None: an uneven
    last batch can leave a replica no rows, and its statistics (NaN) must then not move the
    moving averages (tf_keras skips them the same way)."""
    if distribute_context.multi_replica_context() is None:
        return None
    return array_ops.shape(inputs)[0]


def _unless_empty(rows, value, variable):
    """`value`, or `variable`'s own value when `rows` says the batch was empty."""
    if rows is None:
        return value
    return indexing_ops.where(math_ops.greater(rows, 0), value, variable)
