"""tf.io.gfile: TF's file API on the local file system, with TF's errors and quirks.

Paths may be str, bytes or os.PathLike, and "file://" URLs; other schemes (gs://, s3://) raise
UnimplementedError. Failures raise TF's error classes with TF's messages ("<path>; No such file
or directory"), mapped from errno as TF's C++ file system maps them.

A GFile opened with "w"/"wb" writes to a temporary name beside its target and renames it into
place at close(), so a crash never leaves a half-written file ("a" appends in place; "r+"/"w+"
write in place too, because they read back what they wrote).
"""

from __future__ import annotations

import contextlib
import errno
import operator
import os
import posixpath
import shutil
import stat as stat_module

from tensorflux._src.core import errors
from tensorflux._src.ops import file_ops

_ERRNO_CLASSES = {}
for _class, _names in (
    (errors.InvalidArgumentError, "EINVAL ENAMETOOLONG E2BIG EDESTADDRREQ EDOM EFAULT EILSEQ "
     "ENOPROTOOPT ENOSTR ENOTSOCK ENOTTY EPROTOTYPE ESPIPE"),
    (errors.DeadlineExceededError, "ETIMEDOUT ETIME"),
    (errors.NotFoundError, "ENODEV ENOENT ENXIO ESRCH"),
    (errors.AlreadyExistsError, "EEXIST EADDRNOTAVAIL EALREADY"),
    (errors.PermissionDeniedError, "EPERM EACCES EROFS"),
    (errors.FailedPreconditionError, "ENOTEMPTY EISDIR ENOTDIR EADDRINUSE EBADF EBUSY ECHILD "
     "EISCONN ENOTBLK ENOTCONN EPIPE ESHUTDOWN ETXTBSY"),
    (errors.ResourceExhaustedError, "ENOSPC EDQUOT EMFILE EMLINK ENFILE ENOBUFS ENODATA ENOMEM "
     "ENOSR EUSERS"),
    (errors.OutOfRangeError, "EFBIG EOVERFLOW ERANGE"),
    (errors.UnimplementedError, "ENOSYS ENOTSUP EAFNOSUPPORT EPFNOSUPPORT EPROTONOSUPPORT "
     "ESOCKTNOSUPPORT EXDEV"),
    (errors.UnavailableError, "EAGAIN ECONNREFUSED ECONNABORTED ECONNRESET EINTR EHOSTDOWN "
     "EHOSTUNREACH ENETDOWN ENETRESET ENETUNREACH ENOLCK ENOLINK ENONET"),
    (errors.AbortedError, "EDEADLK ESTALE"),
    (errors.CancelledError, "ECANCELED"),
):  # fmt: skip
    for _name in _names.split():
        if hasattr(errno, _name):
            _ERRNO_CLASSES[getattr(errno, _name)] = _class


def os_error(error: OSError, path: str) -> errors.OpError:
    """TF's error for a failed system call on `path`: "<path>; <strerror>", classed by errno."""
    cls = _ERRNO_CLASSES.get(error.errno, errors.UnknownError)
    reason = os.strerror(error.errno) if error.errno else str(error)
    return cls(None, None, f"{path}; {reason}")


def as_path(path) -> str:
    """A str path from str, bytes or os.PathLike, with TF's TypeError for anything else."""
    if type(path) is str:
        return path
    path = os.fspath(path) if hasattr(path, "__fspath__") else path
    if isinstance(path, str):
        return path
    if isinstance(path, (bytes, bytearray)):
        return bytes(path).decode()
    raise TypeError(f"Expected binary or unicode string, got {path!r}")


def local(path) -> str:
    """The local file-system path of `path` (see `file_ops.local_path`)."""
    return file_ops.local_path(as_path(path))


def _as_bytes(content) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode()
    if isinstance(content, bytearray):
        return bytes(content)
    raise TypeError(f"Expected binary or unicode string, got {content!r}")


class AtomicFile:
    """A new file written under a temporary name beside `path` and renamed onto it at
    close(): until then `path` keeps its old content (or stays absent).

    As when TF truncates and rewrites a file, a symlink is written through and an existing
    file keeps its permission bits. discard() drops the temporary file instead. Used by
    GFile "w", TFRecordWriter and copy.
    """

    def __init__(self, path: str, buffering: int = -1):
        self.path = os.path.realpath(path) if os.path.islink(path) else path
        try:
            existing = os.stat(self.path)
        except OSError:
            existing = None
        if existing is not None and stat_module.S_ISDIR(existing.st_mode):
            raise errors.FailedPreconditionError(None, None, f"{path}; Is a directory")
        folder, base = os.path.split(self.path)
        self._temporary = os.path.join(folder, f".{base}.{os.urandom(6).hex()}.tmp")
        try:
            # 0o666 less the umask, as the file TF would create; O_EXCL: the name is ours
            handle = os.open(self._temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as error:
            raise os_error(error, path) from None
        if existing is not None:
            os.chmod(handle, stat_module.S_IMODE(existing.st_mode))
        self.file = os.fdopen(handle, "wb", buffering=buffering)

    def close(self) -> None:
        try:
            self.file.close()
            os.replace(self._temporary, self.path)
        except OSError as error:
            self.discard()
            raise os_error(error, self.path) from None

    def discard(self) -> None:
        self.file.close()
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._temporary)


_MODES = ("r", "w", "a", "r+", "w+", "a+")


class GFile:
    """A file, as Python's `open` gives, read and written through TF's file API.

    Modes are "r", "w", "a", "r+", "w+" and "a+", each with an optional "b": without it
    reads return str (UTF-8), with it bytes; writes take str or bytes in either. The file
    opens at the first read or write, as in TF ("w" creates nothing until something is
    written). "w" writes to a temporary file that replaces `name` at close(): flush()
    pushes data into that temporary file, and the file appears under its name at close().
    As in TF, readline() drops "\\r" characters, and seek() past the end raises
    OutOfRangeError.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
    >>> with tf.io.gfile.GFile(path, "w") as f:
    ...     f.write("first\\nsecond\\n")
    >>> tf.io.gfile.GFile(path).readlines()
    ['first\\n', 'second\\n']
    """

    def __init__(self, name, mode="r"):
        self._name = name
        self._mode = mode
        self._binary = "b" in mode
        plain_mode = mode.replace("b", "")
        if plain_mode not in _MODES:
            raise errors.InvalidArgumentError(
                None, None, "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'"
            )
        self._readable = plain_mode in ("r", "r+", "a+", "w+")
        self._writable = plain_mode != "r"
        self._appends = plain_mode in ("a", "a+")
        self._atomic = plain_mode == "w"
        self._path = local(name)
        self._reader = None
        self._writer = None  # a binary file object, or an AtomicFile for "w"

    @property
    def name(self):
        """The name the file was opened with."""
        return self._name

    @property
    def mode(self) -> str:
        """The mode the file was opened with."""
        return self._mode

    # -- reading ----------------------------------------------------------------------------
    def _read_file(self):
        reader = self._reader
        if reader is None:
            if not self._readable:
                raise errors.PermissionDeniedError(None, None, "File isn't open for reading")
            try:
                reader = self._reader = open(self._path, "rb")  # noqa: SIM115 (closed by close())
            except OSError as error:
                raise os_error(error, self._path) from None
        return reader

    def _value(self, data: bytes):
        return data if self._binary else data.decode()

    def read(self, n=-1):
        """The next `n` bytes (all the rest when n is -1), decoded in text mode."""
        reader = self._read_file()
        n = operator.index(n)
        if n < -1:
            raise errors.InvalidArgumentError(
                None, None, f"Can't read a negative number of bytes: {n}"
            )
        return self._value(reader.read() if n == -1 else reader.read(n))

    def readline(self):
        """The next line with its "\\n" ("" at the end of the file); "\\r"s are dropped."""
        line = self._read_file().readline()
        if b"\r" in line:
            line = line.replace(b"\r", b"")
        return self._value(line)

    def readlines(self) -> list:
        """All remaining lines."""
        lines = []
        while line := self.readline():
            lines.append(line)
        return lines

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    next = __next__

    def seek(self, offset=None, whence=0, position=None) -> None:
        """Moves the read position to `offset` from the start (whence 0), the current
        position (1) or the end (2). `position` is TF's deprecated name for `offset`."""
        reader = self._read_file()
        if offset is None and position is None:
            raise TypeError("seek(): offset argument required")
        if offset is not None and position is not None:
            raise TypeError("seek(): offset and position may not be set simultaneously.")
        if position is not None:
            offset = position
        if whence == 1:
            offset += reader.tell()
        elif whence == 2:
            offset += self.size()
        elif whence != 0:
            raise errors.InvalidArgumentError(
                None, None, f"Invalid whence argument: {whence}. Valid values are 0, 1, or 2."
            )
        if offset < 0:
            raise errors.InvalidArgumentError(
                None, None, f"Seeking to a negative position: {offset}"
            )
        if offset > os.fstat(reader.fileno()).st_size:
            raise errors.OutOfRangeError(None, None, "reached end of file")
        reader.seek(offset)

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        """The read position, or for write-only modes the size written so far."""
        if self._readable:
            return self._read_file().tell()
        return self._write_file().tell()

    def size(self) -> int:
        """The size of the file in bytes."""
        writer = self._writer
        if isinstance(writer, AtomicFile):  # the data so far sits in the temporary file
            writer.file.flush()
            return os.fstat(writer.file.fileno()).st_size
        return stat(self._path).length

    # -- writing ----------------------------------------------------------------------------
    def _write_file(self):
        writer = self._writer
        if writer is None:
            if not self._writable:
                raise errors.PermissionDeniedError(None, None, "File isn't open for writing")
            if self._atomic:
                writer = self._writer = AtomicFile(self._path)
                return writer.file
            try:
                writer = self._writer = open(self._path, "ab" if self._appends else "wb")  # noqa: SIM115
            except OSError as error:
                raise os_error(error, self._path) from None
        return writer.file if isinstance(writer, AtomicFile) else writer

    def write(self, file_content) -> None:
        """Appends `file_content` (str or bytes) to the file."""
        data = _as_bytes(file_content)
        file = self._write_file()
        try:
            file.write(data)
        except OSError as error:
            raise os_error(error, self._path) from None

    def flush(self) -> None:
        """Hands written data to the operating system (for "w": to the temporary file)."""
        writer = self._writer
        if writer is not None:
            (writer.file if isinstance(writer, AtomicFile) else writer).flush()

    def close(self) -> None:
        """Closes the file; for "w" the written file now replaces `name`."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __del__(self):
        # TF's file objects finish their file when dropped unclosed; so do we
        if getattr(self, "_writer", None) is not None or getattr(self, "_reader", None):
            self.close()


class FileStatistics:
    """What tf.io.gfile.stat returns: `length` in bytes, `mtime_nsec` (whole seconds, in
    nanoseconds, as TF's POSIX file system reports it) and `is_directory`."""

    __slots__ = ("is_directory", "length", "mtime_nsec")

    def __init__(self, length=-1, mtime_nsec=0, is_directory=False):
        self.length = length
        self.mtime_nsec = mtime_nsec
        self.is_directory = is_directory

    def __repr__(self):
        return (
            f"FileStatistics(length={self.length}, mtime_nsec={self.mtime_nsec}, "
            f"is_directory={self.is_directory})"
        )


def exists(path) -> bool:
    """Whether `path` exists (a file or a directory).

    >>> import tempfile
    >>> tf.io.gfile.exists(tempfile.gettempdir())
    True
    """
    path = local(path)
    return bool(path) and os.access(path, os.F_OK)


def isdir(path) -> bool:
    """Whether `path` is a directory.

    >>> import tempfile
    >>> tf.io.gfile.isdir(tempfile.gettempdir())
    True
    """
    return os.path.isdir(local(path))


def glob(pattern) -> list:
    """The paths matching `pattern`, or any pattern of an iterable of them, sorted.

    `*` and `?` match within one path component, `[...]` a character set (`[!...]` or
    `[^...]` its complement) and a backslash escapes; unlike Python's glob, `*` matches
    names starting with a dot and `**` is just `*`.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> for name in ["a.txt", "b.txt", "c.csv"]:
    ...     open(os.path.join(folder, name), "w").close()
    >>> [os.path.basename(p) for p in tf.io.gfile.glob(folder + "/*.txt")]
    ['a.txt', 'b.txt']
    """
    if isinstance(pattern, (str, bytes)) or hasattr(pattern, "__fspath__"):
        return sorted(file_ops.glob(as_path(pattern)))
    found = []
    for each in pattern:
        found.extend(sorted(file_ops.glob(as_path(each))))
    return found


def listdir(path) -> list:
    """The names in directory `path` (not "." or ".."), in the directory's own order.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> open(os.path.join(folder, "a.txt"), "w").close()
    >>> tf.io.gfile.listdir(folder)
    ['a.txt']
    """
    text = as_path(path)
    if not isdir(text):
        raise errors.NotFoundError(None, None, f"Could not find directory {text}")
    try:
        return os.listdir(local(text))
    except OSError as error:
        raise os_error(error, text) from None


def mkdir(path) -> None:
    """Creates directory `path`; its parent must exist. An existing path is no error (as TF).

    >>> import tempfile, os
    >>> folder = os.path.join(tempfile.mkdtemp(), "new")
    >>> tf.io.gfile.mkdir(folder)
    >>> tf.io.gfile.isdir(folder)
    True
    """
    path = local(path)
    try:
        os.mkdir(path)
    except FileExistsError:
        pass
    except OSError as error:
        raise os_error(error, path) from None


def makedirs(path) -> None:
    """Creates directory `path` and any missing parents; an existing directory is fine.

    >>> import tempfile, os
    >>> folder = os.path.join(tempfile.mkdtemp(), "a", "b")
    >>> tf.io.gfile.makedirs(folder)
    >>> tf.io.gfile.isdir(folder)
    True
    """
    path = local(path)
    missing = []
    current = path.rstrip("/") or path
    while current and not os.path.isdir(current):
        if os.path.lexists(current):
            raise errors.FailedPreconditionError(None, None, f"{current} is not a directory")
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder)
        except FileExistsError:
            if not os.path.isdir(folder):
                raise errors.FailedPreconditionError(
                    None, None, f"{folder} is not a directory"
                ) from None
        except OSError as error:
            raise os_error(error, folder) from None


def remove(path) -> None:
    """Deletes the file `path` (NotFoundError if it is missing, FailedPreconditionError for a
    directory).

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> open(path, "w").close()
    >>> tf.io.gfile.remove(path)
    >>> tf.io.gfile.exists(path)
    False
    """
    path = local(path)
    try:
        os.remove(path)
    except OSError as error:
        raise os_error(error, path) from None


def rmtree(path) -> None:
    """Deletes `path` and everything under it (a file is simply deleted).

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> tf.io.gfile.makedirs(os.path.join(folder, "a", "b"))
    >>> tf.io.gfile.rmtree(folder)
    >>> tf.io.gfile.exists(folder)
    False
    """
    path = local(path)
    if not os.path.lexists(path):
        raise errors.NotFoundError(None, None, f"{path} not found")
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    except OSError as error:
        raise os_error(error, error.filename or path) from None


def rename(src, dst, overwrite=False) -> None:
    """Renames (moves) file or directory `src` to `dst`; an existing `dst` is an
    AlreadyExistsError unless `overwrite`.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> open(os.path.join(folder, "a.txt"), "w").close()
    >>> tf.io.gfile.rename(os.path.join(folder, "a.txt"), os.path.join(folder, "b.txt"))
    >>> tf.io.gfile.listdir(folder)
    ['b.txt']
    """
    src, dst = local(src), local(dst)
    if not overwrite and exists(dst):
        raise errors.AlreadyExistsError(None, None, "file already exists")
    try:
        os.rename(src, dst)
    except OSError as error:
        raise os_error(error, src) from None


def copy(src, dst, overwrite=False) -> None:
    """Copies file `src` to `dst`; an existing `dst` is an AlreadyExistsError unless
    `overwrite`. The copy is written under a temporary name and renamed onto `dst`.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> with open(os.path.join(folder, "a.txt"), "w") as f:
    ...     _ = f.write("hello")
    >>> tf.io.gfile.copy(os.path.join(folder, "a.txt"), os.path.join(folder, "b.txt"))
    >>> open(os.path.join(folder, "b.txt")).read()
    'hello'
    """
    src, dst = local(src), local(dst)
    if not overwrite and exists(dst):
        raise errors.AlreadyExistsError(None, None, "file already exists")
    try:
        source = open(src, "rb")  # noqa: SIM115 (closed below)
    except IsADirectoryError:
        raise errors.InvalidArgumentError(None, None, f"{dst}; Invalid argument") from None
    except OSError as error:
        raise os_error(error, src) from None
    with source:
        target = AtomicFile(dst)
        try:
            shutil.copyfileobj(source, target.file, 1 << 20)
        except BaseException:
            target.discard()
            raise
        target.close()


def stat(path) -> FileStatistics:
    """The size, modification time and kind of `path`.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write("hello")
    >>> tf.io.gfile.stat(path).length
    5
    """
    path = local(path)
    try:
        info = os.stat(path)
    except OSError as error:
        raise os_error(error, path) from None
    whole_seconds = info.st_mtime_ns // 1_000_000_000 * 1_000_000_000
    return FileStatistics(info.st_size, whole_seconds, os.path.isdir(path))


def walk(top, topdown=True, onerror=None):
    """Yields `(folder, subfolders, files)` for `top` and every folder under it, parents
    first (`topdown`) or last. A folder that can't be listed is skipped, after calling
    `onerror(error)` when given.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> tf.io.gfile.makedirs(os.path.join(folder, "sub"))
    >>> open(os.path.join(folder, "sub", "a.txt"), "w").close()
    >>> [(os.path.basename(d), s, f) for d, s, f in tf.io.gfile.walk(folder)][1:]
    [('sub', [], ['a.txt'])]
    """
    top = as_path(top)
    try:
        listing = listdir(top)
    except errors.NotFoundError as error:
        if onerror:
            onerror(error)
        return
    files, folders = [], []
    for item in listing:
        (folders if isdir(_child(top, item)) else files).append(item)
    here = (top, folders, files)
    if topdown:
        yield here
    for folder in folders:
        yield from walk(_child(top, folder), topdown, onerror)
    if not topdown:
        yield here


def _child(parent: str, item: str) -> str:
    if item.startswith(os.sep):
        return join(parent, "") + item
    return join(parent, item)


def join(path, *paths):
    """Joins path components: URLs ("gs://...") with "/", local paths as os.path.join.

    >>> tf.io.gfile.join("folder", "file.txt")
    'folder/file.txt'
    """
    text = as_path(path)
    if "://" in text[1:]:
        return posixpath.join(path, *paths)
    return os.path.join(path, *paths)


def get_registered_schemes() -> list:
    """The URL schemes paths may use: "" (plain paths) and "file"."""
    return ["", "file"]


# ---- tf.compat.v1.gfile: the TF1 names ------------------------------------------------------------
class FastGFile(GFile):
    """tf.compat.v1.gfile.FastGFile: the TF1 name of GFile (deprecated in TF)."""

    def __init__(self, name, mode="r"):
        super().__init__(name, mode)


def walk_v1(top, in_order=True):
    """tf.compat.v1.gfile.Walk: `walk` with `in_order` for `topdown`; errors are ignored."""
    return walk(top, topdown=in_order)
