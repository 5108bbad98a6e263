"""Whole files as string tensors: tf.io.read_file and tf.io.write_file (the ReadFile and
WriteFile ops), so graphs can load the bytes that decode ops parse.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor


def _path(filename) -> str:
    value = np.asarray(filename).reshape(())[()]
    return value.decode() if isinstance(value, bytes) else str(value)


def _read_file_kernel(xp, filename):
    path = _path(filename)
    try:
        with open(path, "rb") as file:
            return np.array(file.read(), dtype=object)
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{path}; Is a directory") from None


READ_FILE = register(
    OpDef(
        name="ReadFile",
        kernel=_read_file_kernel,
        infer=lambda filename: TensorSpec([], dtypes.string),
        inputs=("filename",),
        outputs=("contents",),
        stateful=True,  # the file may change between runs
    )
)


def read_file(filename, name=None) -> Tensor:
    """The bytes of the file at `filename`, as a scalar string tensor.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "hello.txt")
    >>> tf.io.write_file(path, "hello")
    >>> tf.io.read_file(path).numpy()
    b'hello'
    """
    return apply(READ_FILE, (convert_to_tensor(filename, dtypes.string),), {}, name)


def _write_file_kernel(xp, filename, contents):
    path = _path(filename)
    data = np.asarray(contents).reshape(())[()]
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)  # as TF's WriteFile creates missing folders
    # A temporary name first, then a rename: a crash never leaves half a file.
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp_write_file_")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data if isinstance(data, bytes) else str(data).encode())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return ()


WRITE_FILE = register(
    OpDef(
        name="WriteFile",
        kernel=_write_file_kernel,
        infer=lambda filename, contents: [],
        inputs=("filename", "contents"),
        outputs=(),
        stateful=True,
    )
)


def write_file(filename, contents, name=None) -> None:
    """Writes the scalar string `contents` to the file at `filename` (replacing it)."""
    apply(
        WRITE_FILE,
        (convert_to_tensor(filename, dtypes.string), convert_to_tensor(contents, dtypes.string)),
        {},
        name,
    )
