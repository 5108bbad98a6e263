"""`tf.keras.Input` and `InputLayer`: the entry points of a functional model.

>>> x = tf.keras.Input(shape=(28, 28), name="image")
>>> x.shape, x.dtype
(TensorShape([None, 28, 28]), tf.float32)
"""

from tensorflux._src.core import context, dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras import backend
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.layers.node import Node


class InputLayer(Layer):
    """The layer behind `tf.keras.Input`: it has no weights and outputs its placeholder."""

    _is_input_layer = True

    def __init__(
        self,
        input_shape=None,
        batch_size=None,
        dtype=None,
        input_tensor=None,
        sparse=None,
        name=None,
        ragged=None,
        type_spec=None,
        **kwargs,
    ):
        batch_input_shape = kwargs.pop("batch_input_shape", kwargs.pop("batch_shape", None))
        optional = kwargs.pop("optional", False)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {list(kwargs)}")
        if sparse or ragged:
            raise ValueError(
                "Sparse and ragged Keras inputs are not supported by tensorflux yet; pass dense "
                "tensors (e.g. `tf.sparse.to_dense`, `ragged.to_tensor()`)."
            )
        if input_shape is not None and batch_input_shape is not None:
            raise ValueError(
                "Only provide the input_shape OR batch_input_shape argument to InputLayer, not "
                "both at the same time."
            )
        if name is None:
            name = backend.unique_object_name("input", zero_based=False)
        if type_spec is not None:
            batch_input_shape = tuple(TensorShape(type_spec.shape).as_list())
            dtype = type_spec.dtype
        if input_tensor is not None:
            batch_input_shape = tuple(TensorShape(input_tensor.shape).as_list())
            dtype = input_tensor.dtype
        if batch_input_shape is None:
            if input_shape is None:
                batch_input_shape = (batch_size,)
                if input_tensor is None and type_spec is None:
                    batch_input_shape = None
            else:
                batch_input_shape = (batch_size, *tuple(input_shape))
        dtype = dtypes.as_dtype(dtype or backend.floatx()).name
        super().__init__(dtype=dtype, name=name)
        self.built = True
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = optional
        self._batch_input_shape = (
            tuple(batch_input_shape) if batch_input_shape is not None else None
        )
        graph = backend.get_graph()
        state = context.state
        saved_scope, state.name_scope = state.name_scope, ""
        try:
            shape = TensorShape(None if batch_input_shape is None else list(batch_input_shape))
            placeholder = graph.placeholder(dtypes.as_dtype(dtype), shape, name=name)
        finally:
            state.name_scope = saved_scope
        Node(self, (), {}, placeholder)

    def get_config(self):
        return {
            "batch_input_shape": self._batch_input_shape,
            "dtype": self.dtype,
            "sparse": self.sparse,
            "ragged": self.ragged,
            "name": self.name,
            "optional": self.optional,
        }


def Input(  # noqa: N802 - TF's public name
    shape=None,
    batch_size=None,
    name=None,
    dtype=None,
    sparse=None,
    tensor=None,
    ragged=None,
    type_spec=None,
    **kwargs,
):
    """A symbolic input of a functional model: a KerasTensor of shape `(batch_size, *shape)`.

    Args:
        shape: the shape of one sample, without the batch axis; None dims are unknown.
        batch_size: a fixed batch size, or None.
        name: the input's name (unique in the model); by default 'input_1', 'input_2'...
        dtype: the input's dtype (floatx by default).

    >>> tf.keras.Input(shape=(3,), batch_size=8).shape
    TensorShape([8, 3])
    """
    batch_shape = kwargs.pop("batch_shape", kwargs.pop("batch_input_shape", None))
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {list(kwargs)}")
    if shape is not None and batch_shape is not None:
        raise ValueError(
            "Only provide the `shape` OR `batch_shape` argument to Input, not both at the same "
            "time."
        )
    if shape is None and batch_shape is None and tensor is None and type_spec is None:
        raise ValueError(
            "Please provide to Input a `shape` or a `tensor` or a `type_spec` argument. Note "
            "that `shape` does not include the batch dimension."
        )
    if isinstance(shape, int):
        shape = (shape,)
    layer = InputLayer(
        input_shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        input_tensor=tensor,
        sparse=sparse,
        name=name,
        ragged=ragged,
        type_spec=type_spec,
        batch_input_shape=batch_shape,
    )
    return layer._inbound_nodes[0].outputs
