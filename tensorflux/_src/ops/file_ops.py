"""Files from graphs: tf.io.read_file and tf.io.write_file (the ReadFile and WriteFile ops), so
graphs can load the bytes that decode ops parse, and tf.io.matching_files (MatchingFiles).

The glob here is TF's (`GetMatchingPaths`): fnmatch with FNM_PATHNAME on whole paths, level by
level; tf.io.gfile.glob shares it.
"""

from __future__ import annotations

import functools
import os
import re
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
        type_attr="",
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
        type_attr="",
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


# ---- paths and globs (shared with tf.io.gfile) ----------------------------------------------------
_SCHEME = re.compile(r"([a-zA-Z][0-9a-zA-Z.]*)://")
_GLOB_CHARS = re.compile(r"[*?[\\]")


def local_path(path: str) -> str:
    """`path` on the local file system: "file://" is dropped; other schemes (gs://, s3://...)
    raise UnimplementedError as in a TF build without that file system."""
    scheme = _SCHEME.match(path)
    if scheme is None:
        return path
    if scheme.group(1) == "file":
        return path[scheme.end() :]
    raise errors.UnimplementedError(
        None, None, f"File system scheme '{scheme.group(1)}' not implemented (file: '{path}')"
    )


@functools.lru_cache(maxsize=256)
def _fnmatch(pattern: str):
    """The regex of glibc's fnmatch(pattern, FNM_PATHNAME): `*`, `?` and brackets never match
    "/", leading dots are ordinary, a backslash escapes, `[!...]` and `[^...]` negate."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        char = pattern[i]
        i += 1
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and i < n:
            out.append(re.escape(pattern[i]))
            i += 1
        elif char == "[":
            end, members = _bracket(pattern, i)
            if end is None:
                out.append(re.escape(char))
            else:
                out.append(members)
                i = end
        else:
            out.append(re.escape(char))
    return re.compile("".join(out) + r"\Z", re.DOTALL).match


def _bracket(pattern: str, start: int):
    """The regex class of the bracket expression that opens before `start` and the index after
    it, or (None, None) when it never closes (then "[" is an ordinary character)."""
    i, n = start, len(pattern)
    negate = i < n and pattern[i] in "!^"
    i += negate
    members = []
    first = True
    while i < n and (pattern[i] != "]" or first):
        first = False
        char = pattern[i]
        if char == "\\" and i + 1 < n:
            i += 1
            char = pattern[i]
        if i + 2 < n and pattern[i + 1] == "-" and pattern[i + 2] != "]":
            high = pattern[i + 2]
            if high == "\\" and i + 3 < n:
                i += 1
                high = pattern[i + 2]
            if char <= high:  # glibc: a reversed range matches nothing
                members.append(f"{re.escape(char)}-{re.escape(high)}")
            i += 3
        else:
            members.append(re.escape(char))
            i += 1
    if i >= n:
        return None, None
    body = "".join(members)
    # FNM_PATHNAME: a bracket never matches "/", negated or not
    if not body:
        return i + 1, ("[^/]" if negate else "(?!)")
    return i + 1, (f"(?!/)[^{body}]" if negate else f"(?!/)[{body}]")


def _dirname(path: str) -> str:
    slash = path.rfind("/")
    if slash < 0:
        return ""
    return "/" if slash == 0 else path[:slash]


def _join(parent: str, child: str) -> str:
    return parent + child if parent.endswith("/") else f"{parent}/{child}"


def glob(pattern: str) -> list[str]:
    """The paths matching the TF glob `pattern` (unsorted; "" matches nothing). As in TF, a
    pattern without a folder yields "./name" paths, and a folder that can't be listed is
    skipped."""
    if not pattern:
        return []
    scheme = _SCHEME.match(pattern)
    prefix = ""
    if scheme is not None:
        local = local_path(pattern)
        prefix, pattern = pattern[: len(pattern) - len(local)], local
        if not pattern:
            return []
    glob_at = _GLOB_CHARS.search(pattern)
    if glob_at is None:
        return [prefix + pattern] if os.path.exists(pattern) else []
    if not _dirname(pattern[: glob_at.start()]):
        pattern = "./" + pattern
    # the prefixes of the pattern, from the root folder to the whole pattern
    levels = []
    level = _dirname(pattern) if pattern.endswith("/") else pattern
    while level:
        levels.append(level)
        parent = _dirname(level)
        if parent == level:
            break
        level = parent
    levels.reverse()
    first = next(i for i, level in enumerate(levels) if _GLOB_CHARS.search(level))
    frontier = [levels[first - 1]]
    for index in range(first, len(levels)):
        matches = _fnmatch(levels[index])
        last = index == len(levels) - 1
        found = []
        for parent in frontier:
            try:
                with os.scandir(parent) as entries:
                    for entry in entries:
                        path = _join(parent, entry.name)
                        if matches(path) and (last or entry.is_dir()):
                            found.append(path)
            except OSError:
                continue
        frontier = found
    return [prefix + path for path in frontier]


def _matching_files_kernel(xp, pattern):
    patterns = np.asarray(pattern)
    if patterns.ndim > 1:
        raise errors.InvalidArgumentError(
            None,
            None,
            "Input patterns tensor must be scalar or vector, but had shape: "
            f"[{','.join(map(str, patterns.shape))}]",
        )
    found = []
    for value in patterns.reshape(-1).tolist():
        text = value.decode() if isinstance(value, bytes) else str(value)
        found.extend(path.encode() for path in glob(text))
    found.sort()
    result = np.empty(len(found), dtype=object)
    result[:] = found
    return result


def _matching_files_infer(pattern):
    rank = pattern.shape.rank
    if rank is not None and rank > 1:
        raise ValueError(
            f"Shape must be at most rank 1 but is rank {rank} for 'MatchingFiles' with input "
            f"shapes: {pattern.shape}."
        )
    return TensorSpec([None], dtypes.string)


MATCHING_FILES = register(
    OpDef(
        name="MatchingFiles",
        type_attr="",
        kernel=_matching_files_kernel,
        infer=_matching_files_infer,
        inputs=("pattern",),
        outputs=("filenames",),
        stateful=True,  # the file system may change between runs: never fold it
    )
)


def matching_files(pattern, name=None) -> Tensor:
    """The sorted paths matching the glob `pattern` (a string or a vector of them).

    `*` and `?` match within one path component, `[...]` a character set (`[!...]` or
    `[^...]` its complement) and a backslash escapes; unlike Python's glob, `*` matches
    names that start with a dot. Matches of several patterns are merged and sorted.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> for name in ["a.txt", "b.txt", "c.csv"]:
    ...     tf.io.write_file(os.path.join(folder, name), "")
    >>> [os.path.basename(p) for p in tf.io.matching_files(folder + "/*.txt").numpy()]
    [b'a.txt', b'b.txt']
    """
    return apply(MATCHING_FILES, (convert_to_tensor(pattern, dtypes.string),), {}, name)
