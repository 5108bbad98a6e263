"""TFOpLambda: a TF op applied to KerasTensors, as a layer of a functional model.

`y = x * 2` on a KerasTensor records a `Mul` node in the Keras graph; when a functional model is
built, each such node becomes a TFOpLambda layer that runs the same op (with the same attrs and
constant inputs) on real tensors. Models built from TF functions keep working in tf_keras's
style: `model.layers` lists them as 'tf.math.multiply' and friends.
"""

import numpy as np

from tensorflux._src.core import context, convert, dispatch
from tensorflux._src.keras import backend
from tensorflux._src.keras.layers.keras_tensor import KerasTensor
from tensorflux._src.keras.layers.layer import Layer

# TF's public function for an op type, for layer names and for configs tf_keras can load.
API_NAMES = {
    "AddV2": "__operators__.add",
    "Add": "__operators__.add",
    "Sub": "math.subtract",
    "Mul": "math.multiply",
    "RealDiv": "math.truediv",
    "FloorDiv": "math.floordiv",
    "FloorMod": "math.floormod",
    "Pow": "math.pow",
    "Maximum": "math.maximum",
    "Minimum": "math.minimum",
    "Neg": "math.negative",
    "Abs": "math.abs",
    "Exp": "math.exp",
    "Log": "math.log",
    "Sqrt": "math.sqrt",
    "Rsqrt": "math.rsqrt",
    "Square": "math.square",
    "Sigmoid": "math.sigmoid",
    "Tanh": "math.tanh",
    "Relu": "nn.relu",
    "Relu6": "nn.relu6",
    "Elu": "nn.elu",
    "Selu": "nn.selu",
    "Softplus": "math.softplus",
    "Softmax": "nn.softmax",
    "Cast": "cast",
    "Identity": "identity",
    "MatMul": "linalg.matmul",
    "BatchMatMulV2": "linalg.matmul",
    "Reshape": "reshape",
    "Transpose": "transpose",
    "ConcatV2": "concat",
    "Pack": "stack",
    "ExpandDims": "expand_dims",
    "Squeeze": "compat.v1.squeeze",
    "Sum": "math.reduce_sum",
    "Mean": "math.reduce_mean",
    "Max": "math.reduce_max",
    "Min": "math.reduce_min",
    "StridedSlice": "__operators__.getitem",
}


class TFOpLambda(Layer):
    """Runs one recorded TF op of the Keras graph on real tensors.

    Its inputs are the op's tensor inputs that are KerasTensors; constant inputs (Python
    numbers, arrays captured when the op was applied) are kept with the layer.
    """

    def __init__(self, op=None, attrs=None, constants=None, function=None, **kwargs):
        api_name = API_NAMES.get(op.name, f"raw_ops.{op.name}") if op is not None else function
        if "name" not in kwargs or kwargs["name"] is None:
            kwargs["name"] = backend.unique_object_name(f"tf.{api_name}")
        super().__init__(**kwargs)
        self.op = op
        self.attrs = dict(attrs or {})
        # position -> constant array, for the op's inputs that are not KerasTensors
        self.constants = dict(constants or {})
        self.function = api_name
        self.built = True
        self._autocast = False

    def call(self, inputs, *args, **kwargs):
        if self.op is None:  # rebuilt from a config: the public TF function by name
            return _resolve_function(self.function)(inputs, *args, **kwargs)
        inputs = list(inputs)
        arguments, symbolic = [], iter(inputs)
        total = len(inputs) + len(self.constants)
        for position in range(total):
            if position in self.constants:
                arguments.append(convert.convert_to_tensor(self.constants[position]))
            else:
                arguments.append(next(symbolic))
        graph = context.state.graph
        if graph is not None:
            return graph.add_node(self.op, arguments, self.attrs)
        return dispatch.apply(self.op, arguments, self.attrs)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self.dtype,
            "function": self.function,
        }


def _resolve_function(api_name: str):
    """'math.multiply' -> tf.math.multiply; '__operators__.add' -> operator.add."""
    import importlib
    import operator

    # The public namespace is resolved at load time only (keras sits below it).
    tensorflux = importlib.import_module("tensorflux")
    if api_name.startswith("__operators__."):
        return getattr(operator, api_name.split(".", 1)[1])
    target = tensorflux
    for part in api_name.split("."):
        target = getattr(target, part, None)
        if target is None:
            raise ValueError(f"Unknown TF function in a TFOpLambda layer: tf.{api_name}")
    return target


def layer_for_op_node(graph_node):
    """The TFOpLambda layer (with its Node recorded) for a Keras-graph op node: the layer's
    inputs are the node's KerasTensor inputs, its outputs the node's outputs."""
    constants, keras_inputs = {}, []
    for position, tensor in enumerate(graph_node.inputs):
        if isinstance(tensor, KerasTensor) and (
            getattr(tensor, "_keras_history", None) is not None or tensor.op.type != "Const"
        ):
            keras_inputs.append(tensor)
        else:
            constants[position] = np.asarray(tensor.static_value)
    layer = TFOpLambda(graph_node.op, graph_node.attrs, constants)
    return layer, keras_inputs
