"""`tf.IndexedSlices`: a sparse set of rows of a dense tensor, as gather's gradient returns."""

from __future__ import annotations

from tensorflux._src.core.shape import TensorShape

# Set by the op library: turns IndexedSlices into a dense tensor (an unsorted segment sum).
_densify = None


class IndexedSlices:
    """Rows `values` of a tensor of shape `dense_shape`, at row `indices`.

    Converting to a tensor sums the rows that share an index, so gradients add up right.

    >>> s = tf.IndexedSlices(tf.constant([[1.0], [2.0]]), tf.constant([0, 0]), tf.constant([3, 1]))
    >>> tf.convert_to_tensor(s).numpy().ravel()
    array([3., 0., 0.], dtype=float32)
    """

    __slots__ = ("_dense_shape", "_indices", "_values")

    def __init__(self, values, indices, dense_shape=None):
        self._values = values
        self._indices = indices
        self._dense_shape = dense_shape

    @property
    def values(self):
        return self._values

    @property
    def indices(self):
        return self._indices

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def device(self):
        return self._values.device

    @property
    def shape(self) -> TensorShape:
        if self._dense_shape is None:
            return TensorShape(None)
        try:
            return TensorShape([int(d) for d in self._dense_shape.numpy()])
        except AttributeError:
            return TensorShape(None)

    def __tf_tensor__(self, dtype=None, name=None):
        dense = _densify(self)
        if dtype is not None and dense.dtype != dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {dtype.name} for IndexedSlices with dtype "
                f"{dense.dtype.name}"
            )
        return dense

    def __neg__(self):
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __repr__(self):
        return (
            f"IndexedSlices(indices={self._indices!r}, values={self._values!r}, "
            f"dense_shape={self._dense_shape!r})"
        )
