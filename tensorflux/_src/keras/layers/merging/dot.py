"""`tf.keras.layers.Dot` and `tf.keras.layers.dot`: per-example dot products of two tensors."""

import numpy as np

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.merging.base_merge import _Merge, shape_tuples
from tensorflux._src.ops import array_ops, linalg_ops, nn_ops


def _positive_axes(axes, rank1, rank2):
    if isinstance(axes, int):
        return [axes % rank1, axes % rank2] if axes < 0 else [axes, axes]
    return [a % rank if a < 0 else a for a, rank in zip(axes, (rank1, rank2))]


def _dims(x):
    """The dims of `x`: Python ints where static, scalar tensors where not."""
    static = x.shape.as_list()
    if None not in static:
        return static
    dynamic = array_ops.shape(x)
    return [d if d is not None else dynamic[i] for i, d in enumerate(static)]


def _product(dims):
    if all(isinstance(d, int) for d in dims):
        return int(np.prod(dims, dtype=np.int64))
    result = 1
    for d in dims:
        result = result * d
    return result


def _shape_arg(dims):
    if all(isinstance(d, int) for d in dims):
        return dims
    return array_ops.stack(dims)


def batch_dot(x, y, axes):
    """Contracts `x`'s axis `axes[0]` with `y`'s axis `axes[1]` per batch example.

    The result's axes are `x`'s remaining axes then `y`'s (both without the batch axis); a
    result with only the batch axis gets a trailing axis of size 1, as in tf_keras.
    """
    rank_x, rank_y = x.shape.rank, y.shape.rank
    x_rest = [a for a in range(1, rank_x) if a != axes[0]]
    y_rest = [a for a in range(1, rank_y) if a != axes[1]]
    x = array_ops.transpose(x, perm=[0, *x_rest, axes[0]])
    y = array_ops.transpose(y, perm=[0, axes[1], *y_rest])
    x_dims, y_dims = _dims(x), _dims(y)
    batch = x_dims[0] if isinstance(x_dims[0], int) else y_dims[0]
    x_kept, y_kept = x_dims[1:-1], y_dims[2:]
    x_matrix = array_ops.reshape(x, _shape_arg([batch, _product(x_kept), x_dims[-1]]))
    y_matrix = array_ops.reshape(y, _shape_arg([batch, y_dims[1], _product(y_kept)]))
    result = linalg_ops.matmul(x_matrix, y_matrix)
    out_dims = [batch, *x_kept, *y_kept]
    if len(out_dims) == 1:
        out_dims.append(1)
    return array_ops.reshape(result, _shape_arg(out_dims))


class Dot(_Merge):
    """The dot product of two tensors along `axes`, for each batch example.

    Args:
        axes: one axis for both inputs, or a pair `(axis_of_first, axis_of_second)`.
        normalize: L2-normalize both inputs along the contracted axes first (cosine
            similarity).

    >>> x, y = tf.ones([2, 3]), tf.ones([2, 3])
    >>> tf.keras.layers.Dot(axes=1)([x, y]).numpy()
    array([[3.],
           [3.]], dtype=float32)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    "Invalid type for argument `axes`: it should be a list or an int. "
                    f"Received: axes={axes}"
                )
            if len(axes) != 2:
                raise ValueError(
                    "Invalid format for argument `axes`: it should contain two elements. "
                    f"Received: axes={axes}"
                )
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(
                    "Invalid format for argument `axes`: list elements should be integers. "
                    f"Received: axes={axes}"
                )
        self.axes = axes
        self.normalize = normalize

    def build(self, input_shape):
        input_shape = shape_tuples(input_shape)
        if (
            not isinstance(input_shape, list)
            or not isinstance(input_shape[0], tuple)
            or len(input_shape) != 2
        ):
            raise ValueError(
                "A `Dot` layer should be called on a list of 2 inputs. Received: "
                f"input_shape={input_shape}"
            )
        self.built = True
        shape1, shape2 = input_shape
        if shape1 is None or shape2 is None:
            return
        axes = _positive_axes(self.axes, len(shape1), len(shape2))
        if shape1[axes[0]] != shape2[axes[1]]:
            raise ValueError(
                f"Incompatible input shapes: axis values {shape1[axes[0]]} (at axis {axes[0]}) "
                f"!= {shape2[axes[1]]} (at axis {axes[1]}). Full input shapes: {shape1}, "
                f"{shape2}"
            )

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. Received: "
                f"inputs={inputs} (not a list of tensors)"
            )
        return self._merge_function(inputs)

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on exactly 2 inputs. Received: inputs={inputs}"
            )
        x1, x2 = inputs
        axes = _positive_axes(self.axes, x1.shape.rank, x2.shape.rank)
        if self.normalize:
            x1 = nn_ops.l2_normalize(x1, axis=axes[0])
            x2 = nn_ops.l2_normalize(x2, axis=axes[1])
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        input_shape = shape_tuples(input_shape)
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 2:
            raise ValueError(
                "A `Dot` layer should be called on a list of 2 inputs. Received: "
                f"input_shape={input_shape}"
            )
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        axes = _positive_axes(self.axes, len(shape1), len(shape2))
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        output_shape = shape1 + shape2
        if len(output_shape) == 1:
            output_shape.append(1)
        return TensorShape(output_shape)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs, axes, normalize=False, **kwargs):
    """`Dot(axes=axes, normalize=normalize, **kwargs)(inputs)`.

    >>> tf.keras.layers.dot([tf.ones([2, 3]), tf.ones([2, 3])], axes=1).shape
    TensorShape([2, 1])
    """
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
