"""Printing: `tf.print` (StringFormat + PrintV2) and the text TF gives a tensor's values.

Two summaries exist, both TF's: the one `tf.print` and `tf.strings.format` use (numpy-like
nesting, the first and last `summarize` entries of every dimension, strings quoted), and the
flat one of graph-mode `Assert` messages (the first `summarize` entries in all, `[1 2][3 4]`).
Numbers are written as TF's C++ runtime writes them: floats with the fewest of 6/9 (float) or
15/17 (double) significant digits that read back exactly, bools as 1/0.
"""

from __future__ import annotations

import logging
import os
import pprint
import random
import sys

import numpy as np

from tensorflux._src.core import context, dtypes, errors, log, nest
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor

_log = log.logger


# ---- element and tensor text --------------------------------------------------------------------
_ESCAPES = {
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    ord('"'): '\\"',
    ord("'"): "\\'",
    ord("\\"): "\\\\",
}


def _c_escape(value: bytes) -> str:
    """TF's UTF-8-safe C escaping: quotes, backslashes and control bytes; other text stays."""
    text = (
        value.decode("utf-8", errors="backslashreplace") if isinstance(value, bytes) else str(value)
    )
    out = []
    for char in text:
        code = ord(char)
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\{code:03o}")
        else:
            out.append(char)
    return "".join(out)


def _shortest(values: np.ndarray, short: str, long: str, np_type) -> np.ndarray:
    wide = values.astype(np.float64)
    short_text = np.char.mod(short, wide)
    with np.errstate(over="ignore", invalid="ignore"):
        exact = short_text.astype(np.float64).astype(np_type) == values.astype(np_type)
    return np.where(exact, short_text, np.char.mod(long, wide))


def format_elements(array: np.ndarray, quote_strings: bool) -> np.ndarray:
    """Each element as TF's runtime writes it, as an array of str of the same shape."""
    kind = array.dtype.kind
    if array.size == 0:
        return np.empty(array.shape, dtype=object)
    if kind == "b":
        return np.where(array, "1", "0")
    if kind in "iu":
        return array.astype(str)
    if kind in "fV":  # "V": bfloat16 and the float8 types of ml_dtypes
        if array.dtype == np.float64:
            return _shortest(array, "%.15g", "%.17g", np.float64)
        return _shortest(array.astype(np.float32), "%.6g", "%.9g", np.float32)
    if quote_strings:
        return np.vectorize(lambda item: f'"{_c_escape(item)}"', otypes=[object])(array)
    return np.vectorize(_as_text, otypes=[object])(array)


def _as_text(item) -> str:
    return item.decode("utf-8", errors="replace") if isinstance(item, bytes) else str(item)


def _limit(array: np.ndarray, summarize) -> int:
    count = array.size
    if summarize is None:
        summarize = 3
    return count if summarize < 0 else min(summarize, count)


def _scalar_text(array: np.ndarray, limit: int, quote_strings: bool) -> str:
    text = format_elements(array.reshape(1), quote_strings)[0] if limit > 0 else ""
    return text + ("..." if array.size > limit else "")


def _special_text(array: np.ndarray, limit: int) -> str | None:
    """TF's runtime summarizes two dtypes its own way: empty bools, complex values as '?'."""
    kind = array.dtype.kind
    if kind == "b" and limit == 0:
        return ""
    if kind == "c":
        return " ".join(["?"] * limit) + ("..." if array.size > limit else "")
    return None


def _spacing(dim: int, rank: int) -> str:
    if dim == rank - 1:
        return " "
    return "\n" * (rank - dim - 1) + " " * (dim + 1)


def summary_text(array: np.ndarray, summarize=3) -> str:
    """`tf.print`'s text of an array: the first and last `summarize` entries of each dim.

    >>> summary_text(np.arange(10))
    '[0 1 2 ... 7 8 9]'
    """
    limit = _limit(array, summarize)
    special = _special_text(array, limit)
    if special is not None:
        return special if array.ndim == 0 or not special else f"[{special}]"
    if array.ndim == 0:
        return _scalar_text(array, limit, True)
    shown = array
    for axis, size in enumerate(array.shape):
        if size > 2 * limit:
            kept = np.concatenate([np.arange(limit), np.arange(size - limit, size)])
            shown = np.take(shown, kept, axis=axis)
    texts = format_elements(shown, quote_strings=True)
    parts: list[str] = []
    _nested_text(texts, array.shape, limit, 0, (), parts)
    return "".join(parts)


def _nested_text(texts, shape, limit: int, dim: int, index: tuple, parts: list) -> None:
    rank = len(shape)
    if dim == rank:
        parts.append(texts[index])
        return
    parts.append("[")
    count = shape[dim]
    elided = count > 2 * limit
    front = min(limit, count) if elided else count
    for i in range(front):
        if i > 0:
            parts.append(_spacing(dim, rank))
        _nested_text(texts, shape, limit, dim + 1, (*index, i), parts)
    if elided:
        parts.append(_spacing(dim, rank))
        parts.append("...")
        for i in range(limit, 2 * limit):
            parts.append(_spacing(dim, rank))
            _nested_text(texts, shape, limit, dim + 1, (*index, i), parts)
    parts.append("]")


def flat_summary_text(array: np.ndarray, summarize=3) -> str:
    """The text graph-mode `Assert` gives a tensor: the first `summarize` entries in all.

    >>> flat_summary_text(np.arange(6).reshape(2, 3), 4)
    '[0 1 2][3...]...'
    """
    limit = _limit(array, summarize)
    special = _special_text(array, limit)
    if special is not None:
        return special
    if array.ndim == 0:
        return _scalar_text(array, limit, False)
    texts = format_elements(array.reshape(-1)[:limit], quote_strings=False)
    parts: list[str] = []
    _flat_text(texts, array.shape, limit, 0, [0], parts)
    if array.size > limit:
        parts.append("...")
    return "".join(parts)


def _flat_text(texts, shape, limit: int, dim: int, position: list, parts: list) -> None:
    if position[0] >= limit:
        return
    count = shape[dim]
    if dim == len(shape) - 1:
        for i in range(count):
            if position[0] >= limit:
                if dim != 0:
                    parts.append("...")
                return
            if i > 0:
                parts.append(" ")
            parts.append(texts[position[0]])
            position[0] += 1
        return
    for _ in range(count):
        if position[0] >= limit:
            return
        parts.append("[")
        _flat_text(texts, shape, limit, dim + 1, position, parts)
        parts.append("]")


def _host(xp, array) -> np.ndarray:
    return array if xp is np else xp.asnumpy(array)


# ---- StringFormat -------------------------------------------------------------------------------
def _string_format_kernel(xp, *arrays, template, placeholder, summarize):
    pieces = template.split(placeholder)
    if len(pieces) - 1 != len(arrays):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Num placeholders in template and num inputs must match: {len(pieces) - 1} vs. "
            f"{len(arrays)}",
        )
    out = [pieces[0]]
    for array, piece in zip(arrays, pieces[1:]):
        out.append(summary_text(_host(xp, array), summarize))
        out.append(piece)
    return np.array("".join(out).encode("utf-8"), dtype=object)


STRING_FORMAT = register(
    OpDef(
        name="StringFormat",
        kernel=_string_format_kernel,
        infer=lambda *specs, **attrs: TensorSpec([], dtypes.string),
        inputs=("inputs*",),
        outputs=("output",),
        attrs=("template", "placeholder", "summarize"),
    )
)


def string_format(template, inputs, placeholder="{}", summarize=3, name=None) -> Tensor:
    """`tf.strings.format`: a scalar string with each placeholder replaced by a tensor's text.

    >>> tf.strings.format("x = {}", tf.range(10)).numpy()
    b'x = [0 1 2 ... 7 8 9]'
    """
    if isinstance(inputs, (Tensor, str)) or not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    tensors = [convert_to_tensor(t) for t in inputs]
    if template.count(placeholder) != len(tensors):
        raise ValueError(
            f"The template expects {template.count(placeholder)} tensors, but the inputs only "
            f"has {len(tensors)}. Please ensure the number of placeholders in template matches "
            "inputs length."
        )
    attrs = {
        "template": template,
        "placeholder": placeholder,
        "summarize": 3 if summarize is None else summarize,
    }
    return apply(STRING_FORMAT, tensors, attrs, name)


# ---- PrintV2 ------------------------------------------------------------------------------------
_LOG_LEVELS = {
    "log(info)": logging.INFO,
    "log(warning)": logging.WARNING,
    "log(error)": logging.ERROR,
}


def _print_kernel(xp, text, output_stream, end):
    message = _as_text(_host(xp, text).item()) + end
    if output_stream == "stdout":
        sys.stdout.write(message)
    elif output_stream == "stderr":
        sys.stderr.write(message)
    elif output_stream.startswith("file://"):
        with open(output_stream[len("file://") :], "a", encoding="utf-8") as stream:
            stream.write(message)
    elif output_stream in _LOG_LEVELS:
        _log.log(_LOG_LEVELS[output_stream], message.rstrip("\n"))
    else:
        raise errors.InvalidArgumentError(
            None, None, f"{output_stream} is not a valid output stream for PrintV2"
        )
    return ()


PRINT_V2 = register(
    OpDef(
        name="PrintV2",
        kernel=_print_kernel,
        infer=lambda *specs, **attrs: [],
        inputs=("input",),
        outputs=(),
        attrs=("output_stream", "end"),
        stateful=True,
    )
)


def _stream_name(output_stream) -> str | None:
    if output_stream is sys.stdout:
        return "stdout"
    if output_stream is sys.stderr:
        return "stderr"
    if isinstance(output_stream, str) and output_stream.startswith("file://"):
        return output_stream
    levels = {
        logging.INFO: "log(info)", logging.WARNING: "log(warning)", logging.ERROR: "log(error)",
        logging.info: "log(info)", logging.warning: "log(warning)", logging.error: "log(error)",
        _log.info: "log(info)", _log.warning: "log(warning)", _log.error: "log(error)",
    }  # fmt: skip
    try:
        return levels.get(output_stream)
    except TypeError:  # an unhashable object is no stream we know
        return None


def _is_tensor(value) -> bool:
    return isinstance(value, Tensor) or hasattr(type(value), "__tf_tensor__")


def _placeholder(template: str) -> str:
    """The placeholder "{}", lengthened with digits until the rest of the text lacks it."""
    placeholder = "{}"
    rng = random.Random(5)
    while placeholder in template:
        placeholder += str(rng.randint(0, 9))
    return placeholder


def print_v2(*inputs, **kwargs):
    """`tf.print`: prints tensors (summarized), Python values and nested structures of both.

    Keyword arguments: `output_stream` (sys.stderr by default; sys.stdout, a logging level such
    as `logging.INFO`, or "file://<path>" to append to a file), `summarize` (entries shown at
    each end of every dimension; -1 for all), `sep` (" "), `end` (a newline), `name`.

    >>> tf.print("x:", tf.range(10), output_stream=sys.stdout)
    x: [0 1 2 ... 7 8 9]
    """
    output_stream = kwargs.pop("output_stream", sys.stderr)
    summarize = kwargs.pop("summarize", 3)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", os.linesep)
    name = kwargs.pop("name", None)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for tf.print: {kwargs}")
    stream = _stream_name(output_stream)
    if stream is None:
        raise ValueError(
            f"Unsupported output stream, logging level, or file.{output_stream}. Supported "
            "streams are sys.stdout, sys.stderr, tf.logging.info, tf.logging.warning, "
            "tf.logging.error. File needs to be in the form of 'file://<filepath>'."
        )
    if len(inputs) == 1 and _is_tensor(inputs[0]):
        only = convert_to_tensor(inputs[0])
        if only.dtype is dtypes.string and only.shape.rank == 0:
            return _print(only, stream, end, name)
    formatted = _format_inputs(inputs, sep, summarize, name)
    return _print(formatted, stream, end, name)


def _format_inputs(inputs, sep: str, summarize, name) -> Tensor:
    """One StringFormat op over the tensors in `inputs`; other values are part of its template."""
    without_tensors = [
        nest.map_structure(lambda x: "" if _is_tensor(x) else x, item) for item in inputs
    ]
    placeholder = _placeholder(" ".join(pprint.pformat(item) for item in without_tensors))
    tensors = []
    templates = []
    for item in inputs:
        if isinstance(item, str):
            templates.append(item)
            continue
        leaves = []
        for leaf in nest.flatten(item):
            if _is_tensor(leaf):
                tensors.append(convert_to_tensor(leaf))
                leaves.append(placeholder)
            else:
                leaves.append(leaf)
        templates.append(pprint.pformat(nest.pack_sequence_as(item, leaves)))
    template = sep.join(templates).replace(f"'{placeholder}'", placeholder)
    attrs = {
        "template": template,
        "placeholder": placeholder,
        "summarize": 3 if summarize is None else summarize,
    }
    return apply(STRING_FORMAT, tensors, attrs, None if name is None else f"{name}_format")


def _print(text: Tensor, stream: str, end: str, name):
    outputs = apply(PRINT_V2, (text,), {"output_stream": stream, "end": end}, name)
    return None if context.state.graph is None else outputs
