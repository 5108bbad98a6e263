"""String ops: `tf.strings.as_string` (AsString)."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor


def _host(xp, array):
    """String tensors live on the host: a device array comes back as NumPy."""
    return array if xp is np else xp.asnumpy(array)


# ---- AsString ---------------------------------------------------------------------------------
_AS_STRING_ALLOWED = frozenset(
    (
        dtypes.float32,
        dtypes.float64,
        dtypes.int32,
        dtypes.uint8,
        dtypes.int16,
        dtypes.int8,
        dtypes.int64,
        dtypes.bfloat16,
        dtypes.uint16,
        dtypes.float16,
        dtypes.uint32,
        dtypes.uint64,
        dtypes.complex64,
        dtypes.complex128,
        dtypes.bool,
        dtypes.string,
    )
)
_FILL_FLAGS = frozenset(" +-0#")


def _as_string_format(kind: str, dtype_name, precision, scientific, shortest, width, fill):
    """The printf format TF builds for one element, checked as TF's kernel checks it."""
    if len(fill) > 1:
        raise errors.InvalidArgumentError(None, None, "Fill string must be one or fewer characters")
    if scientific and shortest:
        raise errors.InvalidArgumentError(
            None, None, "Cannot select both scientific and shortest notation"
        )
    if fill and fill not in _FILL_FLAGS:
        raise errors.InvalidArgumentError(None, None, f'Fill argument not supported: "{fill}"')
    spec = "%" + fill + (str(width) if width > -1 else "")
    if kind in "iub":
        if scientific or shortest:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"scientific and shortest format not supported for datatype {dtype_name}",
            )
        if precision > -1:
            raise errors.InvalidArgumentError(
                None, None, f"precision not supported for datatype {dtype_name}"
            )
        return spec + "d"
    if kind == "O":
        return spec + "s"
    spec += f".{precision}" if precision > -1 else ""
    return spec + ("g" if shortest else "e" if scientific else "f")


def _format_floats(form: str, values: np.ndarray, width: int, fill: str) -> np.ndarray:
    text = np.char.mod(form, values.astype(np.float64))
    special = ~np.isfinite(values)
    if special.any():
        # printf pads inf and nan with spaces whatever the fill, and keeps the sign of a NaN.
        token = np.where(np.isnan(values), "nan", "inf")
        plus = "+" if fill == "+" else " " if fill == " " else ""
        token = np.char.add(np.where(np.signbit(values), "-", plus), token)
        padded = np.char.ljust(token, width) if fill == "-" else np.char.rjust(token, width)
        text = np.where(special, padded, text)
    return text


def _as_string_kernel(
    xp, x, precision=-1, scientific=False, shortest=False, width=-1, fill=""
):  # fmt: skip
    x = np.asarray(_host(xp, x))
    kind = "b" if x.dtype == np.bool_ else x.dtype.kind
    dtype_name = dtypes.from_numpy(x.dtype).name
    form = _as_string_format(kind, dtype_name, precision, scientific, shortest, width, fill)
    if kind == "b":  # TF prints bools bare: no width or fill
        return np.where(x, b"true", b"false").astype(object)
    if kind == "O":
        text = np.char.mod(form.encode(), x.astype(np.bytes_))
        return text.astype(object)
    if kind == "c":
        real = _format_floats(form, x.real, width, fill)
        imag = _format_floats(form, x.imag, width, fill)
        text = np.char.add(np.char.add(np.char.add("(", real), ","), np.char.add(imag, ")"))
    elif kind == "u":  # printf's %u shows no sign
        text = np.char.mod(form.replace("+", "").replace(" ", ""), x)
    elif kind == "i":
        text = np.char.mod(form, x)
    else:
        text = _format_floats(form, x, width, fill)
    return np.char.encode(text, "ascii").astype(object)


def _as_string_infer(x, **attrs) -> TensorSpec:
    return TensorSpec(x.shape, dtypes.string)


AS_STRING = register(
    OpDef(
        name="AsString",
        kernel=_as_string_kernel,
        infer=_as_string_infer,
        inputs=("input",),
        outputs=("output",),
        attrs=("precision", "scientific", "shortest", "width", "fill"),
        allowed=_AS_STRING_ALLOWED,
    )
)


def as_string(
    input, precision=-1, scientific=False, shortest=False, width=-1, fill="", name=None
) -> Tensor:
    """Formats each element as a string: decimal integers, `true`/`false`, and floats with six
    decimals unless `precision`, `scientific` or `shortest` says otherwise.

    >>> tf.strings.as_string([3, 4]).numpy()
    array([b'3', b'4'], dtype=object)
    """
    tensor = input if isinstance(input, Tensor) else convert_to_tensor(input)
    attrs = {
        "precision": int(precision),
        "scientific": bool(scientific),
        "shortest": bool(shortest),
        "width": int(width),
        "fill": fill,
    }
    return apply(AS_STRING, (tensor,), attrs, name)
