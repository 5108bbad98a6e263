"""`tf.keras.layers.Lambda`: wraps an expression as a layer.

Serialization follows tf_keras: a Python function (a `lambda` or a `def`) is stored as its
marshalled, base64-encoded bytecode with `'function_type': 'lambda'`; other callables are
stored by name (`'function'`). Loading bytecode runs arbitrary code, so `from_config` refuses
it in safe mode (the default; `load_model(..., safe_mode=False)` turns it off for files you
trust).
"""

import base64
import inspect
import marshal
import sys
import types
import warnings

import numpy as np

from tensorflux._src.core import nest
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.keras.layers.layer import Layer
from tensorflux._src.keras.saving import serialization_lib

_SUPPORTED_FUNCTION_TYPES = ["function", "lambda", "raw"]


def _is_single_shape(shape) -> bool:
    if isinstance(shape, TensorShape):
        return True
    return isinstance(shape, (list, tuple)) and all(
        d is None or isinstance(d, (int, np.integer)) for d in shape
    )


def _to_shape_nest(shape):
    if _is_single_shape(shape):
        return TensorShape(shape)
    if isinstance(shape, dict):
        return {key: _to_shape_nest(value) for key, value in shape.items()}
    return [_to_shape_nest(s) for s in shape]


def _to_tuple_nest(shape):
    if isinstance(shape, TensorShape):
        return tuple(shape.as_list()) if shape.rank is not None else None
    if isinstance(shape, dict):
        return {key: _to_tuple_nest(value) for key, value in shape.items()}
    if isinstance(shape, (list, tuple)) and not _is_single_shape(shape):
        return [_to_tuple_nest(s) for s in shape]
    return tuple(shape)


def _dump_function(function):
    """(base64 marshalled code, defaults, closure values) of a Python function."""
    code = base64.encodebytes(marshal.dumps(function.__code__)).decode("ascii")
    closure = (
        tuple(cell.cell_contents for cell in function.__closure__) if function.__closure__ else None
    )
    return code, function.__defaults__, closure


def _load_function(dumped, globs):
    if isinstance(dumped, (tuple, list)):
        code, defaults, closure = [*dumped, None, None][:3]
    else:
        code, defaults, closure = dumped, None, None
    if isinstance(defaults, list):
        defaults = tuple(defaults)
    raw = base64.decodebytes(code.encode("ascii"))
    code_object = marshal.loads(raw)
    cells = tuple(types.CellType(value) for value in closure) if closure is not None else None
    return types.FunctionType(
        code_object, globs, name=code_object.co_name, argdefs=defaults, closure=cells
    )


class Lambda(Layer):
    """Calls `function(inputs, **arguments)`; for stateless expressions in functional models.

    Args:
        function: the function to wrap; it may take `mask` and `training` arguments.
        output_shape: the output shape without the batch axis (or a function of the input
            shape); by default it is inferred by running `function`.
        mask: the output mask, or a function `(inputs, mask) -> mask`.
        arguments: extra keyword arguments for `function`.

    >>> tf.keras.layers.Lambda(lambda x: x * 2)(tf.constant([[1.0]])).numpy()
    array([[2.]], dtype=float32)
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.arguments = arguments or {}
        self.function = function
        if mask is not None:
            self.supports_masking = True
        self.mask = mask
        self._output_shape = output_shape
        parameters = inspect.signature(function).parameters
        self._fn_expects_training_arg = "training" in parameters
        self._fn_expects_mask_arg = "mask" in parameters

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            try:
                return super().compute_output_shape(input_shape)
            except NotImplementedError:
                raise NotImplementedError(
                    "We could not automatically infer the shape of the Lambda's output. Please "
                    "specify `output_shape` for this Lambda."
                ) from None
        if callable(self._output_shape):
            return _to_shape_nest(self._output_shape(_to_tuple_nest(input_shape)))
        input_shapes = _to_shape_nest(input_shape)
        first = nest.flatten(input_shapes)[0] if input_shape else None
        batch_size = first[0] if first is not None and first.rank else None

        def add_batch(shape):
            return TensorShape([batch_size, *shape.as_list()])

        return nest.map_structure(add_batch, _to_shape_nest(self._output_shape))

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        function, function_type, module = _serialize_function(self.function)
        output_shape, output_shape_type, output_shape_module = _serialize_function(
            self._output_shape, allow_raw=True
        )
        config = {
            "function": function,
            "function_type": function_type,
            "module": module,
            "output_shape": output_shape,
            "output_shape_type": output_shape_type,
            "output_shape_module": output_shape_module,
        }
        if self.mask is not None:
            mask, mask_type, mask_module = _serialize_function(self.mask)
            config.update({"mask": mask, "mask_type": mask_type, "mask_module": mask_module})
        config["arguments"] = self.arguments
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        function = _parse_function(config, custom_objects, "function", "module", "function_type")
        output_shape = _parse_function(
            config, custom_objects, "output_shape", "output_shape_module", "output_shape_type"
        )
        mask = (
            _parse_function(config, custom_objects, "mask", "mask_module", "mask_type")
            if "mask" in config
            else None
        )
        config["function"], config["output_shape"], config["mask"] = function, output_shape, mask
        arguments = config.get("arguments")
        if arguments:
            config["arguments"] = {
                key: np.array(value["value"])
                if isinstance(value, dict) and value.get("type") == "ndarray"
                else value
                for key, value in arguments.items()
            }
        return cls(**config)


def _serialize_function(function, allow_raw=False):
    """(value, type, module) for a Lambda config entry, as tf_keras writes it."""
    if isinstance(function, types.LambdaType):
        return _dump_function(function), "lambda", function.__module__
    if callable(function):
        return function.__name__, "function", function.__module__
    if allow_raw:
        return function, "raw", None
    raise ValueError(f"Invalid input for serialization, type: {type(function)} ")


def _parse_function(config, custom_objects, value_key, module_key, type_key):
    globs = dict(globals())
    module = config.pop(module_key, None)
    if module in sys.modules:
        globs.update(sys.modules[module].__dict__)
    elif module is not None:
        warnings.warn(
            f"{module} is not loaded, but a Lambda layer uses it. It may cause errors.",
            UserWarning,
            stacklevel=3,
        )
    if custom_objects:
        globs.update(custom_objects)
    function_type = config.pop(type_key)
    value = config[value_key]
    if function_type == "function":
        if custom_objects and value in custom_objects:
            return custom_objects[value]
        if value in globs and callable(globs[value]):
            return globs[value]
        raise ValueError(
            f"Unknown function in Lambda layer: {value}. Please ensure you are using a "
            "`keras.utils.custom_object_scope` and that this object is included in the scope."
        )
    if function_type == "lambda":
        if serialization_lib.in_safe_mode():
            raise ValueError(
                "Requested the deserialization of a Lambda layer with a Python `lambda` inside "
                "it. This carries a potential risk of arbitrary code execution and thus it is "
                "disallowed by default. If you trust the source of the saved model, you can "
                "pass `safe_mode=False` to the loading function in order to allow Lambda layer "
                "loading."
            )
        return _load_function(value, globs)
    if function_type == "raw":
        return value
    raise TypeError(
        "Unsupported value for `function_type` argument. Received: function_type="
        f"{function_type}. Expected one of {_SUPPORTED_FUNCTION_TYPES}"
    )
