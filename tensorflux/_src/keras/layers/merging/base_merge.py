"""The private base of the layers that merge a list of inputs elementwise (`Add`, `Maximum`...).

Inputs of different ranks are aligned by inserting axes after the batch axis; the non-batch
axes then broadcast as NumPy does. The output mask is the AND of the input masks.
"""

from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.ops import array_ops, reduction_ops


def shape_tuples(input_shape):
    """A TensorShape -> a tuple (None when the rank is unknown); a list of them -> a list."""
    if isinstance(input_shape, TensorShape):
        return tuple(input_shape.as_list()) if input_shape.rank is not None else None
    if isinstance(input_shape, (list, tuple)) and any(
        isinstance(s, (TensorShape, list, tuple)) or s is None for s in input_shape
    ):
        return [shape_tuples(TensorShape(s)) if s is not None else None for s in input_shape]
    return tuple(input_shape)


def check_mask_arguments(inputs, mask):
    if not isinstance(mask, (tuple, list)):
        raise ValueError(f"`mask` should be a list. Received: mask={mask}")
    if not isinstance(inputs, (tuple, list)):
        raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
    if len(mask) != len(inputs):
        raise ValueError(
            "The lists `inputs` and `mask` should have the same length. Received: "
            f"inputs={inputs} of length {len(inputs)}, and mask={mask} of length {len(mask)}"
        )


class _Merge(Layer):
    """Merges a list of tensors with `_merge_function`, broadcasting over non-batch axes."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self._reshape_required = False

    def _merge_function(self, inputs):
        raise NotImplementedError

    def _compute_elemwise_op_output_shape(self, shape1, shape2):
        """The broadcast shape of two non-batch shapes (tuples, or None when unknown)."""
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            return self._compute_elemwise_op_output_shape(shape2, shape1)
        if not shape2:
            return shape1
        output_shape = list(shape1[: -len(shape2)])
        for i, j in zip(shape1[-len(shape2) :], shape2):
            if i is None or j is None:
                output_shape.append(None)
            elif i == 1:
                output_shape.append(j)
            elif j == 1 or i == j:
                output_shape.append(i)
            else:
                raise ValueError(
                    f"Inputs have incompatible shapes. Received shapes {shape1} and {shape2}"
                )
        return tuple(output_shape)

    def _merged_inner_shape(self, input_shape):
        output_shape = None if input_shape[0] is None else input_shape[0][1:]
        for shape in input_shape[1:]:
            output_shape = self._compute_elemwise_op_output_shape(
                output_shape, None if shape is None else shape[1:]
            )
        return output_shape

    def build(self, input_shape):
        input_shape = shape_tuples(input_shape)
        if not isinstance(input_shape, list) or not isinstance(input_shape[0], tuple):
            raise ValueError(
                "A merge layer should be called on a list of inputs. Received: "
                f"input_shape={input_shape} (not a list of shapes)"
            )
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                "Cannot merge tensors with different batch sizes. Got tensors with shapes "
                f"{input_shape}"
            )
        self._merged_inner_shape(input_shape)
        self._reshape_required = None in input_shape or len(set(map(len, input_shape))) != 1
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "A merge layer should be called on a list of inputs. Received: "
                f"inputs={inputs} (not a list of tensors)"
            )
        ranks = [x.shape.rank for x in inputs]
        if not self._reshape_required or None in ranks:
            return self._merge_function(inputs)
        max_rank = max(ranks)
        aligned = []
        for x, rank in zip(inputs, ranks):
            for _ in range(max_rank - rank):
                x = array_ops.expand_dims(x, axis=1)
            aligned.append(x)
        return self._merge_function(aligned)

    def compute_output_shape(self, input_shape):
        input_shape = shape_tuples(input_shape)
        output_shape = self._merged_inner_shape(input_shape)
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        batch = next(iter(batch_sizes)) if len(batch_sizes) == 1 else None
        if output_shape is None:
            return TensorShape(None)
        return TensorShape((batch, *output_shape))

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        check_mask_arguments(inputs, mask)
        if all(m is None for m in mask):
            return None
        masks = [array_ops.expand_dims(m, axis=0) for m in mask if m is not None]
        return reduction_ops.reduce_all(array_ops.concat(masks, axis=0), axis=0)
