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

_BINARY = {
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
}
_UNARY = {
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
    "Identity": "identity",
}
_REDUCTIONS = {
    "Sum": "math.reduce_sum",
    "Mean": "math.reduce_mean",
    "Max": "math.reduce_max",
    "Min": "math.reduce_min",
}
# TF's public function for an op type: the layer's name ('tf.math.multiply') and, for the ops
# `call_arguments` knows, the function a saved config calls (what tf_keras writes).
API_NAMES = {
    **_BINARY,
    **_UNARY,
    **_REDUCTIONS,
    "Cast": "cast",
    "MatMul": "linalg.matmul",
    "BatchMatMulV2": "linalg.matmul",
    "Reshape": "reshape",
    "Transpose": "transpose",
    "ConcatV2": "concat",
    "ExpandDims": "expand_dims",
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
            kwargs.pop("training", None)  # context for layers, not arguments of the function
            kwargs.pop("mask", None)
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


def _operator_add(x, y, name=None):
    return x + y


def _operator_getitem(x, slice_spec, var=None):
    return x[slice_spec]


# tf_keras writes `x + y` as 'tf.__operators__.add' and `x[...]` as 'tf.__operators__.getitem'.
_OPERATORS = {"__operators__.add": _operator_add, "__operators__.getitem": _operator_getitem}


def _resolve_function(api_name: str):
    """'math.multiply' -> tf.math.multiply; 'compat.v1.transpose' -> tf.transpose."""
    import importlib

    if api_name in _OPERATORS:
        return _OPERATORS[api_name]
    # The public namespace is resolved at load time only (keras sits below it).
    tensorflux = importlib.import_module("tensorflux")
    if api_name.startswith("compat.v1.") and not hasattr(tensorflux.compat.v1, api_name[10:]):
        api_name = api_name[10:]
    target = tensorflux
    for part in api_name.split("."):
        target = getattr(target, part, None)
        if target is None:
            raise ValueError(f"Unknown TF function in a TFOpLambda layer: tf.{api_name}")
    return target


def call_arguments(layer, inputs):
    """What tf_keras writes for this op layer's call: `(first, kwargs)`, where `first` is the
    function's first argument (an input from `inputs`, a constant, or for concat the list of
    inputs) and kwargs its other arguments. `inputs` stand for the op's KerasTensor inputs in
    order (references in a config). ValueError for ops no public function call describes."""
    op, attrs = layer.op, layer.attrs
    symbolic = iter(inputs)
    count = len(inputs) + len(layer.constants)
    values = [
        layer.constants[i].tolist() if i in layer.constants else next(symbolic)
        for i in range(count)
    ]
    name = op.name
    if name in _BINARY:
        return values[0], {"y": values[1], "name": None}
    if name in _UNARY:
        return values[0], {"name": None}
    if name in _REDUCTIONS:
        return values[0], {"axis": values[1], "keepdims": bool(attrs.get("keep_dims", False))}
    if name == "Cast":
        return values[0], {"dtype": attrs["DstT"].name}
    if name == "Reshape":
        return values[0], {"shape": values[1]}
    if name == "Transpose":
        return values[0], {"perm": values[1]}
    if name == "ExpandDims":
        return values[0], {"axis": values[1]}
    if name == "MatMul":
        return values[0], {
            "b": values[1],
            "transpose_a": bool(attrs.get("transpose_a", False)),
            "transpose_b": bool(attrs.get("transpose_b", False)),
        }
    if name == "BatchMatMulV2":
        return values[0], {
            "b": values[1],
            "adjoint_a": bool(attrs.get("adj_x", False)),
            "adjoint_b": bool(attrs.get("adj_y", False)),
        }
    if name == "ConcatV2":
        return values[:-1], {"axis": values[-1]}
    raise ValueError(
        f"The TF op '{name}' applied to Keras tensors (layer '{layer.name}') can't be written to "
        "a model config: no public TF function call describes it. Wrap that computation in a "
        "`tf.keras.layers.Lambda` or a custom layer to save the model."
    )


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
