"""String ops: `tf.strings.*` and `tf.io.encode_base64`/`decode_base64`.

String tensors are NumPy object arrays of `bytes` on the host. Work on each string runs in
Python (bytes methods, `re`, the hash functions below): NumPy has no vectorized kernels for
variable-length bytes, so the loops over elements here are the kernels themselves.
"""

from __future__ import annotations

import binascii
import codecs
import functools
import itertools
import re

import numpy as np

from tensorflux._src.core import context, dtypes, errors
from tensorflux._src.core.composite import dispatchable
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules


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


# ---- shared helpers ---------------------------------------------------------------------------
_STRING = frozenset((dtypes.string,))
_MASK64 = (1 << 64) - 1


def _strings(value, op: OpDef, index: int = 0) -> Tensor:
    """`value` as a string tensor; another tensor is TF's error for input `index` of `op`."""
    if not isinstance(value, Tensor):
        return convert_to_tensor(value, dtypes.string)
    if value.dtype is not dtypes.string:
        raise errors.op_error(
            errors.InvalidArgumentError,
            op.name,
            f"cannot compute {op.name} as input #{index}(zero-based) was expected to be a string "
            f"tensor but is a {dtypes.type_string(value.dtype)} tensor",
        )
    return value


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _map_bytes(xp, array, function, otype=object) -> np.ndarray:
    """`function` applied to each bytes element; the result keeps the input's shape."""
    array = _host(xp, array)
    flat = [function(item) for item in array.ravel().tolist()]
    return (
        np.array(flat, dtype=otype).reshape(array.shape) if flat else np.empty(array.shape, otype)
    )


def _shape_text(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _check_choice(attr: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        choices = ", ".join(f'"{a}"' for a in allowed)
        raise _invalid(
            f"Value for attr '{attr}' of \"{value}\" is not in the list of allowed values: "
            f"{choices}"
        )


def _utf8_char_starts(data: bytes) -> np.ndarray:
    """Byte offsets of the UTF-8 characters of `data`: every byte that is not a continuation."""
    raw = np.frombuffer(data, np.uint8)
    return np.flatnonzero((raw & 0xC0) != 0x80)


# ---- StringLength -----------------------------------------------------------------------------
_UNITS = ("BYTE", "UTF8_CHAR")


def _string_length_kernel(xp, input, unit="BYTE"):
    _check_choice("unit", unit, _UNITS)
    if unit == "BYTE":
        return _map_bytes(xp, input, len, np.int32)
    return _map_bytes(xp, input, lambda s: len(_utf8_char_starts(s)), np.int32)


STRING_LENGTH = register(
    OpDef(
        name="StringLength",
        kernel=_string_length_kernel,
        infer=rules.same_shape_as(dtypes.int32),
        inputs=("input",),
        outputs=("output",),
        attrs=("unit",),
        allowed=_STRING,
    )
)


def length(input, unit="BYTE", name=None) -> Tensor:
    """The length of each string, in bytes or (`unit="UTF8_CHAR"`) in UTF-8 characters.

    >>> tf.strings.length(["héllo", ""], unit="UTF8_CHAR").numpy()
    array([5, 0], dtype=int32)
    """
    return apply(STRING_LENGTH, (_strings(input, STRING_LENGTH),), {"unit": unit}, name)


# ---- Substr -----------------------------------------------------------------------------------
def _substr_one(data: bytes, pos: int, size: int, unit: str, index: int) -> bytes:
    if unit == "BYTE":
        total = len(data)
        if not -total <= pos <= total:
            raise _invalid(
                f"pos {pos} out of range for string b'{_escaped(data)}' at index {index}"
            )
        start = pos + total if pos < 0 else pos
        return data[start:] if size < 0 else data[start : start + size]
    starts = _utf8_char_starts(data)
    total = len(starts)
    if not -total <= pos <= total or (pos < 0 and size < 0):
        raise _invalid(f"pos {pos} out of range for string at index {index}")
    start = pos + total if pos < 0 else pos
    end = min(total, start + max(size, 0))  # unlike bytes, a negative len takes nothing
    bounds = np.append(starts, len(data))
    return data[bounds[start] : bounds[end]]


def _escaped(data: bytes) -> str:
    return repr(data)[2:-1]


def _substr_kernel(xp, input, pos, len, unit="BYTE", T=None):
    _check_choice("unit", unit, _UNITS)
    strings, pos, size = _host(xp, input), _host(xp, pos), _host(xp, len)
    if pos.shape != size.shape:
        raise _invalid(
            "pos and len should have the same shape, got: "
            f"{_shape_text(pos.shape)} vs. {_shape_text(size.shape)}"
        )
    try:
        strings, pos, size = np.broadcast_arrays(strings, pos, size)
    except ValueError:
        raise _invalid(
            f"Incompatible shapes: {_shape_text(np.shape(input))} vs. {_shape_text(pos.shape)}"
        ) from None
    out = [
        _substr_one(data, int(p), int(n), unit, i)
        for i, (data, p, n) in enumerate(
            zip(strings.ravel().tolist(), pos.ravel().tolist(), size.ravel().tolist())
        )
    ]
    return np.array([*out, b""], dtype=object)[:-1].reshape(strings.shape)


def _substr_infer(input, pos, len, **attrs) -> TensorSpec:
    return TensorSpec(rules.broadcast_shape(input.shape, pos.shape), dtypes.string)


SUBSTR = register(
    OpDef(
        name="Substr",
        kernel=_substr_kernel,
        infer=_substr_infer,
        inputs=("input", "pos", "len"),
        outputs=("output",),
        attrs=("T", "unit"),
    )
)


def substr(input, pos, len, unit="BYTE", name=None) -> Tensor:
    """The substring of each string starting at `pos` (negative: from the end), `len` long.

    >>> tf.strings.substr(["hello", "world"], 1, 3).numpy()
    array([b'ell', b'orl'], dtype=object)
    """
    pos = pos if isinstance(pos, Tensor) else convert_to_tensor(pos, dtype_hint=dtypes.int32)
    size = len if isinstance(len, Tensor) else convert_to_tensor(len, dtype=pos.dtype)
    if pos.dtype not in rules.INDEX:
        raise errors.op_error(
            errors.InvalidArgumentError,
            SUBSTR.name,
            f"Value for attr 'T' of {dtypes.type_string(pos.dtype)} is not in the list of allowed "
            "values: int32, int64",
        )
    if size.dtype is not pos.dtype:
        raise errors.op_error(
            errors.InvalidArgumentError,
            SUBSTR.name,
            f"cannot compute Substr as input #2(zero-based) was expected to be a "
            f"{dtypes.type_string(pos.dtype)} tensor but is a {dtypes.type_string(size.dtype)} tensor",
        )
    attrs = {"T": pos.dtype, "unit": unit}  # T names pos's dtype (TF's attr), not input 0's
    return apply(SUBSTR, (_strings(input, SUBSTR), pos, size), attrs, name)


# ---- StringJoin -------------------------------------------------------------------------------
def _string_join_kernel(xp, *inputs, separator=""):
    arrays = [_host(xp, a) for a in inputs]
    shape = ()
    for array in arrays:
        if array.ndim:
            if shape and array.shape != shape:
                raise _invalid(
                    f"Input shapes do not match: {_shape_text(shape)} vs. "
                    f"{_shape_text(array.shape)}"
                )
            shape = array.shape
    if not arrays:
        return np.array(b"", dtype=object)
    sep = separator.encode() if isinstance(separator, str) else separator
    columns = [np.broadcast_to(a, shape).ravel().tolist() for a in arrays]
    out = [sep.join(row) for row in zip(*columns)]
    return np.array([*out, b""], dtype=object)[:-1].reshape(shape)


def _string_join_infer(*inputs, **attrs) -> TensorSpec:
    shape = TensorShape([])
    for spec in inputs:
        if spec.shape.rank != 0:
            shape = shape.merge_with(spec.shape) if shape.rank else spec.shape
    return TensorSpec(shape, dtypes.string)


STRING_JOIN = register(
    OpDef(
        name="StringJoin",
        kernel=_string_join_kernel,
        infer=_string_join_infer,
        inputs=("inputs*",),
        outputs=("output",),
        attrs=("separator",),
    )
)


def join(inputs, separator="", name=None) -> Tensor:
    """Joins same-shaped string tensors (or scalars) element-wise with `separator`.

    >>> tf.strings.join([["a", "b"], "c"], separator="-").numpy()
    array([b'a-c', b'b-c'], dtype=object)
    """
    tensors = [_strings(t, STRING_JOIN, i) for i, t in enumerate(inputs)]
    return apply(STRING_JOIN, tensors, {"separator": separator}, name)


# ---- ReduceJoin -------------------------------------------------------------------------------
def _reduce_join_axes(axes, rank: int) -> list[int]:
    out = []
    for axis in np.ravel(axes).tolist():
        if not -rank <= axis < rank:
            raise errors.OutOfRangeError(
                None, None, f"Invalid reduction dimension {axis} for input with {rank} dimension(s)"
            )
        axis %= rank
        if axis in out:
            raise _invalid(f"Duplicate reduction dimension {axis}")
        out.append(axis)
    return out


def _reduce_join_kernel(xp, inputs, reduction_indices, keep_dims=False, separator=""):
    array = _host(xp, inputs)
    axes = _reduce_join_axes(_host(xp, reduction_indices), array.ndim)
    kept = [d for d in range(array.ndim) if d not in axes]
    # the first axis listed varies fastest in each joined string
    rows = np.transpose(array, kept + axes[::-1]).reshape(
        [array.shape[d] for d in kept] + [int(np.prod([array.shape[d] for d in axes]))]
    )
    sep = separator.encode() if isinstance(separator, str) else separator
    flat = rows.reshape(int(np.prod(rows.shape[:-1])), rows.shape[-1]).tolist()
    out = np.array([*[sep.join(row) for row in flat], b""], dtype=object)[:-1]
    shape = (
        [1 if d in axes else n for d, n in enumerate(array.shape)] if keep_dims else rows.shape[:-1]
    )
    return out.reshape(shape)


def _reduce_join_infer(inputs, reduction_indices, keep_dims=False, **attrs) -> TensorSpec:
    return TensorSpec(rules.reduction(inputs, reduction_indices, keep_dims).shape, dtypes.string)


REDUCE_JOIN = register(
    OpDef(
        name="ReduceJoin",
        kernel=_reduce_join_kernel,
        infer=_reduce_join_infer,
        inputs=("inputs", "reduction_indices"),
        outputs=("output",),
        attrs=("keep_dims", "separator"),
    )
)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None) -> Tensor:
    """Joins the strings along `axis` (all axes when None); the last axis listed is outermost.

    >>> tf.strings.reduce_join([["a", "b"], ["c", "d"]], axis=1, separator=",").numpy()
    array([b'a,b', b'c,d'], dtype=object)
    """
    tensor = _strings(inputs, REDUCE_JOIN)
    if axis is None:
        rank = tensor.shape.rank
        if rank is None:
            raise ValueError("reduce_join with axis=None needs a tensor of known rank")
        axis = list(range(rank - 1, -1, -1))
    axis = convert_to_tensor(axis, dtype=dtypes.int32)
    attrs = {"keep_dims": bool(keepdims), "separator": separator}
    return apply(REDUCE_JOIN, (tensor, axis), attrs, name)


# ---- regular expressions: RE2 syntax on Python's `re` -----------------------------------------
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_PERL_OPERATORS = ("(?=", "(?!", "(?<=", "(?<!")
# RE2's \d, \w and \s are ASCII; `re` runs in Unicode mode for \pL, so they are spelled out
_ASCII_SHORTHANDS = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}
_UNICODE_CLASSES = {"L": ("[^\\W\\d_]", "[\\W\\d_]"), "N": ("\\d", "\\D"), "Nd": ("\\d", "\\D")}
_UNICODE_CLASS = re.compile(r"\\([pP])(\w|\{\^?\w+\})")


def _re2_escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """The `re` spelling of the RE2 escape at `pattern[i]`, and how many characters it took."""
    escape = pattern[i + 1]
    if escape in "123456789":
        raise ValueError(f"invalid escape sequence: \\{escape}")
    if escape.lower() in _ASCII_SHORTHANDS and not (in_class and escape.isupper()):
        members = _ASCII_SHORTHANDS[escape.lower()]
        if in_class:
            return members, 2
        return ("[^" if escape.isupper() else "[") + members + "]", 2
    if escape in "pP":
        found = _UNICODE_CLASS.match(pattern, i)
        name = found.group(2).strip("{}") if found else ""
        negated = (escape == "P") != name.startswith("^")
        if in_class or name.lstrip("^") not in _UNICODE_CLASSES:
            raise ValueError(f"invalid character class range: {pattern[i : i + 2 + len(name)]}")
        return _UNICODE_CLASSES[name.lstrip("^")][negated], len(found.group(0))
    if escape == "z" and not in_class:
        return "\\Z", 2
    return pattern[i : i + 2], 2


def _re2_to_python(pattern: str) -> str:
    """RE2's syntax in `re`'s: `$` and `\\z` end only the text, ASCII `\\d\\w\\s`, POSIX
    classes, and RE2's errors for what it lacks (backreferences, lookaround)."""
    multiline = re.match(r"\(\?[a-zA-Z]*m", pattern) is not None
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            text, taken = _re2_escape(pattern, i, in_class)
            out.append(text)
            i += taken
            continue
        if in_class:
            posix = re.match(r"\[:(\^?)(\w+):\]", pattern[i:])
            if char == "[" and posix and posix.group(2) in _POSIX_CLASSES:
                if posix.group(1):
                    raise ValueError(f"invalid character class range: {posix.group(0)}")
                out.append(_POSIX_CLASSES[posix.group(2)])
                i += len(posix.group(0))
                continue
            if char == "[":
                out.append("\\[")
                i += 1
                continue
            in_class = char != "]"
        elif char == "[":
            in_class = True
            out.append(char)
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                out.append("\\]")
                i += 1
            i += 1
            continue
        elif char == "(":
            for operator in _PERL_OPERATORS:
                if pattern.startswith(operator, i):
                    raise ValueError(f"invalid perl operator: {operator}")
        elif char == "$" and not multiline:
            out.append("\\Z")
            i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _compiled(pattern: bytes) -> re.Pattern:
    text = pattern.decode("utf-8", "surrogateescape")
    try:
        return re.compile(_re2_to_python(text))
    except (ValueError, re.error) as error:
        message = error.msg if isinstance(error, re.error) else str(error)
        raise _invalid(f"Invalid pattern: {text}, error: {message}") from None


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _as_bytes(value) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


def _full_matches(xp, input, pattern) -> np.ndarray:
    compiled = _compiled(_as_bytes(pattern))
    return _map_bytes(xp, input, lambda s: compiled.fullmatch(_text(s)) is not None, np.bool_)


@functools.lru_cache(maxsize=256)
def _rewrite_pieces(rewrite: bytes) -> tuple:
    """RE2's rewrite string as literal texts and group numbers (`\\0`-`\\9`; `\\\\` is `\\`).
    Another escape writes nothing, as RE2's Rewrite does after logging it."""
    pieces, literal, i = [], [], 0
    text = _text(rewrite)
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            escape = text[i + 1]
            if escape.isdigit() and escape.isascii():
                pieces.append("".join(literal))
                literal = []
                pieces.append(int(escape))
            elif escape == "\\":
                literal.append("\\")
            i += 2
            continue
        literal.append(char)
        i += 1
    pieces.append("".join(literal))
    return tuple(pieces)


def _replace_all(compiled: re.Pattern, rewrite: bytes, replace_global: bool):
    pieces = _rewrite_pieces(rewrite)
    highest = max((p for p in pieces if isinstance(p, int)), default=0)

    def expand(match) -> str:
        return "".join(p if isinstance(p, str) else (match.group(p) or "") for p in pieces)

    def replace(data: bytes) -> bytes:
        if highest > compiled.groups:  # RE2 refuses such a rewrite and leaves the text alone
            return data
        text = _text(data)
        out, last = [], 0
        for match in compiled.finditer(text):
            start, end = match.span()
            if start == end and start == last and out:
                continue  # RE2 skips an empty match right after the previous match
            out.append(text[last:start])
            out.append(expand(match))
            last = end
            if not replace_global:
                break
        out.append(text[last:])
        return "".join(out).encode("utf-8", "surrogateescape")

    return replace


# ---- RegexFullMatch / StaticRegexFullMatch ----------------------------------------------------
def _scalar_text(xp, array, what: str) -> bytes:
    array = _host(xp, array)
    if array.ndim:
        raise _invalid(f"{what} must be scalar, but received {_shape_text(array.shape)}")
    return _as_bytes(array.item())


def _regex_full_match_kernel(xp, input, pattern):
    return _full_matches(xp, input, _scalar_text(xp, pattern, "Pattern"))


def _static_regex_full_match_kernel(xp, input, pattern):
    return _full_matches(xp, input, pattern)


REGEX_FULL_MATCH = register(
    OpDef(
        name="RegexFullMatch",
        kernel=_regex_full_match_kernel,
        infer=rules.same_shape_as(dtypes.bool),
        inputs=("input", "pattern"),
        outputs=("output",),
    )
)
STATIC_REGEX_FULL_MATCH = register(
    OpDef(
        name="StaticRegexFullMatch",
        kernel=_static_regex_full_match_kernel,
        infer=rules.same_shape_as(dtypes.bool),
        inputs=("input",),
        outputs=("output",),
        attrs=("pattern",),
    )
)


def regex_full_match(input, pattern, name=None) -> Tensor:
    """Whether each whole string matches the RE2 `pattern`.

    >>> tf.strings.regex_full_match(["abc", "ab"], "a.c").numpy()
    array([ True, False])
    """
    if isinstance(pattern, (str, bytes)):
        return apply(
            STATIC_REGEX_FULL_MATCH,
            (_strings(input, STATIC_REGEX_FULL_MATCH),),
            {"pattern": pattern},
            name,
        )
    return apply(
        REGEX_FULL_MATCH,
        (_strings(input, REGEX_FULL_MATCH), _strings(pattern, REGEX_FULL_MATCH, 1)),
        rules.NO_ATTRS,
        name,
    )


# ---- RegexReplace / StaticRegexReplace --------------------------------------------------------
def _regex_replace_kernel(xp, input, pattern, rewrite, replace_global=True):
    compiled = _compiled(_scalar_text(xp, pattern, "Pattern"))
    replace = _replace_all(compiled, _scalar_text(xp, rewrite, "Rewrite"), replace_global)
    return _map_bytes(xp, input, replace)


def _static_regex_replace_kernel(xp, input, pattern, rewrite, replace_global=True):
    replace = _replace_all(_compiled(_as_bytes(pattern)), _as_bytes(rewrite), replace_global)
    return _map_bytes(xp, input, replace)


REGEX_REPLACE = register(
    OpDef(
        name="RegexReplace",
        kernel=_regex_replace_kernel,
        infer=rules.same_shape_as(dtypes.string),
        inputs=("input", "pattern", "rewrite"),
        outputs=("output",),
        attrs=("replace_global",),
    )
)
STATIC_REGEX_REPLACE = register(
    OpDef(
        name="StaticRegexReplace",
        kernel=_static_regex_replace_kernel,
        infer=rules.same_shape_as(dtypes.string),
        inputs=("input",),
        outputs=("output",),
        attrs=("pattern", "rewrite", "replace_global"),
    )
)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None) -> Tensor:
    """Replaces the matches of the RE2 `pattern` with `rewrite` (`\\1` names a group).

    >>> tf.strings.regex_replace(["hello world"], r"(\\w+) (\\w+)", r"\\2 \\1").numpy()
    array([b'world hello'], dtype=object)
    """
    tensor = _strings(input, STATIC_REGEX_REPLACE)
    if isinstance(pattern, (str, bytes)) and isinstance(rewrite, (str, bytes)):
        attrs = {"pattern": pattern, "rewrite": rewrite, "replace_global": bool(replace_global)}
        return apply(STATIC_REGEX_REPLACE, (tensor,), attrs, name)
    attrs = {"replace_global": bool(replace_global)}
    return apply(
        REGEX_REPLACE,
        (tensor, _strings(pattern, REGEX_REPLACE, 1), _strings(rewrite, REGEX_REPLACE, 2)),
        attrs,
        name,
    )


# ---- StringStrip / StringLower / StringUpper --------------------------------------------------
def _string_strip_kernel(xp, input):
    return _map_bytes(xp, input, bytes.strip)


STRING_STRIP = register(
    OpDef(
        name="StringStrip",
        kernel=_string_strip_kernel,
        infer=rules.same_shape_as(dtypes.string),
        inputs=("input",),
        outputs=("output",),
        allowed=_STRING,
    )
)


def strip(input, name=None) -> Tensor:
    """Removes leading and trailing ASCII whitespace from each string.

    >>> tf.strings.strip(["  hi \\n"]).numpy()
    array([b'hi'], dtype=object)
    """
    return apply(STRING_STRIP, (_strings(input, STRING_STRIP),), rules.NO_ATTRS, name)


def _case_kernel(ascii_method, text_method):
    def kernel(xp, input, encoding=""):
        if encoding == "":
            return _map_bytes(xp, input, ascii_method)
        if encoding != "utf-8":
            raise _invalid(f"only utf-8 or '' (no encoding) is supported, received {encoding}")
        return _map_bytes(
            xp, input, lambda s: text_method(_text(s)).encode("utf-8", "surrogateescape")
        )

    return kernel


STRING_LOWER = register(
    OpDef(
        name="StringLower",
        kernel=_case_kernel(bytes.lower, str.lower),
        infer=rules.same_shape_as(dtypes.string),
        inputs=("input",),
        outputs=("output",),
        attrs=("encoding",),
        allowed=_STRING,
    )
)
STRING_UPPER = register(
    OpDef(
        name="StringUpper",
        kernel=_case_kernel(bytes.upper, str.upper),
        infer=rules.same_shape_as(dtypes.string),
        inputs=("input",),
        outputs=("output",),
        attrs=("encoding",),
        allowed=_STRING,
    )
)


def lower(input, encoding="", name=None) -> Tensor:
    """Lowercases ASCII letters, or (`encoding="utf-8"`) all Unicode letters.

    >>> tf.strings.lower(["HeLLo"]).numpy()
    array([b'hello'], dtype=object)
    """
    return apply(STRING_LOWER, (_strings(input, STRING_LOWER),), {"encoding": encoding}, name)


def upper(input, encoding="", name=None) -> Tensor:
    """Uppercases ASCII letters, or (`encoding="utf-8"`) all Unicode letters.

    >>> tf.strings.upper(["HeLLo"]).numpy()
    array([b'HELLO'], dtype=object)
    """
    return apply(STRING_UPPER, (_strings(input, STRING_UPPER),), {"encoding": encoding}, name)


# ---- StringToNumber ---------------------------------------------------------------------------
_INTEGER_TEXT = re.compile(rb"\s*[+-]?[0-9]+\s*", re.ASCII)
_HEX_FLOAT_TEXT = re.compile(rb"\s*[+-]?0[xX][0-9a-fA-F.]+([pP][+-]?[0-9]+)?\s*", re.ASCII)
_TO_NUMBER_TYPES = frozenset(
    (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.uint32, dtypes.uint64)
)


def _parse_number(data: bytes, kind: str, info) -> float | int:
    if kind in "iu":
        if _INTEGER_TEXT.fullmatch(data):
            value = int(data)
            if info.min <= value <= info.max:
                return value
    elif data.isascii() and b"_" not in data:
        try:
            if _HEX_FLOAT_TEXT.fullmatch(data):
                return float.fromhex(data.decode())
            return float(data)
        except ValueError:
            pass
    raise _invalid(f"StringToNumberOp could not correctly convert string: {_text(data)}")


def _string_to_number_kernel(xp, string_tensor, out_type=dtypes.float32):
    np_type = out_type.as_numpy_dtype
    kind = np.dtype(np_type).kind
    info = np.iinfo(np_type) if kind in "iu" else None
    array = _host(xp, string_tensor)
    values = [_parse_number(s, kind, info) for s in array.ravel().tolist()]
    if kind in "iu":
        return np.array(values, dtype=np_type).reshape(array.shape)
    with np.errstate(over="ignore"):
        return np.array(values, dtype=np.float64).astype(np_type).reshape(array.shape)


def _string_to_number_infer(string_tensor, out_type=dtypes.float32) -> TensorSpec:
    return TensorSpec(string_tensor.shape, out_type)


STRING_TO_NUMBER = register(
    OpDef(
        name="StringToNumber",
        kernel=_string_to_number_kernel,
        infer=_string_to_number_infer,
        inputs=("string_tensor",),
        outputs=("output",),
        attrs=("out_type",),
        allowed=_STRING,
    )
)


def to_number(input, out_type=dtypes.float32, name=None) -> Tensor:
    """Parses each string as a number of `out_type`.

    >>> tf.strings.to_number(["1.5", " -2 "]).numpy()
    array([ 1.5, -2. ], dtype=float32)
    """
    out_type = dtypes.as_dtype(out_type)
    if out_type not in _TO_NUMBER_TYPES:
        raise errors.op_error(
            errors.InvalidArgumentError,
            "StringToNumber",
            f"Value for attr 'out_type' of {out_type.name} is not in the list of allowed values: "
            "float, double, int32, int64, uint32, uint64",
        )
    return apply(
        STRING_TO_NUMBER, (_strings(input, STRING_TO_NUMBER),), {"out_type": out_type}, name
    )


# ---- EncodeBase64 / DecodeBase64 --------------------------------------------------------------
_TO_WEB_SAFE = bytes.maketrans(b"+/", b"-_")
_FROM_WEB_SAFE = bytes.maketrans(b"-_", b"+/")
_BASE64_TEXT = re.compile(rb"[A-Za-z0-9_-]*={0,2}")


def _encode_base64_one(data: bytes, pad: bool) -> bytes:
    text = binascii.b2a_base64(data, newline=False).translate(_TO_WEB_SAFE)
    return text if pad else text.rstrip(b"=")


def _decode_base64_one(data: bytes) -> bytes:
    if not _BASE64_TEXT.fullmatch(data):
        raise _invalid("Invalid character found in base64.")
    body = data.rstrip(b"=")
    if len(body) % 4 == 1:
        raise _invalid("Base64 string length cannot be 1 modulo 4.")
    if len(data) != len(body) and len(data) % 4:
        raise _invalid("Invalid character found in base64.")
    return binascii.a2b_base64(body.translate(_FROM_WEB_SAFE) + b"=" * (-len(body) % 4))


ENCODE_BASE64 = register(
    OpDef(
        name="EncodeBase64",
        kernel=lambda xp, strings, pad=False: _map_bytes(
            xp, strings, lambda s: _encode_base64_one(s, pad)
        ),
        infer=rules.same_shape_as(dtypes.string),
        inputs=("input",),
        outputs=("output",),
        attrs=("pad",),
        allowed=_STRING,
    )
)
DECODE_BASE64 = register(
    OpDef(
        name="DecodeBase64",
        kernel=lambda xp, strings: _map_bytes(xp, strings, _decode_base64_one),
        infer=rules.same_shape_as(dtypes.string),
        inputs=("input",),
        outputs=("output",),
        allowed=_STRING,
    )
)


def encode_base64(input, pad=False, name=None) -> Tensor:
    """`tf.io.encode_base64`: web-safe base64 (`-` and `_`), `=` padding only if `pad`.

    >>> tf.io.encode_base64([b"\\xff\\xfe"]).numpy()
    array([b'__4'], dtype=object)
    """
    return apply(ENCODE_BASE64, (_strings(input, ENCODE_BASE64),), {"pad": bool(pad)}, name)


def decode_base64(input, name=None) -> Tensor:
    """`tf.io.decode_base64`: decodes web-safe base64, with or without `=` padding.

    >>> tf.io.decode_base64(["aGk"]).numpy()
    array([b'hi'], dtype=object)
    """
    return apply(DECODE_BASE64, (_strings(input, DECODE_BASE64),), rules.NO_ATTRS, name)


# ---- hash functions: FarmHash Fingerprint64, SipHash-2-4 and TF's legacy Hash64 ---------------
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F


def _fetch64(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 8], "little")


def _rotate(value: int, shift: int) -> int:
    return ((value >> shift) | (value << (64 - shift))) & _MASK64 if shift else value


def _shift_mix(value: int) -> int:
    return value ^ (value >> 47)


def _hash_len16(u: int, v: int, mul: int) -> int:
    a = ((u ^ v) * mul) & _MASK64
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK64
    b ^= b >> 47
    return (b * mul) & _MASK64


def _hash_len0to16(data: bytes, size: int) -> int:
    if size >= 8:
        mul = _K2 + size * 2
        a = (_fetch64(data, 0) + _K2) & _MASK64
        b = _fetch64(data, size - 8)
        c = (_rotate(b, 37) * mul + a) & _MASK64
        d = ((_rotate(a, 25) + b) * mul) & _MASK64
        return _hash_len16(c, d, mul)
    if size >= 4:
        mul = _K2 + size * 2
        a = int.from_bytes(data[:4], "little")
        return _hash_len16(size + (a << 3), int.from_bytes(data[size - 4 : size], "little"), mul)
    if size > 0:
        y = data[0] + (data[size >> 1] << 8)
        z = size + (data[size - 1] << 2)
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK64) * _K2) & _MASK64
    return _K2


def _hash_len17to32(data: bytes, size: int) -> int:
    mul = _K2 + size * 2
    a = (_fetch64(data, 0) * _K1) & _MASK64
    b = _fetch64(data, 8)
    c = (_fetch64(data, size - 8) * mul) & _MASK64
    d = (_fetch64(data, size - 16) * _K2) & _MASK64
    return _hash_len16(
        (_rotate((a + b) & _MASK64, 43) + _rotate(c, 30) + d) & _MASK64,
        (a + _rotate((b + _K2) & _MASK64, 18) + c) & _MASK64,
        mul,
    )


def _hash_len33to64(data: bytes, size: int) -> int:
    mul = _K2 + size * 2
    a = (_fetch64(data, 0) * _K2) & _MASK64
    b = _fetch64(data, 8)
    c = (_fetch64(data, size - 8) * mul) & _MASK64
    d = (_fetch64(data, size - 16) * _K2) & _MASK64
    y = (_rotate((a + b) & _MASK64, 43) + _rotate(c, 30) + d) & _MASK64
    z = _hash_len16(y, (a + _rotate((b + _K2) & _MASK64, 18) + c) & _MASK64, mul)
    e = (_fetch64(data, 16) * mul) & _MASK64
    f = _fetch64(data, 24)
    g = ((y + _fetch64(data, size - 32)) * mul) & _MASK64
    h = ((z + _fetch64(data, size - 24)) * mul) & _MASK64
    return _hash_len16(
        (_rotate((e + f) & _MASK64, 43) + _rotate(g, 30) + h) & _MASK64,
        (e + _rotate((f + a) & _MASK64, 18) + g) & _MASK64,
        mul,
    )


def _weak_hash_len32(data: bytes, at: int, a: int, b: int) -> tuple[int, int]:
    w, x, y, z = (_fetch64(data, at + 8 * i) for i in range(4))
    a = (a + w) & _MASK64
    b = _rotate((b + a + z) & _MASK64, 21)
    c = a
    a = (a + x + y) & _MASK64
    b = (b + _rotate(a, 44)) & _MASK64
    return (a + z) & _MASK64, (b + c) & _MASK64


def fingerprint64(data: bytes) -> int:
    """FarmHash's Fingerprint64 (farmhashna::Hash64) of `data`, as an unsigned 64-bit int."""
    size = len(data)
    if size <= 16:
        return _hash_len0to16(data, size)
    if size <= 32:
        return _hash_len17to32(data, size)
    if size <= 64:
        return _hash_len33to64(data, size)
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _MASK64
    z = (_shift_mix((y * _K2 + 113) & _MASK64) * _K2) & _MASK64
    v0 = v1 = w0 = w1 = 0
    x = (x * _K2 + _fetch64(data, 0)) & _MASK64
    end = ((size - 1) // 64) * 64
    last64 = end + ((size - 1) & 63) - 63
    at = 0
    while True:
        x = (_rotate((x + y + v0 + _fetch64(data, at + 8)) & _MASK64, 37) * _K1) & _MASK64
        y = (_rotate((y + v1 + _fetch64(data, at + 48)) & _MASK64, 42) * _K1) & _MASK64
        x ^= w1
        y = (y + v0 + _fetch64(data, at + 40)) & _MASK64
        z = (_rotate((z + w0) & _MASK64, 33) * _K1) & _MASK64
        v0, v1 = _weak_hash_len32(data, at, (v1 * _K1) & _MASK64, (x + w0) & _MASK64)
        w0, w1 = _weak_hash_len32(
            data, at + 32, (z + w1) & _MASK64, (y + _fetch64(data, at + 16)) & _MASK64
        )
        z, x = x, z
        at += 64
        if at == end:
            break
    mul = _K1 + ((z & 0xFF) << 1)
    at = last64
    w0 = (w0 + ((size - 1) & 63)) & _MASK64
    v0 = (v0 + w0) & _MASK64
    w0 = (w0 + v0) & _MASK64
    x = (_rotate((x + y + v0 + _fetch64(data, at + 8)) & _MASK64, 37) * mul) & _MASK64
    y = (_rotate((y + v1 + _fetch64(data, at + 48)) & _MASK64, 42) * mul) & _MASK64
    x ^= (w1 * 9) & _MASK64
    y = (y + v0 * 9 + _fetch64(data, at + 40)) & _MASK64
    z = (_rotate((z + w0) & _MASK64, 33) * mul) & _MASK64
    v0, v1 = _weak_hash_len32(data, at, (v1 * mul) & _MASK64, (x + w0) & _MASK64)
    w0, w1 = _weak_hash_len32(
        data, at + 32, (z + w1) & _MASK64, (y + _fetch64(data, at + 16)) & _MASK64
    )
    z, x = x, z
    return _hash_len16(
        (_hash_len16(v0, w0, mul) + _shift_mix(y) * _K0 + z) & _MASK64,
        (_hash_len16(v1, w1, mul) + x) & _MASK64,
        mul,
    )


def _sip_round(v0: int, v1: int, v2: int, v3: int) -> tuple[int, int, int, int]:
    v0 = (v0 + v1) & _MASK64
    v1 = _rotate(v1, 64 - 13) ^ v0
    v0 = _rotate(v0, 64 - 32)
    v2 = (v2 + v3) & _MASK64
    v3 = _rotate(v3, 64 - 16) ^ v2
    v0 = (v0 + v3) & _MASK64
    v3 = _rotate(v3, 64 - 21) ^ v0
    v2 = (v2 + v1) & _MASK64
    v1 = _rotate(v1, 64 - 17) ^ v2
    v2 = _rotate(v2, 64 - 32)
    return v0, v1, v2, v3


def siphash24(key0: int, key1: int, data: bytes) -> int:
    """SipHash-2-4 of `data` under the 128-bit key (`key0`, `key1`), as an unsigned int."""
    v0 = key0 ^ 0x736F6D6570736575
    v1 = key1 ^ 0x646F72616E646F6D
    v2 = key0 ^ 0x6C7967656E657261
    v3 = key1 ^ 0x7465646279746573
    size = len(data)
    blocks = size - size % 8
    words = [_fetch64(data, at) for at in range(0, blocks, 8)]
    words.append((size & 0xFF) << 56 | int.from_bytes(data[blocks:], "little"))
    for word in words:
        v3 ^= word
        v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
        v0 ^= word
    v2 ^= 0xFF
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


_MURMUR_MUL = 0xC6A4A7935BD1E995


def legacy_hash64(data: bytes, seed: int = 0xDECAFCAFFE) -> int:
    """TF's own `Hash64` (a MurmurHash64A variant), behind the legacy StringToHashBucket."""
    size = len(data)
    h = (seed ^ (size * _MURMUR_MUL)) & _MASK64
    blocks = size - size % 8
    for at in range(0, blocks, 8):
        k = (_fetch64(data, at) * _MURMUR_MUL) & _MASK64
        k ^= k >> 47
        h ^= (k * _MURMUR_MUL) & _MASK64
        h = (h * _MURMUR_MUL) & _MASK64
    if size > blocks:
        h ^= int.from_bytes(data[blocks:], "little")
        h = (h * _MURMUR_MUL) & _MASK64
    h ^= h >> 47
    h = (h * _MURMUR_MUL) & _MASK64
    return h ^ (h >> 47)


def _bucket_kernel(hash_function):
    def kernel(xp, input, num_buckets, **attrs):
        array = _host(xp, input)
        buckets = [hash_function(s, **attrs) % num_buckets for s in array.ravel().tolist()]
        return np.array(buckets, dtype=np.int64).reshape(array.shape)

    return kernel


def _strong_hash(data: bytes, key) -> int:
    return siphash24(int(key[0]) & _MASK64, int(key[1]) & _MASK64, data)


def _strong_kernel(xp, input, num_buckets, key):
    if len(key) != 2:
        raise _invalid("Key must have 2 elements")
    return _bucket_kernel(_strong_hash)(xp, input, num_buckets, key=key)


STRING_TO_HASH_BUCKET_FAST = register(
    OpDef(
        name="StringToHashBucketFast",
        kernel=_bucket_kernel(fingerprint64),
        infer=rules.same_shape_as(dtypes.int64),
        inputs=("input",),
        outputs=("output",),
        attrs=("num_buckets",),
        allowed=_STRING,
    )
)
STRING_TO_HASH_BUCKET_STRONG = register(
    OpDef(
        name="StringToHashBucketStrong",
        kernel=_strong_kernel,
        infer=rules.same_shape_as(dtypes.int64),
        inputs=("input",),
        outputs=("output",),
        attrs=("num_buckets", "key"),
        allowed=_STRING,
    )
)
STRING_TO_HASH_BUCKET = register(
    OpDef(
        name="StringToHashBucket",
        kernel=_bucket_kernel(legacy_hash64),
        infer=rules.same_shape_as(dtypes.int64),
        inputs=("string_tensor",),
        outputs=("output",),
        attrs=("num_buckets",),
        allowed=_STRING,
    )
)


def _num_buckets(op: OpDef, num_buckets) -> int:
    num_buckets = int(num_buckets)
    if num_buckets < 1:
        raise errors.op_error(
            errors.InvalidArgumentError,
            op.name,
            f"Value for attr 'num_buckets' of {num_buckets} must be at least minimum 1",
        )
    return num_buckets


def to_hash_bucket_fast(input, num_buckets, name=None) -> Tensor:
    """Hashes each string to a bucket in [0, num_buckets) with FarmHash's Fingerprint64.

    >>> tf.strings.to_hash_bucket_fast(["hello"], 1000).numpy()
    array([296])
    """
    op = STRING_TO_HASH_BUCKET_FAST
    return apply(op, (_strings(input, op),), {"num_buckets": _num_buckets(op, num_buckets)}, name)


def to_hash_bucket_strong(input, num_buckets, key, name=None) -> Tensor:
    """Hashes each string to a bucket with SipHash-2-4 under the two-integer `key`.

    >>> tf.strings.to_hash_bucket_strong(["hello"], 1000, [1, 2]).numpy()
    array([622])
    """
    op = STRING_TO_HASH_BUCKET_STRONG
    attrs = {"num_buckets": _num_buckets(op, num_buckets), "key": [int(k) for k in key]}
    return apply(op, (_strings(input, op),), attrs, name)


def to_hash_bucket(input, num_buckets, name=None) -> Tensor:
    """Hashes each string to a bucket with TF's legacy (unstable across versions) hash.

    >>> tf.strings.to_hash_bucket(["hello"], 1000).numpy()
    array([938])
    """
    op = STRING_TO_HASH_BUCKET
    return apply(op, (_strings(input, op),), {"num_buckets": _num_buckets(op, num_buckets)}, name)


# ---- Unicode: decoding and encoding with TF's error modes -------------------------------------
_OUTPUT_ENCODINGS = ("UTF-8", "UTF-16-BE", "UTF-32-BE")
_ERROR_MODES = ("strict", "replace", "ignore")
_MARK = 0xDC00  # a lone surrogate never comes out of a successful decode: it marks a bad span


def _mark_bad_span(error: UnicodeDecodeError) -> tuple[str, int]:
    return chr(_MARK + error.end - error.start), error.end


codecs.register_error("tensorflux_mark", _mark_bad_span)


def _codec(encoding: str, direction: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise _invalid(f"Could not create converter for {direction} encoding: {encoding}") from None


def _char_widths(codes: np.ndarray, codec: str) -> np.ndarray:
    if codec == "utf-8":
        return 1 + (codes >= 0x80) + (codes >= 0x800) + (codes >= 0x10000)
    if codec == "utf-16-be":
        return 2 + 2 * (codes >= 0x10000)
    if codec == "utf-32-be":
        return np.full(codes.shape, 4)
    return np.array([len(chr(c).encode(codec)) for c in codes.tolist()], dtype=np.int64)


def _decode_one(data: bytes, codec: str, errors_mode, replacement_char, replace_control):
    """The code points of `data` and the byte offset where each starts, TF's errors applied."""
    codes = np.array([ord(c) for c in data.decode(codec, "tensorflux_mark")], dtype=np.int64)
    bad = (codes >= _MARK) & (codes <= _MARK + 0xFF)
    widths = np.where(bad, codes - _MARK, _char_widths(np.where(bad, 0, codes), codec))
    starts = np.cumsum(widths) - widths
    if replace_control:
        bad |= codes < 0x20
    if bad.any():
        if errors_mode == "strict":
            raise _invalid("Invalid formatting on input string")
        if errors_mode == "ignore":
            return codes[~bad], starts[~bad]
        codes = np.where(bad, replacement_char, codes)
    return codes, starts


def _decode_all(xp, input, input_encoding, errors, replacement_char, replace_control_characters):
    _check_choice("errors", errors, _ERROR_MODES)
    codec = _codec(input_encoding, "input")
    pieces = [
        _decode_one(s, codec, errors, replacement_char, replace_control_characters)
        for s in _host(xp, input).ravel().tolist()
    ]
    lengths = [len(codes) for codes, _ in pieces]
    row_splits = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)
    codes = np.concatenate([c for c, _ in pieces] + [np.empty(0, np.int64)]).astype(np.int32)
    starts = np.concatenate([s for _, s in pieces] + [np.empty(0, np.int64)]).astype(np.int64)
    return row_splits, codes, starts


def _encode_one(codes: np.ndarray, codec: str, errors_mode: str, replacement_char: int) -> bytes:
    bad = (codes < 0) | (codes > 0x10FFFF) | ((codes >= 0xD800) & (codes <= 0xDFFF))
    if bad.any():
        if errors_mode == "strict":
            raise _invalid("Code point is out of range for Unicode, or is a surrogate.")
        codes = codes[~bad] if errors_mode == "ignore" else np.where(bad, replacement_char, codes)
    return "".join(map(chr, codes.tolist())).encode(codec)


def _splits_dtype(splits) -> dtypes.DType:
    return dtypes.int64 if splits is None else splits


# ---- UnicodeDecode / UnicodeDecodeWithOffsets -------------------------------------------------
def _unicode_decode_kernel(
    xp, input, input_encoding, errors="replace", replacement_char=65533,
    replace_control_characters=False, Tsplits=dtypes.int64,
):  # fmt: skip
    row_splits, codes, _ = _decode_all(
        xp, input, input_encoding, errors, replacement_char, replace_control_characters
    )
    return row_splits.astype(Tsplits.as_numpy_dtype), codes


def _unicode_decode_with_offsets_kernel(
    xp, input, input_encoding, errors="replace", replacement_char=65533,
    replace_control_characters=False, Tsplits=dtypes.int64,
):  # fmt: skip
    row_splits, codes, starts = _decode_all(
        xp, input, input_encoding, errors, replacement_char, replace_control_characters
    )
    return row_splits.astype(Tsplits.as_numpy_dtype), codes, starts


def _row_splits_spec(input, Tsplits) -> TensorSpec:
    size = input.shape.num_elements() if input.shape.rank is not None else None
    return TensorSpec([None if size is None else size + 1], Tsplits)


def _unicode_decode_infer(input, Tsplits=dtypes.int64, **attrs) -> list[TensorSpec]:
    return [_row_splits_spec(input, Tsplits), TensorSpec([None], dtypes.int32)]


def _unicode_decode_with_offsets_infer(input, Tsplits=dtypes.int64, **attrs) -> list[TensorSpec]:
    return [*_unicode_decode_infer(input, Tsplits), TensorSpec([None], dtypes.int64)]


_DECODE_ATTRS = (
    "input_encoding", "errors", "replacement_char", "replace_control_characters", "Tsplits",
)  # fmt: skip
UNICODE_DECODE = register(
    OpDef(
        name="UnicodeDecode",
        kernel=_unicode_decode_kernel,
        infer=_unicode_decode_infer,
        inputs=("input",),
        outputs=("row_splits", "char_values"),
        attrs=_DECODE_ATTRS,
        allowed=_STRING,
    )
)
UNICODE_DECODE_WITH_OFFSETS = register(
    OpDef(
        name="UnicodeDecodeWithOffsets",
        kernel=_unicode_decode_with_offsets_kernel,
        infer=_unicode_decode_with_offsets_infer,
        inputs=("input",),
        outputs=("row_splits", "char_values", "char_to_byte_starts"),
        attrs=_DECODE_ATTRS,
        allowed=_STRING,
    )
)


def _decode_attrs(input_encoding, errors, replacement_char, replace_control_characters):
    return {
        "input_encoding": input_encoding,
        "errors": errors,
        "replacement_char": int(replacement_char),
        "replace_control_characters": bool(replace_control_characters),
        "Tsplits": dtypes.int64,
    }


def unicode_decode_components(
    input, input_encoding, errors="replace", replacement_char=65533,
    replace_control_characters=False, name=None,
):  # fmt: skip
    """`tf.strings.unicode_decode` of the flattened `input`: (char_values, row_splits), one row
    per string. A RaggedTensor built from them (reshaped to `input`'s outer shape) is TF's
    result.

    >>> values, splits = unicode_decode_components(["hé", ""], "UTF-8")
    >>> values.numpy(), splits.numpy()
    (array([104, 233], dtype=int32), array([0, 2, 2]))
    """
    attrs = _decode_attrs(input_encoding, errors, replacement_char, replace_control_characters)
    row_splits, char_values = apply(UNICODE_DECODE, (_strings(input, UNICODE_DECODE),), attrs, name)
    return char_values, row_splits


def unicode_decode_with_offsets_components(
    input, input_encoding, errors="replace", replacement_char=65533,
    replace_control_characters=False, name=None,
):  # fmt: skip
    """`tf.strings.unicode_decode_with_offsets` of the flattened `input`: (char_values,
    char_to_byte_starts, row_splits).

    >>> values, starts, splits = unicode_decode_with_offsets_components(["hé"], "UTF-8")
    >>> starts.numpy()
    array([0, 1])
    """
    attrs = _decode_attrs(input_encoding, errors, replacement_char, replace_control_characters)
    row_splits, char_values, starts = apply(
        UNICODE_DECODE_WITH_OFFSETS, (_strings(input, UNICODE_DECODE_WITH_OFFSETS),), attrs, name
    )
    return char_values, starts, row_splits


def unicode_split_components(
    input, input_encoding, errors="replace", replacement_char=65533, name=None
):  # fmt: skip
    """`tf.strings.unicode_split` of the flattened `input`: (characters, row_splits), each
    character as its own string in `input_encoding`.

    >>> chars, splits = unicode_split_components(["hé"], "UTF-8")
    >>> chars.numpy()
    array([b'h', b'\\xc3\\xa9'], dtype=object)
    """
    codes, row_splits = unicode_decode_components(
        input, input_encoding, errors, replacement_char, False, name
    )
    one_per_row = _range_to_size(codes)
    chars = _unicode_encode_flat(codes, one_per_row, input_encoding, errors, replacement_char)
    return chars, row_splits


def _range_to_size(tensor: Tensor) -> Tensor:
    """[0, 1, ..., size(tensor)] as int64: row splits that put each element in its own row."""
    from tensorflux._src.ops import array_ops, math_ops

    return math_ops.range_(array_ops.size(tensor, out_type=dtypes.int64) + 1, dtype=dtypes.int64)


# ---- UnicodeEncode ----------------------------------------------------------------------------
def _unicode_encode_kernel(
    xp, input_values, input_splits, errors="replace", output_encoding="UTF-8",
    replacement_char=65533, Tsplits=dtypes.int64,
):  # fmt: skip
    _check_choice("errors", errors, _ERROR_MODES)
    _check_choice("output_encoding", output_encoding, _OUTPUT_ENCODINGS)
    codec = _codec(output_encoding, "output")
    codes = _host(xp, input_values).astype(np.int64)
    splits = _host(xp, input_splits).tolist()
    out = [
        _encode_one(codes[start:end], codec, errors, replacement_char)
        for start, end in itertools.pairwise(splits)
    ]
    return np.array([*out, b""], dtype=object)[:-1]


def _unicode_encode_infer(input_values, input_splits, **attrs) -> TensorSpec:
    rows = input_splits.shape.as_list()[0] if input_splits.shape.rank == 1 else None
    return TensorSpec([None if rows is None else max(rows - 1, 0)], dtypes.string)


UNICODE_ENCODE = register(
    OpDef(
        name="UnicodeEncode",
        kernel=_unicode_encode_kernel,
        infer=_unicode_encode_infer,
        inputs=("input_values", "input_splits"),
        outputs=("output",),
        attrs=("errors", "output_encoding", "replacement_char", "Tsplits"),
        allowed=frozenset((dtypes.int32,)),
    )
)


def _unicode_encode_flat(codes, row_splits, output_encoding, errors, replacement_char, name=None):
    attrs = {
        "errors": errors,
        "output_encoding": output_encoding,
        "replacement_char": int(replacement_char),
        "Tsplits": row_splits.dtype,
    }
    return apply(UNICODE_ENCODE, (codes, row_splits), attrs, name)


@dispatchable
def unicode_encode(input, output_encoding, errors="replace", replacement_char=65533, name=None):
    """Encodes code points along the last axis of `input` as strings in `output_encoding`.

    >>> tf.strings.unicode_encode([[104, 105], [233, 33]], "UTF-8").numpy()
    array([b'hi', b'\\xc3\\xa9!'], dtype=object)
    """
    from tensorflux._src.ops import array_ops, math_ops, reduction_ops

    codes = input if isinstance(input, Tensor) else convert_to_tensor(input, dtypes.int32)
    rank = codes.shape.rank
    if rank is None or rank < 1:
        raise ValueError("input_tensor's rank must be at least 1.")
    shape = array_ops.shape(codes, out_type=dtypes.int64)
    rows = reduction_ops.reduce_prod(shape[:-1])
    row_splits = math_ops.range_(rows + 1, dtype=dtypes.int64) * shape[-1]
    flat = array_ops.reshape(codes, [-1])
    encoded = _unicode_encode_flat(flat, row_splits, output_encoding, errors, replacement_char)
    return array_ops.reshape(encoded, shape[:-1], name=name)


# ---- UnicodeTranscode -------------------------------------------------------------------------
def _unicode_transcode_kernel(
    xp, input, input_encoding, output_encoding, errors="replace", replacement_char=65533,
    replace_control_characters=False,
):  # fmt: skip
    _check_choice("errors", errors, _ERROR_MODES)
    _check_choice("output_encoding", output_encoding, _OUTPUT_ENCODINGS)
    source, target = _codec(input_encoding, "input"), _codec(output_encoding, "output")

    def transcode(data: bytes) -> bytes:
        codes, _ = _decode_one(data, source, errors, replacement_char, replace_control_characters)
        return "".join(map(chr, codes.tolist())).encode(target)

    return _map_bytes(xp, input, transcode)


UNICODE_TRANSCODE = register(
    OpDef(
        name="UnicodeTranscode",
        kernel=_unicode_transcode_kernel,
        infer=rules.same_shape_as(dtypes.string),
        inputs=("input",),
        outputs=("output",),
        attrs=(
            "input_encoding",
            "output_encoding",
            "errors",
            "replacement_char",
            "replace_control_characters",
        ),
        allowed=_STRING,
    )
)


def unicode_transcode(
    input, input_encoding, output_encoding, errors="replace", replacement_char=65533,
    replace_control_characters=False, name=None,
):  # fmt: skip
    """Re-encodes each string from `input_encoding` to `output_encoding`.

    >>> tf.strings.unicode_transcode(["hé"], "UTF-8", "UTF-16-BE").numpy()
    array([b'\\x00h\\x00\\xe9'], dtype=object)
    """
    attrs = {
        "input_encoding": input_encoding,
        "output_encoding": output_encoding,
        "errors": errors,
        "replacement_char": int(replacement_char),
        "replace_control_characters": bool(replace_control_characters),
    }
    return apply(UNICODE_TRANSCODE, (_strings(input, UNICODE_TRANSCODE),), attrs, name)


# ---- UnicodeScript ---------------------------------------------------------------------------
def _unicode_script_kernel(xp, input):
    from tensorflux._src.ops import _unicode_scripts as table

    starts, codes = xp.asarray(table.RANGE_STARTS), xp.asarray(table.SCRIPT_CODES)
    # a negative code point lands before the first run, at index -1: the table's last run, which
    # (like everything past U+10FFFF) is USCRIPT_INVALID_CODE
    return codes[xp.searchsorted(starts, input, side="right") - 1]


UNICODE_SCRIPT = register(
    OpDef(
        name="UnicodeScript",
        kernel=_unicode_script_kernel,
        infer=rules.same_shape_as(dtypes.int32),
        inputs=("input",),
        outputs=("output",),
        allowed=frozenset((dtypes.int32,)),
    )
)


@dispatchable
def unicode_script(input, name=None) -> Tensor:
    """The ICU script code (`UScriptCode`) of each int32 Unicode code point in `input`.

    Code points no script claims give 103 (`USCRIPT_UNKNOWN`); values outside 0..0x10FFFF give
    -1 (`USCRIPT_INVALID_CODE`). Scripts follow the Unicode version of TF's ICU (13.0).

    >>> tf.strings.unicode_script([ord("a"), 0x3B1, 0x416, ord("!"), -1]).numpy()
    array([25, 14,  8,  0, -1], dtype=int32)
    """
    codes = input if isinstance(input, Tensor) else convert_to_tensor(input, dtypes.int32)
    if codes.dtype is not dtypes.int32:
        raise _unicode_script_dtype_error(codes.dtype)
    return apply(UNICODE_SCRIPT, (codes,), {}, name)


def _unicode_script_dtype_error(dtype) -> Exception:
    """TF's error for a non-int32 input: a TypeError while tracing, an op error eagerly."""
    if not context.executing_eagerly():
        return TypeError(
            f"Input 'input' of 'UnicodeScript' Op has type {dtype.name} that does "
            "not match expected type of int32."
        )
    return errors.op_error(
        errors.InvalidArgumentError,
        "UnicodeScript",
        "cannot compute UnicodeScript as input #0(zero-based) was expected to be a int32 tensor "
        f"but is a {dtypes.type_string(dtype)} tensor",
    )


# ---- StringSplitV2 / StringSplit: sparse components of a split ---------------------------------
def _sparse_split(pieces: list[list[bytes]]):
    counts = np.array([len(p) for p in pieces], dtype=np.int64)
    rows = np.repeat(np.arange(len(pieces), dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    columns = np.arange(len(rows), dtype=np.int64) - np.repeat(starts, counts)
    values = np.array([v for p in pieces for v in p] + [b""], dtype=object)[:-1]
    shape = np.array([len(pieces), counts.max(initial=0)], dtype=np.int64)
    return np.stack([rows, columns], axis=1), values, shape


def _split_v2_one(data: bytes, sep: bytes, maxsplit: int) -> list[bytes]:
    if maxsplit == 0:
        return [data]
    if sep or maxsplit < 0:
        return data.split(sep or None, maxsplit)
    pieces = data.split(None, maxsplit)
    # TF keeps what is left after the last allowed split, even when that is nothing
    return [*pieces, b""] if len(pieces) == maxsplit else pieces


def _string_split_v2_kernel(xp, input, sep, maxsplit=-1):
    strings, sep = _host(xp, input), _host(xp, sep)
    if strings.ndim != 1:
        raise _invalid(f"input must be a vector, got shape: {_shape_text(strings.shape)}")
    if sep.ndim != 0:
        raise _invalid(f"sep must be a scalar, got shape: {_shape_text(sep.shape)}")
    delimiter = sep.item()
    return _sparse_split([_split_v2_one(s, delimiter, maxsplit) for s in strings.tolist()])


def _sparse_split_infer(input, sep, **attrs) -> list[TensorSpec]:
    return [
        TensorSpec([None, 2], dtypes.int64),
        TensorSpec([None], dtypes.string),
        TensorSpec([2], dtypes.int64),
    ]


STRING_SPLIT_V2 = register(
    OpDef(
        name="StringSplitV2",
        kernel=_string_split_v2_kernel,
        infer=_sparse_split_infer,
        inputs=("input", "sep"),
        outputs=("indices", "values", "shape"),
        attrs=("maxsplit",),
        allowed=_STRING,
    )
)


def _split_v1_one(data: bytes, delimiter: bytes, skip_empty: bool) -> list[bytes]:
    if not delimiter:
        return [data[i : i + 1] for i in range(len(data))]
    pieces = re.split(b"[" + re.escape(delimiter) + b"]", data) if data else []
    return [p for p in pieces if p] if skip_empty else pieces


def _string_split_kernel(xp, input, delimiter, skip_empty=True):
    strings, delimiter = _host(xp, input), _host(xp, delimiter)
    if strings.ndim != 1:
        raise _invalid(f"input must be a vector, got shape: {_shape_text(strings.shape)}")
    if delimiter.ndim != 0:
        raise _invalid(f"delimiter must be a scalar, got shape: {_shape_text(delimiter.shape)}")
    sep = delimiter.item()
    return _sparse_split([_split_v1_one(s, sep, skip_empty) for s in strings.tolist()])


STRING_SPLIT = register(
    OpDef(
        name="StringSplit",
        kernel=_string_split_kernel,
        infer=_sparse_split_infer,
        inputs=("input", "delimiter"),
        outputs=("indices", "values", "shape"),
        attrs=("skip_empty",),
        allowed=_STRING,
    )
)


def _row_splits_from_rows(indices: Tensor, shape: Tensor) -> Tensor:
    """Row splits of a split's sparse result: where each row's values start, then their count."""
    from tensorflux._src.ops import indexing_ops, math_ops

    boundaries = math_ops.range_(shape[0] + 1, dtype=dtypes.int64)
    return indexing_ops.searchsorted(indices[:, 0], boundaries, out_type=dtypes.int64)


def split_components(input, sep=None, maxsplit=-1, name=None) -> tuple[Tensor, Tensor]:
    """`tf.strings.split` of a vector: (values, row_splits), one row per string. `sep=None`
    splits on runs of whitespace; `maxsplit` caps the splits per string (-1: no cap).

    >>> values, splits = split_components(["a b", "c"])
    >>> values.numpy(), splits.numpy()
    (array([b'a', b'b', b'c'], dtype=object), array([0, 2, 3]))
    """
    sep = _strings("" if sep is None else sep, STRING_SPLIT_V2, 1)
    indices, values, shape = apply(
        STRING_SPLIT_V2, (_strings(input, STRING_SPLIT_V2), sep), {"maxsplit": int(maxsplit)}, name
    )
    return values, _row_splits_from_rows(indices, shape)


def bytes_split_components(input, name=None) -> tuple[Tensor, Tensor]:
    """`tf.strings.bytes_split` of a vector: (bytes, row_splits), each byte a string.

    >>> values, splits = bytes_split_components(["ab", ""])
    >>> values.numpy(), splits.numpy()
    (array([b'a', b'b'], dtype=object), array([0, 2, 2]))
    """
    attrs = {"skip_empty": False}
    indices, values, shape = apply(
        STRING_SPLIT, (_strings(input, STRING_SPLIT), _strings("", STRING_SPLIT)), attrs, name
    )
    return values, _row_splits_from_rows(indices, shape)


# ---- StringNGrams -----------------------------------------------------------------------------
def _check_splits(splits: np.ndarray, size: int) -> None:
    if splits.size and splits[0] != 0:
        raise _invalid(f"First split value must be 0, got {splits[0]}")
    for value in splits.tolist():
        if not 0 <= value <= size:
            raise _invalid(f"Invalid split value {value}, must be in [0, {size}]")
    if np.any(np.diff(splits) < 0):
        raise _invalid("Splits must be non-decreasing")


def _string_n_grams_kernel(
    xp, data, data_splits, separator=" ", ngram_widths=(), left_pad="", right_pad="",
    pad_width=0, preserve_short_sequences=False, Tsplits=dtypes.int64,
):  # fmt: skip
    if any(width <= 0 for width in ngram_widths):
        raise _invalid("ngram_widths must contain positive values")
    tokens, splits = _host(xp, data).tolist(), _host(xp, data_splits)
    _check_splits(splits, len(tokens))
    sep, left, right = _as_bytes(separator), _as_bytes(left_pad), _as_bytes(right_pad)
    out, counts = [], []
    for start, end in zip(splits[:-1].tolist(), splits[1:].tolist()):
        row, produced = tokens[start:end], len(out)
        for width in ngram_widths:
            pad = min(width - 1 if pad_width < 0 else pad_width, width - 1)
            padded = [left] * pad + row + [right] * pad
            out.extend(sep.join(padded[i : i + width]) for i in range(len(padded) - width + 1))
        if preserve_short_sequences and row and len(out) == produced:
            out.append(sep.join([left] * pad_width + row + [right] * pad_width))
        counts.append(len(out) - produced)
    ngrams_splits = np.concatenate([[0], np.cumsum(counts)]).astype(Tsplits.as_numpy_dtype)
    return np.array([*out, b""], dtype=object)[:-1], ngrams_splits


def _string_n_grams_infer(data, data_splits, Tsplits=dtypes.int64, **attrs) -> list[TensorSpec]:
    return [TensorSpec([None], dtypes.string), TensorSpec(data_splits.shape, Tsplits)]


STRING_N_GRAMS = register(
    OpDef(
        name="StringNGrams",
        kernel=_string_n_grams_kernel,
        infer=_string_n_grams_infer,
        inputs=("data", "data_splits"),
        outputs=("ngrams", "ngrams_splits"),
        attrs=(
            "separator",
            "ngram_widths",
            "left_pad",
            "right_pad",
            "pad_width",
            "preserve_short_sequences",
            "Tsplits",
        ),
        allowed=_STRING,
    )
)


def ngrams_components(
    values, row_splits, ngram_width, separator=" ", pad_values=None, padding_width=None,
    preserve_short_sequences=False, name=None,
):  # fmt: skip
    """`tf.strings.ngrams` of the ragged rows (`values`, `row_splits`): (ngrams, ngrams_splits).

    >>> grams, splits = ngrams_components(["a", "b", "c"], [0, 3], 2)
    >>> grams.numpy(), splits.numpy()
    (array([b'a b', b'b c'], dtype=object), array([0, 2]))
    """
    widths = [int(ngram_width)] if np.ndim(ngram_width) == 0 else [int(w) for w in ngram_width]
    if any(width < 1 for width in widths):
        raise ValueError(f"All ngram_widths must be greater than 0. Got {widths}")
    if pad_values is None:
        if padding_width is not None:
            raise ValueError("padding_width must be None if pad_values is None")
        left, right, pad_width = "", "", 0
    else:
        left, right = (
            (pad_values, pad_values) if isinstance(pad_values, (str, bytes)) else pad_values
        )
        pad_width = -1 if padding_width is None else int(padding_width)
        if padding_width is not None and pad_width < 1:
            raise ValueError("padding_width must be greater than 0.")
    splits = (
        row_splits
        if isinstance(row_splits, Tensor)
        else convert_to_tensor(row_splits, dtypes.int64)
    )
    attrs = {
        "separator": separator,
        "ngram_widths": widths,
        "left_pad": left,
        "right_pad": right,
        "pad_width": pad_width,
        "preserve_short_sequences": bool(preserve_short_sequences),
        "Tsplits": splits.dtype,
    }
    return apply(STRING_N_GRAMS, (_strings(values, STRING_N_GRAMS), splits), attrs, name)


# ---- the string ops whose results are ragged -------------------------------------------------
def _ragged_rows(input, flat_components, *, scalar_dense: bool = True):
    """Applies `flat_components(vector) -> (values, row_splits)` to each string of `input` and
    returns TF's result: the dense values for a scalar, a RaggedTensor with one more ragged
    dimension than `input` otherwise (a RaggedTensor input keeps its own partitions)."""
    from tensorflux._src.ops import array_ops
    from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor

    if isinstance(input, RaggedTensor):
        return input.with_flat_values(_ragged_rows(input.flat_values, flat_components))
    strings = input if isinstance(input, Tensor) else convert_to_tensor(input, dtypes.string)
    rank = strings.shape.rank
    if rank is None:
        raise ValueError("input must have a statically known rank")
    if rank == 0:
        values, _ = flat_components(array_ops.reshape(strings, [1]))
        return values if scalar_dense else RaggedTensor.from_row_splits(values, _, validate=False)
    if rank == 1:
        values, row_splits = flat_components(strings)
        return RaggedTensor.from_row_splits(values, row_splits, validate=False)
    outer = RaggedTensor.from_tensor(strings, ragged_rank=rank - 1)
    return outer.with_flat_values(_ragged_rows(outer.flat_values, flat_components))


def split(input, sep=None, maxsplit=-1, name=None):
    """Splits each string on `sep` (runs of whitespace when None) into a RaggedTensor.

    >>> tf.strings.split(["a b", "c"]).to_list()
    [[b'a', b'b'], [b'c']]
    """
    return _ragged_rows(input, lambda flat: split_components(flat, sep, maxsplit))


def bytes_split(input, name=None):
    """Splits each string into its bytes (a RaggedTensor of one-byte strings).

    >>> tf.strings.bytes_split(["ab", "c"]).to_list()
    [[b'a', b'b'], [b'c']]
    """
    return _ragged_rows(input, bytes_split_components)


def unicode_decode(
    input, input_encoding, errors="replace", replacement_char=65533,
    replace_control_characters=False, name=None,
):  # fmt: skip
    """Decodes each string into its code points (a RaggedTensor of int32).

    >>> tf.strings.unicode_decode(["hé"], "UTF-8").to_list()
    [[104, 233]]
    """
    return _ragged_rows(
        input,
        lambda flat: unicode_decode_components(
            flat, input_encoding, errors, replacement_char, replace_control_characters
        ),
    )


def unicode_decode_with_offsets(
    input, input_encoding, errors="replace", replacement_char=65533,
    replace_control_characters=False, name=None,
):  # fmt: skip
    """`unicode_decode`, and each character's starting byte offset (two RaggedTensors with
    the same rows).

    >>> codes, starts = tf.strings.unicode_decode_with_offsets(["hé"], "UTF-8")
    >>> starts.to_list()
    [[0, 1]]
    """
    parts = {}

    def components(flat):
        values, starts, row_splits = unicode_decode_with_offsets_components(
            flat, input_encoding, errors, replacement_char, replace_control_characters
        )
        parts["starts"] = starts
        return values, row_splits

    codes = _ragged_rows(input, components)
    starts = parts["starts"]
    offsets = codes.with_flat_values(starts) if hasattr(codes, "with_flat_values") else starts
    return codes, offsets


def unicode_split(input, input_encoding, errors="replace", replacement_char=65533, name=None):
    """Splits each string into its characters, each a string in `input_encoding`.

    >>> tf.strings.unicode_split(["hé"], "UTF-8").to_list()
    [[b'h', b'\\xc3\\xa9']]
    """
    return _ragged_rows(
        input, lambda flat: unicode_split_components(flat, input_encoding, errors, replacement_char)
    )


def unicode_split_with_offsets(
    input, input_encoding, errors="replace", replacement_char=65533, name=None
):  # fmt: skip
    """`unicode_split`, and each character's starting byte offset.

    >>> chars, starts = tf.strings.unicode_split_with_offsets(["hé"], "UTF-8")
    >>> starts.to_list()
    [[0, 1]]
    """
    _, starts = unicode_decode_with_offsets(input, input_encoding, errors, replacement_char)
    return unicode_split(input, input_encoding, errors, replacement_char), starts


def ngrams(
    data, ngram_width, separator=" ", pad_values=None, padding_width=None,
    preserve_short_sequences=False, name=None,
):  # fmt: skip
    """The n-grams of each row of `data` (a RaggedTensor, or a dense tensor whose last axis
    is the sequence), joined with `separator`.

    >>> tf.strings.ngrams(tf.ragged.constant([["a", "b", "c"], ["d"]]), 2).to_list()
    [[b'a b', b'b c'], []]
    """
    from tensorflux._src.ops import array_ops
    from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor

    def grams_of(values, row_splits):
        return ngrams_components(
            values, row_splits, ngram_width, separator, pad_values, padding_width,
            preserve_short_sequences,
        )  # fmt: skip

    if isinstance(data, RaggedTensor):
        if data.ragged_rank > 1:
            return data.with_values(ngrams(data.values, ngram_width, separator, pad_values,
                                           padding_width, preserve_short_sequences))  # fmt: skip
        grams, splits = grams_of(data.values, data.row_splits)
        return RaggedTensor.from_row_splits(grams, splits, validate=False)
    strings = data if isinstance(data, Tensor) else convert_to_tensor(data, dtypes.string)
    if strings.shape.rank == 1:  # one sequence: a dense result
        length = array_ops.shape(strings, out_type=dtypes.int64)
        splits = array_ops.concat([array_ops.zeros([1], dtypes.int64), length], 0)
        return grams_of(strings, splits)[0]
    rows = RaggedTensor.from_tensor(strings, ragged_rank=strings.shape.rank - 1)
    return ngrams(rows, ngram_width, separator, pad_values, padding_width,
                  preserve_short_sequences).to_tensor()  # fmt: skip
