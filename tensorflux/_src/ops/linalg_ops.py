"""Linear algebra: matrix products, einsum, norms, diagonals and bands (the tf.linalg core)."""

from __future__ import annotations

import functools
import numbers
import string

import numpy as np

from tensorflux._src.core import dtypes, errors, indexed_slices
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, math_ops, nn_ops, reduction_ops

_NO_ATTRS = rules.NO_ATTRS


def _low_precision(dtype) -> bool:
    """float16 or bfloat16 (an ml_dtypes 2-byte void type): NumPy has no BLAS for them, so they
    are multiplied in float32 and rounded back, as TF's CPU kernels accumulate them."""
    return dtype.itemsize == 2 and dtype.kind in "fV"


def _dims_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _not_found(op_name: str, dtype) -> errors.NotFoundError:
    type_name = "DT_" + dtypes.as_dtype(dtype).name.upper()
    return errors.NotFoundError(
        None,
        None,
        f"Could not find device for node: {{{{node {op_name}}}}} = {op_name}[T={type_name}]",
    )


def _matmul_arrays(xp, x, y):
    """x @ y with NumPy's broadcasting; half precision goes through float32."""
    if _low_precision(x.dtype):
        return xp.matmul(x.astype(np.float32), y.astype(np.float32)).astype(x.dtype)
    return xp.matmul(x, y)


def _matrix_dims(shape: TensorShape, transpose: bool):
    rows, cols = shape[-2], shape[-1]
    return (cols, rows) if transpose else (rows, cols)


# ---- MatMul -----------------------------------------------------------------------------------
def _matmul_kernel(xp, a, b, transpose_a=False, transpose_b=False):
    if a.ndim != 2 or b.ndim != 2 or a.dtype.kind == "u":
        _matmul_input_error(a, b)
    if a.dtype.itemsize == 2:  # float16/bfloat16: through float32 (`_matmul_arrays`)
        return _checked_matmul(xp, a.T if transpose_a else a, b.T if transpose_b else b, a, b)
    if transpose_b and not transpose_a and xp is np and _few_rows(a, b):
        # a @ b.T with a few rows in `a` (a gradient dY @ W.T at a small batch) is OpenBLAS's
        # slow case: at 32x128 @ (128x128).T it took twice as long as (b @ a.T).T, which is
        # copied to row-major order so the ops after it read it fast. At 128 rows it lost.
        left, right, swapped = b, a.T, True
    else:
        left, right, swapped = a.T if transpose_a else a, b.T if transpose_b else b, False
    try:  # inlined rather than through _checked_matmul: this runs on every training step
        product = xp.matmul(left, right)
    except ValueError:
        _matmul_size_error(a, b)
    return xp.ascontiguousarray(product.T) if swapped else product


def _few_rows(a, b) -> bool:
    return a.shape[0] <= 32 and a.shape[1] >= 64 and b.shape[0] >= 64


def _checked_matmul(xp, left, right, a, b):
    """left @ right, where a and b are MatMul's inputs as given (for the error message)."""
    try:
        return _matmul_arrays(xp, left, right)
    except ValueError:
        _matmul_size_error(a, b)


def _matmul_size_error(a, b):
    raise errors.InvalidArgumentError(
        None,
        None,
        f"Matrix size-incompatible: In[0]: {_dims_text(a.shape)}, In[1]: {_dims_text(b.shape)}",
    ) from None


def _matmul_input_error(a, b):
    if a.dtype.kind == "u":  # in TF's attr list, but no CPU kernel
        raise _not_found("MatMul", a.dtype)
    which = 0 if a.ndim < 2 else 1
    raise errors.InvalidArgumentError(None, None, f"In[{which}] ndims must be >= 2")


def _matmul_infer(a, b, transpose_a=False, transpose_b=False):
    for index, spec in enumerate((a, b)):
        if spec.shape.rank is not None and spec.shape.rank != 2:
            raise ValueError(
                f"Shape must be rank 2 but is rank {spec.shape.rank} for '{{{{node MatMul}}}} = MatMul[T={a.dtype.name}]' with input shapes: {a.shape}, {b.shape}. (input {index})"
            )
    rows, inner_a = _matrix_dims(a.shape.with_rank(2), transpose_a)
    inner_b, cols = _matrix_dims(b.shape.with_rank(2), transpose_b)
    if inner_a is not None and inner_b is not None and inner_a != inner_b:
        raise ValueError(
            f"Dimensions must be equal, but are {inner_a} and {inner_b} for '{{{{node MatMul}}}} = "
            f"MatMul[T={a.dtype.name}, transpose_a={str(transpose_a).lower()}, "
            f"transpose_b={str(transpose_b).lower()}]' with input shapes: {_dims_text(a.shape)}, {_dims_text(b.shape)}."
        )
    return TensorSpec([rows, cols], a.dtype)


def _matmul_grad(op, dy):
    a, b = op.inputs
    t_a, t_b = op.get_attr("transpose_a"), op.get_attr("transpose_b")
    if not (t_a or t_b or a.dtype.is_complex) and type(dy) is EagerTensor:
        return _plain_matmul_grad(op, a, b, dy)
    # TF's `skip_input_indices`: inputs whose gradient nobody asked for (a batch of data).
    skip = getattr(op, "skip_input_indices", None) or ()
    grad_a = grad_b = None
    if 0 not in skip:
        b = math_ops.conj(b)
        if not t_a:
            grad_a = matmul(dy, b) if t_b else matmul(dy, b, transpose_b=True)
        else:
            grad_a = (
                matmul(b, dy, transpose_a=True, transpose_b=True)
                if t_b
                else matmul(b, dy, transpose_b=True)
            )
    if 1 not in skip:
        a = math_ops.conj(a)
        if not t_b:
            grad_b = matmul(a, dy) if t_a else matmul(a, dy, transpose_a=True)
        else:
            grad_b = (
                matmul(dy, a, transpose_a=True, transpose_b=True)
                if t_a
                else matmul(dy, a, transpose_a=True)
            )
    return [grad_a, grad_b]


def _plain_matmul_grad(op, a, b, dy):
    """The common eager case, a @ b with real operands: two MatMuls straight to dispatch."""
    skip = op.skip_input_indices or ()
    grad_a = None if 0 in skip else apply(MATMUL, (dy, b), _MATMUL_ATTRS[False, True])
    grad_b = None if 1 in skip else apply(MATMUL, (a, dy), _MATMUL_ATTRS[True, False])
    return [grad_a, grad_b]


_MATMUL_TYPES = frozenset(
    (
        dtypes.bfloat16, dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32,
        dtypes.int64, dtypes.uint8, dtypes.uint16, dtypes.uint32, dtypes.uint64,
        dtypes.complex64, dtypes.complex128,
    )
)  # fmt: skip

MATMUL = register(
    OpDef(
        name="MatMul",
        kernel=_matmul_kernel,
        infer=_matmul_infer,
        grad=_matmul_grad,
        inputs=("a", "b"),
        outputs=("product",),
        attrs=("transpose_a", "transpose_b"),
        allowed=_MATMUL_TYPES,
        same_dtype=(1,),
    )
)


# ---- BatchMatMulV2 ----------------------------------------------------------------------------
def _adjoint(xp, x, adjoint):
    if not adjoint:
        return x
    x = xp.swapaxes(x, -1, -2)
    return xp.conj(x) if x.dtype.kind == "c" else x


def _batch_matmul_error(x, y, adj_x, adj_y) -> errors.InvalidArgumentError:
    if x.ndim < 2 or y.ndim < 2:
        which = 0 if x.ndim < 2 else 1
        return errors.InvalidArgumentError(
            None, None, f"In[{which}] ndims must be >= 2: {(x, y)[which].ndim}"
        )
    inner_x = x.shape[-2] if adj_x else x.shape[-1]
    inner_y = y.shape[-1] if adj_y else y.shape[-2]
    if inner_x != inner_y:
        return errors.InvalidArgumentError(
            None,
            None,
            f"Matrix size-incompatible: In[0]: {_dims_text(x.shape)}, In[1]: {_dims_text(y.shape)} "
            f"{int(adj_x)} {int(adj_y)}",
        )
    return errors.InvalidArgumentError(
        None,
        None,
        f"In[0] and In[1] must have compatible batch dimensions: {_dims_text(x.shape)} vs. {_dims_text(y.shape)}",
    )


def _batch_matmul_kernel(xp, x, y, adj_x=False, adj_y=False):
    if x.dtype.kind == "u" and x.dtype != np.uint8:
        raise _not_found("BatchMatMulV2", x.dtype)
    if x.ndim < 2 or y.ndim < 2:  # NumPy would take a vector
        raise _batch_matmul_error(x, y, adj_x, adj_y)
    try:
        return _matmul_arrays(xp, _adjoint(xp, x, adj_x), _adjoint(xp, y, adj_y))
    except ValueError:
        raise _batch_matmul_error(x, y, adj_x, adj_y) from None


def _batch_matmul_shape(x, y, adj_x, adj_y, op_name) -> TensorShape:
    if x.shape.rank is None or y.shape.rank is None:
        return TensorShape(None)
    for index, spec in enumerate((x, y)):
        if spec.shape.rank < 2:
            raise ValueError(
                f"Shape must be at least rank 2 but is rank {spec.shape.rank} for '{{{{node {op_name}}}}}' with input shapes: {x.shape}, {y.shape}. (input {index})"
            )
    rows, inner_x = _matrix_dims(x.shape, adj_x)
    inner_y, cols = _matrix_dims(y.shape, adj_y)
    if inner_x is not None and inner_y is not None and inner_x != inner_y:
        raise ValueError(
            f"Dimensions must be equal, but are {inner_x} and {inner_y} for '{{{{node {op_name}}}}}' "
            f"with input shapes: {_dims_text(x.shape)}, {_dims_text(y.shape)}."
        )
    batch = rules.broadcast_shape(x.shape[:-2], y.shape[:-2])
    return batch.concatenate([rows, cols])


def _batch_matmul_infer(x, y, adj_x=False, adj_y=False):
    return TensorSpec(_batch_matmul_shape(x, y, adj_x, adj_y, "BatchMatMulV2"), x.dtype)


def _batch_matmul_input_grads(x, y, dy, adj_x, adj_y, skip=()):
    """The products that differentiate x @ y (with adjoints), before unbroadcasting."""
    dx = dy_ = None
    if 0 not in skip:
        if not adj_x:
            dx = matmul(dy, y) if adj_y else matmul(dy, y, adjoint_b=True)
        else:
            dx = (
                matmul(y, dy, adjoint_a=True, adjoint_b=True)
                if adj_y
                else matmul(y, dy, adjoint_b=True)
            )
    if 1 not in skip:
        if not adj_y:
            dy_ = matmul(x, dy) if adj_x else matmul(x, dy, adjoint_a=True)
        else:
            dy_ = (
                matmul(dy, x, adjoint_a=True, adjoint_b=True)
                if adj_x
                else matmul(dy, x, adjoint_a=True)
            )
    return dx, dy_


def _batch_matmul_grad(op, dy):
    x, y = op.inputs
    skip = getattr(op, "skip_input_indices", None) or ()
    dx, dy_ = _batch_matmul_input_grads(x, y, dy, op.get_attr("adj_x"), op.get_attr("adj_y"), skip)
    return [
        None if dx is None else array_ops.unbroadcast(dx, x),
        None if dy_ is None else array_ops.unbroadcast(dy_, y),
    ]


_BATCH_MATMUL_TYPES = _MATMUL_TYPES | {dtypes.int16}

BATCH_MATMUL = register(
    OpDef(
        name="BatchMatMulV2",
        kernel=_batch_matmul_kernel,
        infer=_batch_matmul_infer,
        grad=_batch_matmul_grad,
        inputs=("x", "y"),
        outputs=("output",),
        attrs=("adj_x", "adj_y"),
        allowed=_BATCH_MATMUL_TYPES,
        same_dtype=(1,),
    )
)


# ---- BatchMatMulV3 ----------------------------------------------------------------------------
def _batch_matmul_v3_kernel(xp, x, y, Tout, adj_x=False, adj_y=False, Ta=None, Tb=None):
    if x.ndim < 2 or y.ndim < 2:  # NumPy would take a vector
        raise _batch_matmul_error(x, y, adj_x, adj_y)
    target = Tout.as_numpy_dtype
    x = _adjoint(xp, x, adj_x).astype(target, copy=False)
    y = _adjoint(xp, y, adj_y).astype(target, copy=False)
    try:
        return _matmul_arrays(xp, x, y)
    except ValueError:
        raise _batch_matmul_error(x, y, adj_x, adj_y) from None


def _batch_matmul_v3_infer(x, y, Tout, adj_x=False, adj_y=False, Ta=None, Tb=None):
    return TensorSpec(_batch_matmul_shape(x, y, adj_x, adj_y, "BatchMatMulV3"), Tout)


def _batch_matmul_v3_grad(op, dy):
    x, y = op.inputs
    if not (x.dtype.is_floating or x.dtype.is_complex) or not (
        y.dtype.is_floating or y.dtype.is_complex
    ):
        return [None, None]
    xc, yc = math_ops.cast(x, dy.dtype), math_ops.cast(y, dy.dtype)
    dx, dy_ = _batch_matmul_input_grads(xc, yc, dy, op.get_attr("adj_x"), op.get_attr("adj_y"))
    return [
        math_ops.cast(array_ops.unbroadcast(dx, x), x.dtype),
        math_ops.cast(array_ops.unbroadcast(dy_, y), y.dtype),
    ]


BATCH_MATMUL_V3 = register(
    OpDef(
        name="BatchMatMulV3",
        kernel=_batch_matmul_v3_kernel,
        infer=_batch_matmul_v3_infer,
        grad=_batch_matmul_v3_grad,
        inputs=("x", "y"),
        outputs=("output",),
        attrs=("Ta", "Tb", "Tout", "adj_x", "adj_y"),
        allowed=_BATCH_MATMUL_TYPES | {dtypes.int8},
    )
)

_MATMUL_ATTRS = {
    (False, False): {"transpose_a": False, "transpose_b": False},
    (True, False): {"transpose_a": True, "transpose_b": False},
    (False, True): {"transpose_a": False, "transpose_b": True},
    (True, True): {"transpose_a": True, "transpose_b": True},
}


def matmul(
    a,
    b,
    transpose_a=False,
    transpose_b=False,
    adjoint_a=False,
    adjoint_b=False,
    a_is_sparse=False,
    b_is_sparse=False,
    output_type=None,
    grad_a=False,
    grad_b=False,
    name=None,
) -> Tensor:
    """Multiplies matrices (the last two dimensions; leading ones broadcast as batches).

    >>> tf.matmul(tf.constant([[1.0, 2.0]]), tf.constant([[3.0], [4.0]])).numpy()
    array([[11.]], dtype=float32)
    """
    if not isinstance(a, Tensor):
        a = convert_to_tensor(a)
    if not isinstance(b, Tensor):
        b = convert_to_tensor(b, dtype_hint=a.dtype)
    if (
        type(a) is EagerTensor
        and type(b) is EagerTensor
        and a._value.ndim == 2
        and b._value.ndim == 2
        and not (adjoint_a or adjoint_b or output_type)
    ):
        return apply(MATMUL, (a, b), _MATMUL_ATTRS[bool(transpose_a), bool(transpose_b)], name)
    if transpose_a and adjoint_a:
        raise ValueError(
            f"Only one of `transpose_a` and `adjoint_a` can be True. Received `transpose_a`={transpose_a}, `adjoint_a`={adjoint_a}."
        )
    if transpose_b and adjoint_b:
        raise ValueError(
            f"Only one of `transpose_b` and `adjoint_b` can be True. Received `transpose_b`={transpose_b}, `adjoint_b`={adjoint_b}."
        )
    a_rank, b_rank = a.shape.rank, b.shape.rank
    output_type = None if output_type is None else dtypes.as_dtype(output_type)
    batched = a_rank is None or a_rank > 2 or b_rank is None or b_rank > 2
    if output_type is not None and (output_type is not a.dtype or output_type is not b.dtype):
        attrs = {
            "Ta": a.dtype,
            "Tb": b.dtype,
            "Tout": output_type,
            "adj_x": bool(adjoint_a or transpose_a),
            "adj_y": bool(adjoint_b or transpose_b),
        }
        if transpose_a and a.dtype.is_complex:
            a = math_ops.conj(a)
        if transpose_b and b.dtype.is_complex:
            b = math_ops.conj(b)
        return apply(BATCH_MATMUL_V3, (a, b), attrs, name)
    if batched:
        # BatchMatMul only adjoints: a transpose is the adjoint of the conjugate.
        if transpose_a:
            a, adjoint_a = math_ops.conj(a), True
        if transpose_b:
            b, adjoint_b = math_ops.conj(b), True
        return apply(
            BATCH_MATMUL, (a, b), {"adj_x": bool(adjoint_a), "adj_y": bool(adjoint_b)}, name
        )
    if adjoint_a:
        a, transpose_a = math_ops.conj(a), True
    if adjoint_b:
        b, transpose_b = math_ops.conj(b), True
    return apply(MATMUL, (a, b), _MATMUL_ATTRS[bool(transpose_a), bool(transpose_b)], name)


def matvec(
    a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False, name=None
) -> Tensor:
    """Multiplies (batches of) matrices `a` by vectors `b`.

    >>> tf.linalg.matvec(tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([1.0, 1.0])).numpy()
    array([3., 7.], dtype=float32)
    """
    a = array_ops.convert(a)
    b = b if isinstance(b, Tensor) else convert_to_tensor(b, dtype_hint=a.dtype)
    product = matmul(a, array_ops.expand_dims(b, -1), transpose_a=transpose_a, adjoint_a=adjoint_a)
    return array_ops.squeeze(product, -1, name=name)


# ---- Einsum -----------------------------------------------------------------------------------
_LABELS = frozenset(string.ascii_letters)


@functools.lru_cache(maxsize=512)
def _parse_equation(equation: str):
    """(input subscripts, output subscript) of an equation, the output made explicit.

    Subscripts are strings of letters with at most one "..." each.
    """
    text = equation.replace(" ", "")
    if "->" in text:
        inputs_text, output = text.split("->", 1)
        if "->" in output:
            raise ValueError(f"Expecting 0 or 1 '->' in einsum equation, got: {equation}")
    else:
        inputs_text, output = text, None
    inputs = inputs_text.split(",")
    for sub in [*inputs, output or ""]:
        labels = sub.replace("...", "", 1)
        bad = [c for c in labels if c not in _LABELS]
        if bad:
            raise ValueError(
                f"Subscripts have an invalid character {bad[0]!r} in einsum equation: {equation}"
            )
    if output is None:
        counts: dict[str, int] = {}
        for sub in inputs:
            for c in sub.replace("...", ""):
                counts[c] = counts.get(c, 0) + 1
        ellipsis = "..." if any("..." in sub for sub in inputs) else ""
        output = ellipsis + "".join(sorted(c for c, n in counts.items() if n == 1))
    present = set("".join(inputs).replace("...", ""))
    for c in output.replace("...", ""):
        if c not in present:
            raise ValueError(
                f"Output subscripts contain the label {c} not present in the input subscripts."
            )
        if output.count(c) > 1:
            raise ValueError(f"Output subscripts contain a label {c} more than once: {equation}")
    if "..." in output and not any("..." in sub for sub in inputs):
        raise ValueError(f"Output subscripts contain an ellipsis but no input does: {equation}")
    contracted = set()
    for c in present:
        if c not in output and sum(c in sub for sub in inputs) > 1:
            contracted.add(c)
    return tuple(inputs), output, bool(contracted)


def _split_subscript(sub: str, rank: int):
    """(labels before the ellipsis, the ellipsis rank, labels after) of one operand."""
    if "..." not in sub:
        return sub, 0, ""
    before, after = sub.split("...")
    return before, rank - len(before) - len(after), after


def _einsum_label_problem(inputs, arrays) -> errors.InvalidArgumentError | None:
    """TF's error for operands whose ranks or labelled dims disagree, or None."""
    message = _einsum_label_message(inputs, tuple(a.shape for a in arrays))
    return None if message is None else errors.InvalidArgumentError(None, None, message)


@functools.lru_cache(maxsize=512)
def _einsum_label_message(inputs: tuple, shapes: tuple) -> str | None:
    if len(inputs) != len(shapes):
        return f"Expected {len(inputs)} inputs but got: {len(shapes)}"
    sizes: dict[str, int] = {}
    for index, (sub, shape) in enumerate(zip(inputs, shapes)):
        labels = sub.replace("...", "")
        rank = len(shape)
        if ("..." in sub and rank < len(labels)) or ("..." not in sub and rank != len(labels)):
            return f"Expected input {index} to have rank {len(labels)} but got: {rank}"
        before, ellipsis, after = _split_subscript(sub, rank)
        positions = list(range(len(before))) + list(range(len(before) + ellipsis, rank))
        for axis, label in zip(positions, before + after):
            size = shape[axis]
            known = sizes.get(label, 0)
            if known and known != size:  # TF takes a dim of 0 as not yet known
                return (
                    f"Expected dimension {known} at axis {axis} of the input shaped "
                    f"{_dims_text(shape)} but got dimension {size}"
                )
            sizes[label] = size
    return None


def _einsum_zeros(xp, inputs, output, arrays):
    """The result when an operand is empty: zeros, shaped by each label's last size (TF's
    kernel lets an empty operand's 0 stand for any size)."""
    sizes: dict[str, list] = {}
    ellipsis_shapes = []
    for sub, array in zip(inputs, arrays):
        before, count, after = _split_subscript(sub, array.ndim)
        labelled = zip(
            before + after, array.shape[: len(before)] + array.shape[len(before) + count :]
        )
        for label, size in labelled:
            sizes.setdefault(label, []).append((size,))
        if "..." in sub:
            ellipsis_shapes.append(array.shape[len(before) : len(before) + count])
    # Labels kept in the output broadcast as batch dims do: a 0 meets only a 0 or a 1.
    broadcast = np.broadcast_shapes(*ellipsis_shapes) if ellipsis_shapes else ()
    before, _, after = output.partition("...")
    shape = [np.broadcast_shapes(*sizes[c])[0] for c in before]
    if "..." in output:
        shape += list(broadcast)
    shape += [np.broadcast_shapes(*sizes[c])[0] for c in after]
    return xp.zeros(shape, arrays[0].dtype)


def _einsum_dim_error(equation, arrays) -> errors.InvalidArgumentError:
    inputs, output, _ = _parse_equation(equation)
    problem = _einsum_label_problem(inputs, arrays)
    if problem is not None:
        return problem
    broadcast = max(
        (a.ndim - len(sub.replace("...", "")) for sub, a in zip(inputs, arrays) if "..." in sub),
        default=0,
    )
    if broadcast and "..." not in output:
        return errors.InvalidArgumentError(
            None,
            None,
            f"Output contains {broadcast} broadcasting dimension(s) but no ellipsis (...) was "
            "found in the output subscripts.",
        )
    if len(arrays) == 2:
        return errors.InvalidArgumentError(
            None,
            None,
            f"Invalid broadcasting dimensions: {_dims_text(arrays[0].shape)} vs. "
            f"{_dims_text(arrays[1].shape)}",
        )
    return errors.InvalidArgumentError(
        None, None, f"Invalid einsum operands for equation {equation!r}"
    )


def _einsum_kernel(xp, *arrays, equation, N=None):
    inputs, output, contracted = _parse_equation(equation)
    # NumPy stretches a labelled dim of size 1; TF's kernel broadcasts only the ellipsis dims.
    problem = _einsum_label_problem(inputs, arrays)
    if problem is not None:
        raise problem
    if any(a.size == 0 for a in arrays):
        try:
            return _einsum_zeros(xp, inputs, output, arrays)
        except ValueError:
            raise _einsum_dim_error(equation, arrays) from None
    low = _low_precision(arrays[0].dtype)
    operands = [a.astype(np.float32) for a in arrays] if low else arrays
    optimize = len(arrays) > 2 or (
        contracted and len(arrays) == 2 and arrays[0].size * arrays[1].size > 1 << 16
    )
    try:
        result = xp.einsum(equation, *operands, optimize=optimize)
    except ValueError:
        raise _einsum_dim_error(equation, arrays) from None
    result = xp.asarray(result)
    return result.astype(arrays[0].dtype) if low else result


def _einsum_infer(*specs, equation, N=None):
    inputs, output, _ = _parse_equation(equation)
    dtype = specs[0].dtype
    sizes: dict[str, int | None] = {}
    ellipsis = TensorShape([])
    for sub, spec in zip(inputs, specs):
        if spec.shape.rank is None:
            if "..." in sub:
                ellipsis = TensorShape(None)
            continue
        before, count, after = _split_subscript(sub, spec.shape.rank)
        dims = spec.shape.as_list()
        if count < 0 or ("..." not in sub and len(dims) != len(before)):
            raise ValueError(
                f"Expected input to have rank {len(sub.replace('...', ''))} but got: {len(dims)} for Einsum with equation {equation!r}"
            )
        labelled = dims[: len(before)] + dims[len(dims) - len(after) :]
        for label, dim in zip(before + after, labelled):
            known = sizes.get(label)
            if known is None:
                sizes[label] = dim
            elif dim is not None and dim != known:
                raise ValueError(
                    f"Dimension {label!r} must be {known} but is {dim} for Einsum with equation {equation!r}"
                )
        if "..." in sub:
            ellipsis = rules.broadcast_shape(
                ellipsis, TensorShape(dims[len(before) : len(before) + count])
            )
    before, _, after = _split_subscript(output, 0)
    if "..." in output and ellipsis.rank is None:
        return TensorSpec(TensorShape(None), dtype)
    middle = ellipsis.as_list() if "..." in output else []
    return TensorSpec(
        [sizes.get(c) for c in before] + middle + [sizes.get(c) for c in after], dtype
    )


def _fresh_labels(used: set):
    for c in string.ascii_letters:
        if c not in used:
            used.add(c)
            yield c


def _dim_tensor(x: Tensor, axis: int):
    """Dimension `axis` of x as a Python int when static, else as a 1-element shape tensor."""
    dim = x.shape[axis]
    if dim is not None:
        return [dim]
    return array_ops.slice(array_ops.shape(x), [axis], [1])


def _einsum_input_grad(dy, output, operands, index):
    """The gradient for operand `index`: dy contracted with the other operands."""
    sub, x = operands[index]
    rank = x.shape.rank
    if rank is None:
        raise ValueError("The gradient of einsum needs inputs of known rank.")
    before, ellipsis_rank, after = _split_subscript(sub, rank)
    labels = before + after
    positions = list(range(len(before))) + list(range(len(before) + ellipsis_rank, rank))
    others = [(s, math_ops.conj(t)) for j, (s, t) in enumerate(operands) if j != index]
    available = set(output.replace("...", "")) | set(
        "".join(s for s, _ in others).replace("...", "")
    )
    used = set("".join([sub, output, *(s for s, _ in others)]).replace("...", ""))
    fresh = _fresh_labels(used)
    subs = [output] + [s for s, _ in others]
    tensors = [dy] + [t for _, t in others]
    # Labels summed only within this operand come back by broadcasting (a ones vector);
    # a repeated label (a diagonal) comes back through an identity matrix.
    target = []
    seen: dict[str, int] = {}
    for label, axis in zip(labels, positions):
        if label in seen:
            new = next(fresh)
            n = _dim_tensor(x, axis)
            subs.append(label + new)
            tensors.append(matrix_diag(array_ops.ones(n, dy.dtype)))
            target.append(new)
            continue
        seen[label] = axis
        if label not in available:
            subs.append(label)
            tensors.append(array_ops.ones(_dim_tensor(x, axis), dy.dtype))
        target.append(label)
    if "..." in sub:
        if "..." not in output:
            ellipsis_shape = array_ops.slice(array_ops.shape(x), [len(before)], [ellipsis_rank])
            subs.append("...")
            tensors.append(array_ops.ones(ellipsis_shape, dy.dtype))
        front = "..." + "".join(target)
        grad = einsum(",".join(subs) + "->" + front, *tensors)
        if not _same_ellipsis(x, grad, len(before), ellipsis_rank):
            reordered = [
                *range(len(before), len(before) + ellipsis_rank),
                *range(len(before)),
                *range(len(before) + ellipsis_rank, rank),
            ]
            moved = array_ops.transpose(x, reordered) if len(before) else x
            grad = array_ops.unbroadcast(grad, moved)
        if before:
            grad = einsum(
                front
                + "->"
                + "".join(target[: len(before)])
                + "..."
                + "".join(target[len(before) :]),
                grad,
            )
        return grad
    if any("..." in s for s in subs):
        # The other operands' broadcast dimensions were summed over in the forward pass.
        grad = einsum(",".join(subs) + "->..." + "".join(target), *tensors)
        if grad.shape.rank is None:
            axes = math_ops.range_(math_ops.subtract(array_ops.rank(grad), len(target)))
            return reduction_ops.reduce_sum(grad, axes)
        count = grad.shape.rank - len(target)
        return reduction_ops.reduce_sum(grad, list(range(count))) if count else grad
    return einsum(",".join(subs) + "->" + "".join(target), *tensors)


def _same_ellipsis(x, grad, start, count) -> bool:
    x_dims = x.shape.as_list()[start : start + count]
    grad_rank = grad.shape.rank
    if grad_rank is None:
        return False
    grad_dims = grad.shape.as_list()[: grad_rank - (x.shape.rank - count)]
    return None not in x_dims and x_dims == grad_dims


def _einsum_grad(op, dy):
    inputs, output, _ = _parse_equation(op.get_attr("equation"))
    operands = list(zip(inputs, op.inputs))
    return [_einsum_input_grad(dy, output, operands, i) for i in range(len(operands))]


_EINSUM_TYPES = frozenset(
    (
        dtypes.bfloat16, dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32,
        dtypes.int64, dtypes.uint64, dtypes.complex64, dtypes.complex128,
    )
)  # fmt: skip

EINSUM = register(
    OpDef(
        name="Einsum",
        kernel=_einsum_kernel,
        infer=_einsum_infer,
        grad=_einsum_grad,
        inputs=("inputs*",),
        outputs=("output",),
        attrs=("equation", "N"),
        allowed=_EINSUM_TYPES,
    )
)


def einsum(equation, *inputs, **kwargs) -> Tensor:
    """Tensor contraction over the index labels of an Einstein-summation equation.

    >>> tf.einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([3, 4])).shape
    TensorShape([2, 4])
    """
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(
            f"Invalid keyword arguments for this function: {', '.join(sorted(kwargs))}. Expected: name."
        )
    subscripts, output, _ = _parse_equation(equation)
    if len(subscripts) != len(inputs):
        raise ValueError(
            f"Unexpected number of inputs: {len(inputs)}, equation {equation!r} expects {len(subscripts)}."
        )
    tensors = [array_ops.convert(t) for t in inputs]
    dtype = tensors[0].dtype
    for index, tensor in enumerate(tensors):
        if tensor.dtype is not dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"cannot compute Einsum as input #{index}(zero-based) was expected to be a "
                f"{dtypes.type_string(dtype)} tensor but is a {dtypes.type_string(tensor.dtype)} tensor [Op:Einsum]",
            )
    if dtype not in EINSUM.allowed and dtype.is_integer:
        raise _not_found("Einsum", dtype)
    # TF's Einsum op takes one or two operands and an explicit output: contract pairwise, left
    # to right, keeping the labels a later operand or the output still needs.
    while len(tensors) > 2:
        first, second, *rest = subscripts
        needed = set("".join([*rest, output]))
        kept = [c for c in dict.fromkeys((first + second).replace("...", "")) if c in needed]
        ellipsis = "..." if "..." in first + second else ""
        pair = ellipsis + "".join(kept)
        tensors[:2] = [_einsum_op(f"{first},{second}->{pair}", tensors[:2], None)]
        subscripts = [pair, *rest]
    return _einsum_op(",".join(subscripts) + "->" + output, tensors, name)


def _einsum_op(equation: str, tensors: list, name) -> Tensor:
    return apply(EINSUM, tensors, {"equation": equation, "N": len(tensors)}, name)


# ---- tensordot --------------------------------------------------------------------------------
def _tensordot_axes(a_rank: int, b_rank: int, axes):
    if isinstance(axes, Tensor):
        axes = rules.constant_value(axes)
        if axes is None:
            raise ValueError(
                "tensordot needs `axes` whose value is known when the function is traced."
            )
        axes = axes.tolist()
    if isinstance(axes, (numbers.Integral, np.integer)):
        count = int(axes)
        if count < 0:
            raise ValueError(f"'axes' must be at least 0 but is {count}.")
        if count > a_rank or count > b_rank:
            rank = a_rank if count > a_rank else b_rank
            raise ValueError(
                f"`axes` must not be larger than the number of dimensions of tensor.  Received {count}, vs tensor dimensions {rank}."
            )
        return list(range(a_rank - count, a_rank)), list(range(count))
    if not isinstance(axes, (list, tuple)) or len(axes) != 2:
        raise ValueError(f"`axes` must be an integer or have length 2. Received {axes}.")
    a_axes, b_axes = axes
    a_axes = [a_axes] if isinstance(a_axes, (numbers.Integral, np.integer)) else list(a_axes)
    b_axes = [b_axes] if isinstance(b_axes, (numbers.Integral, np.integer)) else list(b_axes)
    if len(a_axes) != len(b_axes):
        raise ValueError(
            f"Different number of contraction axes `a` and `b`, {len(a_axes)} != {len(b_axes)}."
        )
    return [int(i) % a_rank for i in a_axes], [int(i) % b_rank for i in b_axes]


def _flatten_for_matmul(x: Tensor, contract: list, contract_last: bool):
    """x transposed so the contracted axes come last (or first) and reshaped to a matrix."""
    rank = x.shape.rank
    free = [i for i in range(rank) if i not in contract]
    perm = free + contract if contract_last else contract + free
    if perm != list(range(rank)):
        x = array_ops.transpose(x, perm)
    dims = x.shape.as_list()
    free_dims = [
        dims[i] for i in (range(len(free)) if contract_last else range(len(contract), rank))
    ]
    contract_dims = [
        dims[i] for i in (range(len(free), rank) if contract_last else range(len(contract)))
    ]
    free_size = None if None in free_dims else int(np.prod(free_dims, dtype=np.int64))
    contract_size = None if None in contract_dims else int(np.prod(contract_dims, dtype=np.int64))
    if free_size is None and contract_size is None:
        shape = array_ops.shape(x)
        free_part = array_ops.slice(shape, [len(contract) if not contract_last else 0], [len(free)])
        free_size = reduction_ops.reduce_prod(free_part, keepdims=True)
        matrix_shape = array_ops.concat(
            [free_size, [-1]] if contract_last else [[-1], free_size], 0
        )
    elif contract_last:
        matrix_shape = [
            -1 if free_size is None else free_size,
            -1 if contract_size is None else contract_size,
        ]
    else:
        matrix_shape = [
            -1 if contract_size is None else contract_size,
            -1 if free_size is None else free_size,
        ]
    return array_ops.reshape(x, matrix_shape), [i for i in free]


def tensordot(a, b, axes, name=None) -> Tensor:
    """Sums the product of `a` and `b` over the given axes (an int: the last/first `axes`).

    >>> tf.tensordot(tf.ones([2, 3]), tf.ones([3, 4]), axes=1).shape
    TensorShape([2, 4])
    """
    a = array_ops.convert(a)
    b = b if isinstance(b, Tensor) else convert_to_tensor(b, dtype_hint=a.dtype)
    a_rank, b_rank = a.shape.rank, b.shape.rank
    if a_rank is None or b_rank is None:
        raise ValueError("tensordot needs tensors of known rank.")
    a_axes, b_axes = _tensordot_axes(a_rank, b_rank, axes)
    a_matrix, a_free = _flatten_for_matmul(a, a_axes, contract_last=True)
    b_matrix, b_free = _flatten_for_matmul(b, b_axes, contract_last=False)
    product = matmul(a_matrix, b_matrix)
    a_dims, b_dims = a.shape.as_list(), b.shape.as_list()
    out_dims = [a_dims[i] for i in a_free] + [b_dims[i] for i in b_free]
    if None not in out_dims:
        if out_dims == product.shape.as_list():
            return product if name is None else array_ops.identity(product, name=name)
        return array_ops.reshape(product, out_dims, name=name)
    a_shape, b_shape = array_ops.shape(a), array_ops.shape(b)
    pieces = [array_ops.slice(a_shape, [i], [1]) for i in a_free] + [
        array_ops.slice(b_shape, [i], [1]) for i in b_free
    ]
    return array_ops.reshape(product, array_ops.concat(pieces, 0) if pieces else [], name=name)


# ---- diagonals: MatrixDiagV3, MatrixDiagPartV3, MatrixSetDiagV3 --------------------------------
_ALIGNMENTS = ("RIGHT_LEFT", "LEFT_RIGHT", "LEFT_LEFT", "RIGHT_RIGHT")


def _diag_range(
    k, empty_message: str = "Expected diag_index to have at least 1 element"
) -> tuple[int, int, bool]:
    """(lower, upper, is_band) from a `k` value: a scalar, [d] or a [lower, upper] pair. As in
    TF, the result has a dim of diagonals only when lower != upper."""
    if np.ndim(k) > 1:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"diag_index must be a scalar or vector, received shape: {_dims_text(np.shape(k))}",
        )
    values = np.ravel(k)
    if values.size == 0:
        raise errors.InvalidArgumentError(None, None, empty_message)
    if values.size > 2:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"diag_index must have only one or two elements, received {values.size} elements.",
        )
    lower, upper = int(values[0]), int(values[-1])
    return lower, upper, lower != upper


def _diag_length(rows: int, cols: int, d: int) -> int:
    return max(0, min(rows + min(0, d), cols - max(0, d)))


@functools.lru_cache(maxsize=256)
def _diag_indices(rows: int, cols: int, lower: int, upper: int, align: str):
    """Where each padded diagonal entry lives in the matrix.

    Returns (diag, pos, r, c): diagonal j = upper - d at padded position pos is element
    (r, c) of the matrix, for every entry that is not padding.
    """
    max_len = (
        _diag_length(rows, cols, upper)
        if lower == upper
        else max(_diag_length(rows, cols, d) for d in range(lower, upper + 1))
    )
    super_align, sub_align = align.split("_")
    diag_idx, pos_idx, row_idx, col_idx = [], [], [], []
    for j, d in enumerate(range(upper, lower - 1, -1)):
        length = _diag_length(rows, cols, d)
        right = (super_align if d >= 0 else sub_align) == "RIGHT"
        offset = max_len - length if right else 0
        i = np.arange(length)
        diag_idx.append(np.full(length, j))
        pos_idx.append(i + offset)
        row_idx.append(i + max(0, -d))
        col_idx.append(i + max(0, d))
    return (
        np.concatenate(diag_idx),
        np.concatenate(pos_idx),
        np.concatenate(row_idx),
        np.concatenate(col_idx),
        max_len,
    )


def _check_diag_bounds(rows, cols, lower, upper):
    for which, d in (("lower", lower), ("upper", upper)):
        if d != 0 and not -rows < d < cols:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"{which}_diag_index is out of bound: {d}. It must be between {-rows} and {cols}",
            )
    if lower > upper:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"lower_diag_index must not be larger than upper_diag_index: {lower} > {upper}",
        )


def _check_align(align):
    if align not in _ALIGNMENTS:
        raise ValueError(f"align must be one of {', '.join(_ALIGNMENTS)}, got {align!r}")


def _diag_part_kernel(xp, input, k, padding_value, align="RIGHT_LEFT"):
    if input.ndim < 2:
        raise errors.InvalidArgumentError(
            None, None, f"input must be at least 2-dim, received shape: {_dims_text(input.shape)}"
        )
    rows, cols = input.shape[-2:]
    lower, upper, band = _diag_range(k)
    if padding_value.size != 1:  # TF takes any one-element tensor
        raise errors.InvalidArgumentError(None, None, "Padding must be scalar.")
    _check_diag_bounds(rows, cols, lower, upper)
    if not band:
        return xp.diagonal(input, lower, -2, -1).copy()
    diag, pos, r, c, max_len = _diag_indices(rows, cols, lower, upper, align)
    out = xp.full(
        (*input.shape[:-2], upper - lower + 1, max_len), padding_value.reshape(()), input.dtype
    )
    out[..., diag, pos] = input[..., r, c]
    return out


def _diag_part_infer(input, k, padding_value, align="RIGHT_LEFT"):
    shape = input.shape
    if shape.rank is None:
        return TensorSpec(TensorShape(None), input.dtype)
    if shape.rank < 2:
        raise ValueError(
            f"Shape must be at least rank 2 but is rank {shape.rank} for MatrixDiagPartV3"
        )
    k_value = rules.static_value(k)
    rows, cols = shape[-2], shape[-1]
    batch = shape[:-2]
    if k_value is None:
        return TensorSpec(
            TensorShape(None)
            if k.shape.rank is None or k.shape.rank
            else batch.concatenate([None]),
            input.dtype,
        )
    lower, upper, band = _diag_range(k_value)
    if rows is None or cols is None:
        length = None
    else:
        length = max(_diag_length(rows, cols, d) for d in range(lower, upper + 1))
    if band:
        return TensorSpec(batch.concatenate([upper - lower + 1, length]), input.dtype)
    return TensorSpec(batch.concatenate([length]), input.dtype)


def _diag_part_grad(op, dy):
    x, k = op.inputs[:2]
    return [
        matrix_set_diag(array_ops.zeros_like(x), dy, k=k, align=op.get_attr("align")),
        None,
        None,
    ]


MATRIX_DIAG_PART = register(
    OpDef(
        name="MatrixDiagPartV3",
        kernel=_diag_part_kernel,
        infer=_diag_part_infer,
        grad=_diag_part_grad,
        inputs=("input", "k", "padding_value"),
        outputs=("diagonal",),
        attrs=("align",),
    )
)


def _diag_sizes(diagonal_shape, lower, upper, band, num_rows, num_cols):
    """The matrix size for MatrixDiagV3, inferred where num_rows/num_cols are -1."""
    max_len = diagonal_shape[-1]
    min_rows = max_len - min(upper, 0)
    min_cols = max_len + max(lower, 0)
    if num_rows == -1 and num_cols == -1:
        num_rows = num_cols = max(min_rows, min_cols)
    elif num_rows == -1:
        num_rows = min_rows
    elif num_cols == -1:
        num_cols = min_cols
    if num_rows < min_rows and num_cols < min_cols:
        raise errors.InvalidArgumentError(
            None,
            None,
            "The number of rows or columns is not consistent with the specified d_lower, d_upper, and diagonal.",
        )
    if num_rows < min_rows:
        raise errors.InvalidArgumentError(None, None, "The number of rows is too small.")
    if num_cols < min_cols:
        raise errors.InvalidArgumentError(None, None, "The number of columns is too small.")
    if num_rows != min_rows and num_cols != min_cols:
        raise errors.InvalidArgumentError(
            None,
            None,
            "The number of rows or columns is not consistent with the specified d_lower, d_upper, and diagonal.",
        )
    return num_rows, num_cols


def _diag_kernel(xp, diagonal, k, num_rows, num_cols, padding_value, align="RIGHT_LEFT"):
    lower, upper, band = _diag_range(k)
    for value, what in ((num_rows, "num_rows"), (num_cols, "num_cols")):
        if value.ndim:
            raise errors.InvalidArgumentError(None, None, f"{what} must be a scalar")
    if padding_value.ndim:
        raise errors.InvalidArgumentError(None, None, "padding_value must be a scalar")
    need = 2 if band and lower != upper else 1
    if diagonal.ndim < need:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"diagonal must be at least {need}-dim, received shape: {_dims_text(diagonal.shape)}",
        )
    if lower > upper:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"lower_diag_index must not be larger than upper_diag_index: {lower} > {upper}",
        )
    if band and lower != upper and diagonal.shape[-2] != upper - lower + 1:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"The number of diagonals provided in the input does not match the lower_diag_index and upper_diag_index range. Got {diagonal.shape[-2]}, expected {upper - lower + 1}",
        )
    rows, cols = _diag_sizes(diagonal.shape, lower, upper, band, int(num_rows), int(num_cols))
    multi = band and lower != upper
    batch = diagonal.shape[:-2] if multi else diagonal.shape[:-1]
    out = xp.full((*batch, rows, cols), padding_value, dtype=diagonal.dtype)
    diag, pos, r, c, _ = _diag_indices(rows, cols, lower, upper, align)
    out[..., r, c] = diagonal[..., diag, pos] if multi else diagonal[..., pos]
    return out


def _diag_infer(diagonal, k, num_rows, num_cols, padding_value, align="RIGHT_LEFT"):
    shape = diagonal.shape
    k_value = rules.static_value(k)
    if shape.rank is None or k_value is None:
        return TensorSpec(TensorShape(None), diagonal.dtype)
    lower, upper, band = _diag_range(k_value)
    multi = band and lower != upper
    if shape.rank < (2 if multi else 1):
        raise ValueError(
            f"Shape must be at least rank {2 if multi else 1} but is rank {shape.rank} for MatrixDiagV3"
        )
    batch = shape[:-2] if multi else shape[:-1]
    rows_value, cols_value = rules.static_value(num_rows), rules.static_value(num_cols)
    if shape[-1] is None or rows_value is None or cols_value is None:
        return TensorSpec(batch.concatenate([None, None]), diagonal.dtype)
    rows, cols = _diag_sizes(shape.as_list(), lower, upper, band, int(rows_value), int(cols_value))
    return TensorSpec(batch.concatenate([rows, cols]), diagonal.dtype)


def _diag_grad(op, dy):
    return [
        matrix_diag_part(dy, k=op.inputs[1], align=op.get_attr("align")),
        None,
        None,
        None,
        None,
    ]


MATRIX_DIAG = register(
    OpDef(
        name="MatrixDiagV3",
        kernel=_diag_kernel,
        infer=_diag_infer,
        grad=_diag_grad,
        inputs=("diagonal", "k", "num_rows", "num_cols", "padding_value"),
        outputs=("output",),
        attrs=("align",),
    )
)


def _set_diag_kernel(xp, input, diagonal, k, align="RIGHT_LEFT"):
    if input.ndim < 2:
        raise errors.InvalidArgumentError(
            None, None, f"input must be at least 2-dim, received shape: {_dims_text(input.shape)}"
        )
    rows, cols = input.shape[-2:]
    lower, upper, band = _diag_range(k, "diag_index must have at least one element")
    _check_diag_bounds(rows, cols, lower, upper)
    diag, pos, r, c, max_len = _diag_indices(rows, cols, lower, upper, align)
    multi = band and lower != upper
    expected = (
        (*input.shape[:-2], upper - lower + 1, max_len) if multi else (*input.shape[:-2], max_len)
    )
    if tuple(diagonal.shape) != expected:
        raise errors.InvalidArgumentError(
            None,
            None,
            "Either first dimensions of diagonal don't match input.shape[:-2], or diagonal.shape[:-1] "
            "is not equal to the longests diagonal in range [lower_diag_index:upper_diag_index].\n"
            f"Input shape: {_dims_text(input.shape)}\nDiagonal shape: {_dims_text(diagonal.shape)}\n"
            f"Expected diagonal shape: {_dims_text(expected)}",
        )
    out = input.copy()
    out[..., r, c] = diagonal[..., diag, pos] if multi else diagonal[..., pos]
    return out


def _set_diag_grad(op, dy):
    diagonal, k = op.inputs[1:]
    align = op.get_attr("align")
    return [
        matrix_set_diag(dy, array_ops.zeros_like(diagonal), k=k, align=align),
        matrix_diag_part(dy, k=k, align=align),
        None,
    ]


MATRIX_SET_DIAG = register(
    OpDef(
        name="MatrixSetDiagV3",
        kernel=_set_diag_kernel,
        infer=lambda input, diagonal, k, align="RIGHT_LEFT": rules.same(input),  # noqa: A006
        grad=_set_diag_grad,
        inputs=("input", "diagonal", "k"),
        outputs=("output",),
        attrs=("align",),
        same_dtype=(1,),
    )
)


def _padding_tensor(value, dtype) -> Tensor:
    if dtype.is_bool and isinstance(value, numbers.Number):
        value = bool(value)  # TF's default padding 0 is False for a bool matrix
    return convert_to_tensor(value, dtype=dtype)


def _k_tensor(k) -> Tensor:
    return k if isinstance(k, Tensor) else convert_to_tensor(k, dtype=dtypes.int32)


def matrix_diag(
    diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"
) -> Tensor:
    """Builds (batches of) matrices with the given diagonals, `padding_value` elsewhere.

    >>> tf.linalg.diag([1.0, 2.0]).numpy()
    array([[1., 0.],
           [0., 2.]], dtype=float32)
    """
    _check_align(align)
    diagonal = array_ops.convert(diagonal)
    padding = _padding_tensor(padding_value, diagonal.dtype)
    rows = convert_to_tensor(num_rows, dtype=dtypes.int32)
    cols = convert_to_tensor(num_cols, dtype=dtypes.int32)
    return apply(MATRIX_DIAG, (diagonal, _k_tensor(k), rows, cols, padding), {"align": align}, name)


def matrix_diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT") -> Tensor:
    """The diagonal (or the band of diagonals `k = (lower, upper)`) of (batches of) matrices.

    >>> tf.linalg.diag_part(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    array([1., 4.], dtype=float32)
    """
    _check_align(align)
    x = array_ops.convert(input)
    padding = _padding_tensor(padding_value, x.dtype)
    return apply(MATRIX_DIAG_PART, (x, _k_tensor(k), padding), {"align": align}, name)


def matrix_set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT") -> Tensor:
    """Replaces the diagonal (or band of diagonals) of (batches of) matrices.

    >>> tf.linalg.set_diag(tf.zeros([2, 2]), [1.0, 2.0]).numpy()
    array([[1., 0.],
           [0., 2.]], dtype=float32)
    """
    _check_align(align)
    x = array_ops.convert(input)
    diagonal = (
        diagonal
        if isinstance(diagonal, Tensor)
        else convert_to_tensor(diagonal, dtype_hint=x.dtype)
    )
    return apply(MATRIX_SET_DIAG, (x, diagonal, _k_tensor(k)), {"align": align}, name)


def trace(x, name=None) -> Tensor:
    """The sum of the main diagonal of (batches of) matrices.

    >>> tf.linalg.trace(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    np.float32(5.0)
    """
    return reduction_ops.reduce_sum(matrix_diag_part(x), -1, name=name)


# ---- MatrixBandPart ---------------------------------------------------------------------------
def _band_part_kernel(xp, input, num_lower, num_upper):
    if input.ndim < 2:
        raise errors.InvalidArgumentError(
            None, None, f"input must be at least 2-dim, received shape: {_dims_text(input.shape)}"
        )
    rows, cols = input.shape[-2:]
    lower, upper = int(num_lower), int(num_upper)
    if lower > rows:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"num_lower must be negative or less or equal to number of rows ({rows}) got: {lower}",
        )
    if upper > cols:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"num_upper must be negative or less or equal to number of columns ({cols}) got: {upper}",
        )
    offset = np.arange(cols)[None, :] - np.arange(rows)[:, None]  # column minus row
    keep = np.ones((rows, cols), dtype=bool)
    if lower >= 0:
        keep &= offset >= -lower
    if upper >= 0:
        keep &= offset <= upper
    return xp.where(xp.asarray(keep), input, xp.zeros((), dtype=input.dtype))


MATRIX_BAND_PART = register(
    OpDef(
        name="MatrixBandPart",
        kernel=_band_part_kernel,
        infer=lambda input, num_lower, num_upper: rules.same(input),  # noqa: A006
        grad=lambda op, dy: [band_part(dy, op.inputs[1], op.inputs[2]), None, None],
        inputs=("input", "num_lower", "num_upper"),
        outputs=("band",),
        attrs=("Tindex",),
    )
)


def band_part(input, num_lower, num_upper, name=None) -> Tensor:
    """Keeps a band of each matrix (num_lower below, num_upper above the diagonal; -1: all).

    >>> tf.linalg.band_part(tf.ones([3, 3]), 0, -1).numpy()
    array([[1., 1., 1.],
           [0., 1., 1.],
           [0., 0., 1.]], dtype=float32)
    """
    x = array_ops.convert(input)
    lower = (
        num_lower
        if isinstance(num_lower, Tensor)
        else convert_to_tensor(num_lower, dtype_hint=dtypes.int64)
    )
    upper = (
        num_upper
        if isinstance(num_upper, Tensor)
        else convert_to_tensor(num_upper, dtype=lower.dtype)
    )
    return apply(MATRIX_BAND_PART, (x, lower, upper), _NO_ATTRS, name)


# ---- norms ------------------------------------------------------------------------------------
_MATRIX_NORMS = ["euclidean", "fro", 1, 2, np.inf]
_VECTOR_NORMS = ["euclidean", 1, 2, np.inf]


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None) -> Tensor:
    """The vector norm (`ord` 'euclidean', 1, 2, inf or any p > 0) or matrix norm of a tensor.

    >>> tf.norm(tf.constant([3.0, 4.0])).numpy()
    np.float32(5.0)
    """
    keepdims = bool(keepdims)
    is_matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    if is_matrix:
        axis = tuple(axis)
        if not isinstance(axis[0], int) or not isinstance(axis[1], int) or axis[0] == axis[1]:
            raise ValueError(
                f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}"
            )
        if ord not in _MATRIX_NORMS:
            raise ValueError(f"'ord' must be a supported matrix norm in {_MATRIX_NORMS}, got {ord}")
    else:
        if not (isinstance(axis, int) or axis is None):
            raise ValueError(
                f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}"
            )
        if ord not in _VECTOR_NORMS and (isinstance(ord, str) or not np.isreal(ord) or ord <= 0):
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
        if axis is not None:
            axis = (axis,)
    x = array_ops.convert(tensor)
    if is_matrix and ord == 2:
        result = _matrix_two_norm(x, axis)
    elif ord in ("fro", "euclidean", 2):
        result = math_ops.sqrt(reduction_ops.reduce_sum(x * math_ops.conj(x), axis, keepdims=True))
    else:
        result = math_ops.abs(x)
        if ord == 1:
            result = reduction_ops.reduce_sum(
                result, None if axis is None else axis[0], keepdims=True
            )
            if is_matrix:
                result = reduction_ops.reduce_max(result, axis[1], keepdims=True)
        elif ord == np.inf:
            if is_matrix:
                result = reduction_ops.reduce_sum(result, axis[1], keepdims=True)
            result = reduction_ops.reduce_max(
                result, None if axis is None else axis[0], keepdims=True
            )
        else:
            power = reduction_ops.reduce_sum(math_ops.pow(result, ord), axis, keepdims=True)
            result = math_ops.pow(power, 1.0 / ord)
    if not keepdims:
        result = array_ops.squeeze(result, axis)
    return result if name is None else array_ops.identity(result, name=name)


def global_norm(t_list, name=None) -> Tensor:
    """The square root of the sum of squares of every element of every tensor in `t_list`.

    >>> tf.linalg.global_norm([tf.constant([3.0]), tf.constant([4.0])]).numpy()
    np.float32(5.0)
    """
    if not isinstance(t_list, (list, tuple)):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    values = [
        array_ops.convert(t.values if isinstance(t, indexed_slices.IndexedSlices) else t)
        for t in t_list
        if t is not None
    ]
    half_squares = (
        array_ops.stack([nn_ops.l2_loss(v) for v in values]) if values else array_ops.zeros([0])
    )
    total = reduction_ops.reduce_sum(half_squares)
    return math_ops.sqrt(total * convert_to_tensor(2.0, dtype=total.dtype), name=name)


def _matrix_two_norm(x: Tensor, axis) -> Tensor:
    """The largest singular value over the two `axis` dimensions, with those dims kept as 1."""
    rank = x.shape.rank
    if rank is None:
        raise ValueError("The matrix 2-norm needs a tensor of known rank.")
    pair = [a % rank for a in axis]
    perm = [i for i in range(rank) if i not in pair] + pair
    moved = array_ops.transpose(x, perm) if perm != list(range(rank)) else x
    singular = svd(moved, compute_uv=False)
    largest = reduction_ops.reduce_max(math_ops.abs(singular), -1, keepdims=True)
    result = array_ops.expand_dims(largest, -1)
    inverse = [int(i) for i in np.argsort(perm)]
    return array_ops.transpose(result, inverse) if perm != list(range(rank)) else result


def normalize(tensor, ord="euclidean", axis=None, name=None):
    """(tensor / norm, norm): the tensor scaled to unit norm, and that norm (kept dims).

    >>> normalized, length = tf.linalg.normalize(tf.constant([3.0, 4.0]))
    >>> normalized.numpy(), length.numpy()
    (array([0.6, 0.8], dtype=float32), array([5.], dtype=float32))
    """
    tensor = array_ops.convert(tensor)
    length = math_ops.cast(norm(tensor, ord, axis, keepdims=True), tensor.dtype)
    return math_ops.truediv(tensor, length, name=name), length


def adjoint(matrix, name=None) -> Tensor:
    """The conjugate transpose of (batches of) matrices.

    >>> tf.linalg.adjoint(tf.constant([[1 + 2j, 3]])).numpy()
    array([[1.-2.j],
           [3.-0.j]])
    """
    return array_ops.matrix_transpose(matrix, name=name or "adjoint", conjugate=True)


# ---- Svd --------------------------------------------------------------------------------------
def _svd_kernel(xp, input, compute_uv=True, full_matrices=False):
    if input.ndim < 2:
        raise errors.InvalidArgumentError(
            None, None, f"Input tensor 0 must have rank >= 2, got {input.ndim}"
        )
    batch, (rows, cols) = input.shape[:-2], input.shape[-2:]
    real = np.float32 if input.dtype in (np.float32, np.complex64) else np.float64
    if input.size == 0:
        singular = xp.zeros((*batch, min(rows, cols)), dtype=real)
        if not compute_uv:
            return singular, xp.zeros((), input.dtype), xp.zeros((), input.dtype)
        u_cols, v_cols = (rows, cols) if full_matrices else (min(rows, cols),) * 2
        u = xp.broadcast_to(xp.eye(rows, u_cols, dtype=input.dtype), (*batch, rows, u_cols)).copy()
        v = xp.broadcast_to(xp.eye(cols, v_cols, dtype=input.dtype), (*batch, cols, v_cols)).copy()
        return singular, u, v
    if not compute_uv:
        singular = xp.linalg.svd(input, compute_uv=False)
        return (
            singular.astype(real, copy=False),
            xp.zeros((), input.dtype),
            xp.zeros((), input.dtype),
        )
    u, singular, vh = xp.linalg.svd(input, full_matrices=full_matrices)
    v = xp.conj(xp.swapaxes(vh, -1, -2)) if input.dtype.kind == "c" else xp.swapaxes(vh, -1, -2)
    return singular.astype(real, copy=False), u, xp.ascontiguousarray(v)


def _svd_infer(input, compute_uv=True, full_matrices=False):
    real = input.dtype.real_dtype
    shape = input.shape
    if shape.rank is None:
        unknown = TensorShape(None)
        return [
            TensorSpec(unknown, real),
            TensorSpec(unknown, input.dtype),
            TensorSpec(unknown, input.dtype),
        ]
    if shape.rank < 2:
        raise ValueError(
            f"Shape must be at least rank 2 but is rank {shape.rank} for Svd with input shapes: {shape}."
        )
    batch, rows, cols = shape[:-2], shape[-2], shape[-1]
    smaller = None if rows is None or cols is None else min(rows, cols)
    singular = TensorSpec(batch.concatenate([smaller]), real)
    if not compute_uv:
        return [singular, TensorSpec([], input.dtype), TensorSpec([], input.dtype)]
    u_cols, v_cols = (rows, cols) if full_matrices else (smaller, smaller)
    return [
        singular,
        TensorSpec(batch.concatenate([rows, u_cols]), input.dtype),
        TensorSpec(batch.concatenate([cols, v_cols]), input.dtype),
    ]


def _safe_reciprocal(x, epsilon=1e-20):
    return x * math_ops.reciprocal(x * x + epsilon)


def _columns(x: Tensor, start: int, count: int) -> Tensor:
    """x[..., :, start:start + count]."""
    rank = x.shape.rank
    return array_ops.slice(x, [0] * (rank - 1) + [start], [-1] * (rank - 1) + [count])


def _svd_grad(op, grad_s, grad_u, grad_v):
    """The gradient of A = U diag(s) V^H (Townsend's formulas, as TF computes them)."""
    a = op.inputs[0]
    grad_s = math_ops.cast(grad_s, a.dtype)
    grad_s_mat = matrix_diag(grad_s)
    if not op.get_attr("compute_uv"):
        _, u, v = svd(a, compute_uv=True)
        return [matmul(u, matmul(grad_s_mat, v, adjoint_b=True))]
    full_matrices = op.get_attr("full_matrices")
    rows, cols = a.shape[-2], a.shape[-1]
    if rows is None or cols is None:
        raise ValueError(
            "SVD gradient has not been implemented for input with unknown inner matrix shape."
        )
    s, u, v = op.outputs
    s = math_ops.cast(s, a.dtype)
    use_adjoint = rows > cols
    m, n = (cols, rows) if use_adjoint else (rows, cols)
    if use_adjoint:
        u, v, grad_u, grad_v = v, u, grad_v, grad_u
    if full_matrices and abs(m - n) > 1:
        raise ValueError(
            f"svd gradient is not implemented for abs(m - n) > 1 when full_matrices is True. Received: m={m} and n={n}."
        )
    s_mat = matrix_diag(s)
    s2 = math_ops.square(s)
    gaps = array_ops.expand_dims(s2, -2) - array_ops.expand_dims(s2, -1)
    f = matrix_set_diag(_safe_reciprocal(gaps), array_ops.zeros_like(s))
    s_inv_mat = matrix_diag(_safe_reciprocal(s))
    v1, grad_v1 = _columns(v, 0, m), _columns(grad_v, 0, m)
    f_u = f * matmul(u, grad_u, adjoint_a=True)
    v_gv = matmul(v1, grad_v1, adjoint_a=True)
    f_v = f * v_gv
    inner = grad_s_mat + matmul(f_u + adjoint(f_u), s_mat) + matmul(s_mat, f_v + adjoint(f_v))
    grad_a = matmul(u, matmul(inner, v1, adjoint_b=True))
    if m != n:
        gv1t = array_ops.matrix_transpose(grad_v1, conjugate=True)
        term2 = gv1t - matmul(matmul(gv1t, v1), v1, adjoint_b=True)
        if full_matrices:
            v2, grad_v2 = _columns(v, m, n - m), _columns(grad_v, m, n - m)
            term2 = term2 - matmul(matmul(v1, grad_v2, adjoint_a=True), v2, adjoint_b=True)
        grad_a = grad_a + matmul(matmul(u, s_inv_mat), term2)
    if a.dtype.is_complex:
        diagonal = matrix_diag(matrix_diag_part(v_gv))
        term3 = matmul(s_inv_mat, adjoint(diagonal) - diagonal)
        grad_a = grad_a + 0.5 * matmul(u, matmul(term3, v1, adjoint_b=True))
    return [adjoint(grad_a) if use_adjoint else grad_a]


SVD = register(
    OpDef(
        name="Svd",
        kernel=_svd_kernel,
        infer=_svd_infer,
        grad=_svd_grad,
        inputs=("input",),
        outputs=("s", "u", "v"),
        attrs=("compute_uv", "full_matrices"),
        allowed=frozenset((dtypes.float32, dtypes.float64, dtypes.complex64, dtypes.complex128)),
    )
)


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Singular values `s` (and vectors `u`, `v`, with tensor = u @ diag(s) @ adjoint(v)).

    >>> tf.linalg.svd(tf.constant([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False).numpy()
    array([4., 3.], dtype=float32)
    """
    x = array_ops.convert(tensor)
    if x.dtype is dtypes.float16:
        raise _not_found("Svd", x.dtype)
    attrs = {"compute_uv": bool(compute_uv), "full_matrices": bool(full_matrices)}
    s, u, v = apply(SVD, (x,), attrs, name)
    return (s, u, v) if compute_uv else s


# ---- Diag / DiagPart (tensor_diag) ------------------------------------------------------------
def _tensor_diag_kernel(xp, diagonal):
    if diagonal.ndim < 1:
        raise errors.InvalidArgumentError(
            None, None, f"Input must be at least rank 1, got {diagonal.ndim}"
        )
    size = diagonal.size
    out = xp.zeros((size, size), dtype=diagonal.dtype)
    index = xp.arange(size)
    out[index, index] = diagonal.reshape(-1)
    return out.reshape(diagonal.shape + diagonal.shape)


def _tensor_diag_infer(diagonal):
    shape = diagonal.shape
    return TensorSpec(
        TensorShape(None) if shape.rank is None else shape.concatenate(shape), diagonal.dtype
    )


TENSOR_DIAG = register(
    OpDef(
        name="Diag",
        kernel=_tensor_diag_kernel,
        infer=_tensor_diag_infer,
        grad=lambda op, dy: [tensor_diag_part(dy)],
        inputs=("diagonal",),
        outputs=("output",),
        allowed=_EINSUM_TYPES - {dtypes.uint64},
    )
)


def tensor_diag(diagonal, name=None) -> Tensor:
    """A tensor of shape `diagonal.shape * 2` with `diagonal` on its diagonal, zeros elsewhere.

    >>> tf.linalg.tensor_diag([1.0, 2.0]).numpy()
    array([[1., 0.],
           [0., 2.]], dtype=float32)
    """
    return apply(TENSOR_DIAG, (array_ops.convert(diagonal),), _NO_ATTRS, name)


def _tensor_diag_part_kernel(xp, input):
    half = input.ndim // 2
    if input.ndim % 2:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"The rank of the tensor should be                                          even and positive, got shape {_dims_text(input.shape)}",
        )
    for i in range(half):
        if input.shape[i] != input.shape[half + i]:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Invalid shape {_dims_text(input.shape)}: dimensions {i} and {half + i} do not match.",
            )
    size = int(np.prod(input.shape[:half], dtype=np.int64))
    index = xp.arange(size)
    return input.reshape(size, size)[index, index].reshape(input.shape[:half])


def _tensor_diag_part_infer(input):
    shape = input.shape
    if shape.rank is None:
        return TensorSpec(TensorShape(None), input.dtype)
    half = shape.rank // 2
    dims = [a if a is not None else b for a, b in zip(shape[:half], shape[half:])]
    return TensorSpec(dims, input.dtype)


TENSOR_DIAG_PART = register(
    OpDef(
        name="DiagPart",
        kernel=_tensor_diag_part_kernel,
        infer=_tensor_diag_part_infer,
        grad=lambda op, dy: [tensor_diag(dy)],
        inputs=("input",),
        outputs=("diagonal",),
        allowed=TENSOR_DIAG.allowed,
    )
)


def tensor_diag_part(input, name=None) -> Tensor:
    """The diagonal of a tensor of shape `D + D`: the inverse of `tensor_diag`.

    >>> tf.linalg.tensor_diag_part(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
    array([1., 4.], dtype=float32)
    """
    return apply(TENSOR_DIAG_PART, (array_ops.convert(input),), _NO_ATTRS, name)


# ---- Cross ------------------------------------------------------------------------------------
def _cross_kernel(xp, a, b):
    if a.shape != b.shape:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Both inputs must be of same shape: {_dims_text(a.shape)} vs. {_dims_text(b.shape)}",
        )
    if a.ndim < 1 or a.shape[-1] != 3:
        raise errors.FailedPreconditionError(
            None, None, "Cross-products are only defined for 3-element vectors."
        )
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return xp.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


CROSS = register(
    OpDef(
        name="Cross",
        kernel=_cross_kernel,
        infer=lambda a, b: TensorSpec(a.shape if a.shape.rank is not None else b.shape, a.dtype),
        grad=lambda op, dy: [cross(op.inputs[1], dy), cross(dy, op.inputs[0])],
        inputs=("a", "b"),
        outputs=("product",),
        allowed=rules.REAL - {dtypes.float8_e5m2, dtypes.float8_e4m3fn},
        same_dtype=(1,),
    )
)


def cross(a, b, name=None) -> Tensor:
    """The cross product of 3-element vectors (the last dimension of `a` and `b`).

    >>> tf.linalg.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]).numpy()
    array([0., 0., 1.], dtype=float32)
    """
    a = array_ops.convert(a)
    b = b if isinstance(b, Tensor) else convert_to_tensor(b, dtype_hint=a.dtype)
    return apply(CROSS, (a, b), _NO_ATTRS, name)
