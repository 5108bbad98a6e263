"""Python code as an op: `tf.py_function` (tensors in, tensors out, differentiable) and
`tf.numpy_function` (arrays in, arrays out). Inside a graph they run when the graph runs."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import context, dtypes, errors, nest, registry
from tensorflux._src.core import device as device_lib
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.ops import array_ops


def _output_list(result, count: int, function_name: str) -> list:
    if count == 1 and not isinstance(result, (list, tuple)):
        return [result]
    result = list(result) if isinstance(result, (list, tuple)) else [result]
    if len(result) != count:
        raise errors.InvalidArgumentError(
            None, None, f"{function_name} returned {len(result)} values, but Tout has {count}."
        )
    return result


def _checked_array(value, dtype: dtypes.DType, function_name: str):
    array = np.asarray(value.numpy() if isinstance(value, Tensor) else value)
    if dtype is not dtypes.string and array.dtype != dtype.as_numpy_dtype:
        if np.can_cast(array.dtype, dtype.as_numpy_dtype, casting="same_kind") or array.ndim == 0:
            array = array.astype(dtype.as_numpy_dtype)
        else:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"{function_name} returned a {array.dtype} value where Tout says {dtype.name}.",
            )
    return array


def _infer_unknown(*specs, func=None, Tout=(), **attrs):
    return [TensorSpec(TensorShape(None), dtype) for dtype in Tout]


# ---- EagerPyFunc (tf.py_function) ---------------------------------------------------------------
def _eager_py_func_kernel(xp, *arrays, func=None, Tout=()):
    device = device_lib.default_device()
    tensors = [EagerTensor(a, dtypes.from_numpy(a.dtype), device) for a in arrays]
    with context.init_scope():  # the Python code runs eagerly, even inside a graph
        result = func(*tensors)
    outputs = _output_list(result, len(Tout), getattr(func, "__name__", "py_function"))
    return tuple(_checked_array(o, d, "py_function") for o, d in zip(outputs, Tout))


def _eager_py_func_grad(op, *dys):
    """Re-runs the function under a tape, inside another py_function, for the VJP."""
    func = op.get_attr("func")
    count = len(op.inputs)
    input_dtypes = [t.dtype for t in op.inputs]

    def vjp(*values):
        inputs, upstream = list(values[:count]), list(values[count:])
        run = lambda: _output_list(func(*inputs), len(upstream), "py_function")  # noqa: E731
        return registry.vjp(run, inputs, upstream)

    upstream = [array_ops.zeros_like(o) if d is None else d for d, o in zip(dys, op.outputs)]
    return py_function(vjp, [*op.inputs, *upstream], input_dtypes)


EAGER_PY_FUNC = register(
    OpDef(
        name="EagerPyFunc",
        kernel=_eager_py_func_kernel,
        infer=_infer_unknown,
        grad=_eager_py_func_grad,
        inputs=("input*",),
        outputs=("output*",),
        attrs=("func", "Tout"),
        stateful=True,
    )
)


def py_function(func=None, inp=None, Tout=None, name=None):
    """Wraps a Python function taking and returning tensors as an op (differentiable).

    >>> tf.py_function(lambda x: x * 2, [tf.constant(3.0)], Tout=tf.float32).numpy()
    np.float32(6.0)
    """
    if func is None:
        return lambda f: py_function(f, inp, Tout, name)
    single = not isinstance(Tout, (list, tuple))
    out_dtypes = [dtypes.as_dtype(d) for d in ([Tout] if single else Tout)]
    inputs = [array_ops.convert(x) for x in nest.flatten(inp or [])]
    if context.state.graph is None:
        result = func(*inputs)  # eagerly the function just runs; tapes see its ops
        outputs = _output_list(result, len(out_dtypes), getattr(func, "__name__", "py_function"))
        converted = [array_ops.convert(o) for o in outputs]
        for o, d in zip(converted, out_dtypes):
            if o.dtype is not d:
                raise errors.InvalidArgumentError(
                    None, None, f"py_function returned {o.dtype.name} where Tout says {d.name}."
                )
        return converted[0] if single else converted
    result = apply(EAGER_PY_FUNC, inputs, {"func": func, "Tout": tuple(out_dtypes)}, name)
    result = result if isinstance(result, list) else [result]
    return result[0] if single else result


# ---- PyFunc (tf.numpy_function) ---------------------------------------------------------------
def _py_func_kernel(xp, *arrays, func=None, Tout=()):
    result = func(*arrays)
    outputs = _output_list(result, len(Tout), getattr(func, "__name__", "numpy_function"))
    return tuple(_checked_array(o, d, "numpy_function") for o, d in zip(outputs, Tout))


PY_FUNC = register(
    OpDef(
        name="PyFunc",
        kernel=_py_func_kernel,
        infer=_infer_unknown,
        grad=None,  # NumPy code is opaque to differentiation, as in TF
        inputs=("input*",),
        outputs=("output*",),
        attrs=("func", "Tout"),
        stateful=True,
    )
)


def numpy_function(func=None, inp=None, Tout=None, stateful=True, name=None):
    """Wraps a Python function taking and returning NumPy arrays as an op (no gradient).

    >>> tf.numpy_function(lambda x: x + 1, [tf.constant([1, 2])], Tout=tf.int32).numpy()
    array([2, 3], dtype=int32)
    """
    if func is None:
        return lambda f: numpy_function(f, inp, Tout, stateful, name)
    single = not isinstance(Tout, (list, tuple))
    out_dtypes = tuple(dtypes.as_dtype(d) for d in ([Tout] if single else Tout))
    inputs = [array_ops.convert(x) for x in nest.flatten(inp or [])]
    result = apply(PY_FUNC, inputs, {"func": func, "Tout": out_dtypes}, name)
    result = result if isinstance(result, list) else [result]
    return result[0] if single else result
