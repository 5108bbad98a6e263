"""`tf.keras.layers.Concatenate` and `tf.keras.layers.concatenate`: joins inputs on one axis."""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.merging.base_merge import (
    _Merge,
    check_mask_arguments,
    shape_tuples,
)
from tensorflux._src.ops import array_ops, math_ops, reduction_ops


class Concatenate(_Merge):
    """Concatenates a list of tensors along `axis`; the other axes must match.

    Args:
        axis: the concatenation axis.

    >>> tf.keras.layers.Concatenate()([tf.ones([2, 3]), tf.ones([2, 4])]).shape
    TensorShape([2, 7])
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        input_shape = shape_tuples(input_shape)
        if (
            not isinstance(input_shape, list)
            or len(input_shape) < 1
            or not isinstance(input_shape[0], tuple)
        ):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of at least 1 input. "
                f"Received: input_shape={input_shape}"
            )
        self.built = True
        if all(shape is None for shape in input_shape):
            return
        reduced = set()
        for shape in input_shape:
            dims = list(shape)
            del dims[self.axis]
            reduced.add(tuple(dims))
        if len(reduced) == 1:
            return
        message = (
            "A `Concatenate` layer requires inputs with matching shapes except for the "
            f"concatenation axis. Received: input_shape={input_shape}"
        )
        ranks = {len(shape) for shape in reduced}
        if len(ranks) != 1:
            raise ValueError(message)
        for axis in range(next(iter(ranks))):
            if len({shape[axis] for shape in reduced if shape[axis] is not None}) > 1:
                raise ValueError(message)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. Received: "
                f"inputs={inputs} (not a list of tensors)"
            )
        return self._merge_function(inputs)

    def _merge_function(self, inputs):
        return array_ops.concat(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        input_shape = shape_tuples(input_shape)
        if not isinstance(input_shape, list) or not isinstance(input_shape[0], tuple):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of inputs. Received: "
                f"input_shape={input_shape}"
            )
        output_shape = list(input_shape[0])
        for shape in input_shape[1:]:
            if output_shape[self.axis] is None or shape[self.axis] is None:
                output_shape[self.axis] = None
                break
            output_shape[self.axis] += shape[self.axis]
        return TensorShape(output_shape)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        check_mask_arguments(inputs, mask)
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(math_ops.cast(array_ops.ones_like(x), "bool"))
            elif len(m.shape) < len(x.shape):
                masks.append(array_ops.expand_dims(m, axis=-1))
            else:
                masks.append(m)
        return reduction_ops.reduce_all(array_ops.concat(masks, axis=self.axis), axis=-1)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs, axis=-1, **kwargs):
    """`Concatenate(axis=axis, **kwargs)(inputs)`.

    >>> tf.keras.layers.concatenate([tf.ones([2, 3]), tf.ones([2, 4])]).shape
    TensorShape([2, 7])
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
