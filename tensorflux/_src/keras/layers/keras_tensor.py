"""KerasTensor: a symbolic tensor of the Keras graph, what `tf.keras.Input` and layers called on
it return. It knows its shape and dtype, and (through `_keras_history`) the layer call that made
it, which is how a functional model finds its layers. TF ops applied to KerasTensors add nodes
to the Keras graph; a functional model turns those into op layers.

>>> x = tf.keras.Input(shape=(4,), name="features")
>>> x
<KerasTensor: shape=(None, 4) dtype=float32 (created by layer 'features')>
"""

import collections

from tensorflux._src.core import device as device_lib
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.graph import ir

KerasHistory = collections.namedtuple("KerasHistory", ["layer", "node_index", "tensor_index"])


class KerasTensor(ir.SymbolicTensor):
    """A symbolic tensor of the functional-model graph."""

    __slots__ = ("_keras_history",)

    @property
    def _device(self):  # where constants combined with this tensor are made (eagerly)
        return device_lib.default_device()

    @property
    def _is_input(self) -> bool:
        history = getattr(self, "_keras_history", None)
        return history is not None and getattr(history.layer, "_is_input_layer", False)

    @property
    def type_spec(self) -> TensorSpec:
        return TensorSpec(self.shape, self.dtype, self.op.name if self._is_input else None)

    @property
    def node(self):
        history = getattr(self, "_keras_history", None)
        return history.layer._inbound_nodes[history.node_index] if history else None

    def _description(self) -> str:
        history = getattr(self, "_keras_history", None)
        if history is None:
            return f"created by op '{self.op.type}'"
        return f"created by layer '{history.layer.name}'"

    def __repr__(self):
        shape = tuple(self.shape.as_list()) if self.shape.rank is not None else None
        return f"<KerasTensor: shape={shape} dtype={self.dtype.name} ({self._description()})>"

    def __str__(self):
        return (
            f"KerasTensor(type_spec={self.type_spec!r}, name='{self.name}', "
            f'description="{self._description()}")'
        )

    @property
    def name(self) -> str:
        return self.op.name if self._is_input else super().name


class _KeepNothing(list):
    """A node list that keeps nothing."""

    def append(self, item):
        pass


class _CacheNothing(dict):
    def __setitem__(self, key, value):
        pass


class KerasGraph(ir.Graph):
    """The graph Keras inputs and the TF ops applied to them live in.

    It is only ever walked back from its tensors, so it keeps no list of its nodes and no
    cache of constants: a model that is deleted frees its layers and weights, however many
    models the session builds (a list would keep every one alive until clear_session).
    """

    tensor_class = KerasTensor
    accepts_outside_ops = True

    def __init__(self, name: str = "keras_graph"):
        super().__init__(name)
        self.nodes = _KeepNothing()
        self._constants = _CacheNothing()
