"""`tf.keras.layers.Normalization`: `(x - mean) / sqrt(variance)` per feature, with `adapt`."""

import numpy as np

from tensorflux._src.core import context, dtypes, nest
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.keras import backend
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops, indexing_ops, math_ops, nn_ops, reduction_ops


class Normalization(Layer):
    """Shifts and scales inputs to mean 0 and variance 1 per feature along `axis`.

    The statistics are given (`mean`, `variance`) or learned from data with `adapt`. With
    `invert=True` the layer undoes the normalization instead.

    Args:
        axis: the axis (or axes) with one statistic per index; the others are reduced. None
            means one statistic for everything.
        mean, variance: the statistics, instead of `adapt`; both or neither.
        invert: map normalized values back to the original scale.

    >>> layer = tf.keras.layers.Normalization()
    >>> layer.adapt(np.array([[0.0], [2.0]], dtype="float32"))
    >>> layer(tf.constant([[1.0], [3.0]])).numpy()
    array([[0.],
           [2.]], dtype=float32)
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        if (mean is not None) != (variance is not None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. Got "
                f"mean: {mean} and variance: {variance}"
            )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self._is_adapted = False

    @property
    def is_adapted(self) -> bool:
        return self._is_adapted

    def build(self, input_shape):
        if isinstance(input_shape, (list, tuple)) and all(
            isinstance(shape, TensorShape) for shape in input_shape
        ):
            raise ValueError(
                "Normalization only accepts a single input. If you are passing a python list "
                "or tuple as a single input, please convert to a numpy array or `tf.Tensor`."
            )
        dims = TensorShape(input_shape).as_list()
        ndim = len(dims)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). Found ndim: "
                f"`{ndim}`, axis: {self.axis}"
            )
        self._keep_axis = sorted(a if a >= 0 else a + ndim for a in self.axis)
        for a in self._keep_axis:
            if dims[a] is None:
                raise ValueError(
                    "All `axis` values to be kept must have known shape. Got axis: "
                    f"{self.axis}, input shape: {dims}, with unknown axis at index: {a}"
                )
        self._reduce_axis = [a for a in range(ndim) if a not in self._keep_axis]
        self._broadcast_shape = [dims[a] if a in self._keep_axis else 1 for a in range(ndim)]
        stats_shape = tuple(dims[a] for a in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                "mean",
                shape=stats_shape,
                dtype=self.compute_dtype,
                initializer="zeros",
                trainable=False,
            )
            self.adapt_variance = self.add_weight(
                "variance",
                shape=stats_shape,
                dtype=self.compute_dtype,
                initializer="ones",
                trainable=False,
            )
            self.count = self.add_weight(
                "count", shape=(), dtype=dtypes.int64, initializer="zeros", trainable=False
            )
            self.built = True
            self.finalize_state()
        else:
            ones = np.ones(stats_shape)
            mean = np.asarray(self.input_mean) * ones
            variance = np.asarray(self.input_variance) * ones
            self.mean = array_ops.reshape(
                convert_to_tensor(mean.astype(self.compute_dtype)), self._broadcast_shape
            )
            self.variance = array_ops.reshape(
                convert_to_tensor(variance.astype(self.compute_dtype)), self._broadcast_shape
            )
        self.built = True

    # -- adapt --------------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Computes the mean and variance of `data` (a NumPy array, tensor or `tf.data`
        dataset), batch by batch; `steps` limits the number of batches."""
        if not context.executing_eagerly():
            raise RuntimeError("`adapt` cannot be called inside a tf.function.")
        if self.built:
            self.reset_state()
        for step, batch in enumerate(_batches(data, batch_size)):
            if steps is not None and step >= steps:
                break
            if not self.built:
                batch_shape = TensorShape(batch.shape)
                if not hasattr(self, "_batch_input_shape"):
                    self._batch_input_shape = (None,) * batch_shape.rank
                self._maybe_build(batch)
            self.update_state(batch)
        self.finalize_state()
        self._is_adapted = True

    def update_state(self, data):
        """Folds one batch into the running mean, variance and count."""
        if self.input_mean is not None:
            raise ValueError(
                "Cannot `adapt` a Normalization layer that is initialized with static `mean` "
                f"and `variance`, you passed mean {self.input_mean} and variance "
                f"{self.input_variance}."
            )
        if not self.built:
            raise RuntimeError("`build` must be called before `update_state`.")
        data = self._standardize_inputs(data)
        data = math_ops.cast(data, self.adapt_mean.dtype)
        batch_mean, batch_variance = nn_ops.moments(data, axes=self._reduce_axis)
        if self._reduce_axis:
            batch_shape = array_ops.shape(data, out_type=dtypes.int64)
            batch_count = reduction_ops.reduce_prod(
                indexing_ops.gather(batch_shape, self._reduce_axis)
            )
        else:
            batch_count = convert_to_tensor(1, dtype=dtypes.int64)
        total_count = batch_count + self.count
        batch_weight = math_ops.cast(batch_count, self.compute_dtype) / math_ops.cast(
            total_count, self.compute_dtype
        )
        existing_weight = 1.0 - batch_weight
        total_mean = self.adapt_mean * existing_weight + batch_mean * batch_weight
        # The pooled variance: each part's variance plus its mean's squared distance.
        total_variance = (
            self.adapt_variance + math_ops.square(self.adapt_mean - total_mean)
        ) * existing_weight + (
            batch_variance + math_ops.square(batch_mean - total_mean)
        ) * batch_weight
        self.adapt_mean.assign(total_mean)
        self.adapt_variance.assign(total_variance)
        self.count.assign(total_count)

    def reset_state(self):
        if self.input_mean is not None or not self.built:
            return
        self.adapt_mean.assign(np.zeros(self.adapt_mean.shape.as_list(), self.compute_dtype))
        self.adapt_variance.assign(np.ones(self.adapt_variance.shape.as_list(), self.compute_dtype))
        self.count.assign(np.int64(0))

    def finalize_state(self):
        if self.input_mean is not None or not self.built:
            return
        self.mean = array_ops.reshape(self.adapt_mean, self._broadcast_shape)
        self.variance = array_ops.reshape(self.adapt_variance, self._broadcast_shape)

    def set_weights(self, weights):
        super().set_weights(weights)
        self.finalize_state()

    # -- call ---------------------------------------------------------------------------------
    def _standardize_inputs(self, inputs):
        if not isinstance(inputs, Tensor):
            inputs = convert_to_tensor(inputs)
        if inputs.dtype.base_dtype is not dtypes.as_dtype(self.compute_dtype):
            inputs = math_ops.cast(inputs, self.compute_dtype)
        return inputs

    def call(self, inputs):
        inputs = self._standardize_inputs(inputs)
        if self.input_mean is None:
            # Read the variables at call time, so that a traced call sees later `adapt`s.
            mean = array_ops.reshape(self.adapt_mean, self._broadcast_shape)
            variance = array_ops.reshape(self.adapt_variance, self._broadcast_shape)
        else:
            mean, variance = self.mean, self.variance
        scale = math_ops.maximum(math_ops.sqrt(variance), backend.epsilon())
        if self.invert:
            return mean + inputs * scale
        return (inputs - mean) / scale

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "invert": self.invert,
                "mean": _listify(self.input_mean),
                "variance": _listify(self.input_variance),
            }
        )
        return config


def _listify(value):
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def _batches(data, batch_size):
    """The batches of `data`: a dataset's elements (features of (x, y) pairs), or slices of
    `batch_size` (32 by default) rows of an array."""
    from tensorflux._src.data.dataset import Dataset

    if isinstance(data, Dataset):
        if batch_size is not None:
            raise ValueError(
                "`batch_size` should not be specified for a tf.data.Dataset, as it is already "
                "batched."
            )
        for element in data:
            if isinstance(element, tuple):
                element = element[0]
            yield nest.flatten(element)[0]
        return
    if isinstance(data, Tensor):
        data = data.numpy()
    array = np.asarray(data)
    size = batch_size or 32
    for start in range(0, array.shape[0], size):
        yield convert_to_tensor(array[start : start + size])
