"""`Dataset.cache`: the elements kept after the first complete pass, in memory or in files.

In memory (`filename=""`), an iteration that reaches the end publishes what it saw, and later
iterations (later epochs) read that; an iteration stopped early, or failing, publishes nothing,
so a partial first pass never truncates the cache.

In files, with `filename` as a prefix (tensorflux's own format, not TF's tensor bundle):

    <prefix>.cache-index      JSON {"format": "tensorflux.cache", "version": 1,
                              "num_elements": N, "dtypes": [component dtype names]}
    <prefix>.cache-data       a TFRecord file, one record per element (save_load's encoding)
    <prefix>_0.lockfile       while a pass is writing ("Created at: <unix time>")
    <prefix>_0.cache-data.tempstate<random>   the data while it is written

The first iteration to find no index takes the lock file (an exclusive `flock`, released by the
operating system if the process dies), writes the data under its temporary name, and when the
pass completes renames it into place and writes the index last. A finished cache is therefore
one with an index; a pass stopped early deletes its temporary file, and one cut short by a crash
leaves a lock nobody holds, which the next run takes over. A second iteration started while
one is writing raises AlreadyExistsError, as in TF.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time

from tensorflux._src.core import dtypes, errors
from tensorflux._src.data import readers, save_load
from tensorflux._src.data.dataset import Dataset
from tensorflux._src.io import gfile, tfrecord

try:
    import fcntl
except ImportError:  # Windows: the lock is the file's existence, as in TF
    fcntl = None

_FORMAT = "tensorflux.cache"


class CacheDataset(Dataset):
    """The elements of `input_dataset`, cached in memory (`filename=""`) or in files.

    >>> ds = tf.data.Dataset.range(3).map(lambda x: tf.random.uniform([])).cache()
    >>> list(ds.as_numpy_iterator()) == list(ds.as_numpy_iterator())
    True
    """

    def __init__(self, input_dataset, filename=""):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._element_spec = input_dataset.element_spec
        self._filename = readers._text_argument(filename)
        self._memory = None  # the elements of the first complete pass
        self._lock = threading.Lock()
        if self._filename:
            self._filename = gfile.local(self._filename)
            self._dtypes = save_load.component_dtypes(self._element_spec)

    def __repr__(self):
        return f"<CacheDataset element_spec={self._element_spec!r}>"

    def _stage_name(self) -> str:
        return "CacheDataset"

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _iterate(self, stage):
        if self._filename:
            return self._iterate_files(stage)
        return self._iterate_memory(stage)

    # -- memory -----------------------------------------------------------------------------------
    def _iterate_memory(self, stage):
        cached = self._memory
        if cached is not None:
            yield from cached
            return
        seen = []
        for components in stage.input(self._input):
            seen.append(components)
            yield components
        with self._lock:
            if self._memory is None:
                self._memory = seen

    # -- files ------------------------------------------------------------------------------------
    def _iterate_files(self, stage):
        prefix = self._filename
        if os.path.exists(prefix + ".cache-index"):
            yield from self._read_cache(prefix)
            return
        lock = _LockFile(f"{prefix}_0.lockfile")
        if os.path.exists(prefix + ".cache-index"):  # a writer finished since we looked
            lock.release()
            yield from self._read_cache(prefix)
            return
        temporary = f"{prefix}_0.cache-data.tempstate{int.from_bytes(os.urandom(8), 'little')}"
        finished = False
        try:
            _remove_stale_temporaries(prefix)
            count = 0
            with open(temporary, "wb") as file:
                write = file.write
                encode = save_load.encode_components
                frame = tfrecord.encode_record
                for components in stage.input(self._input):
                    write(frame(encode(components)))
                    count += 1
                    yield components
            os.replace(temporary, prefix + ".cache-data")
            index = {
                "format": _FORMAT,
                "version": 1,
                "num_elements": count,
                "dtypes": [d.name for d in self._dtypes],
            }
            with gfile.GFile(prefix + ".cache-index", "w") as file:
                file.write(json.dumps(index))
            finished = True
        finally:
            if not finished:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(temporary)
            lock.release()

    def _read_cache(self, prefix: str):
        index = _read_index(prefix + ".cache-index")
        stored = [dtypes.as_dtype(name) for name in index["dtypes"]]
        save_load.check_dtypes(self._dtypes, stored)
        yield from save_load.read_elements(prefix + ".cache-data", "", stored)


def _read_index(path: str):
    try:
        with open(path, encoding="utf-8") as file:
            index = json.load(file)
    except (OSError, ValueError) as error:
        raise errors.DataLossError(
            None, None, f"Could not read cache index {path}: {error}"
        ) from None
    if index.get("format") != _FORMAT:
        raise errors.DataLossError(None, None, f"{path} is not a tensorflux cache index")
    return index


def _remove_stale_temporaries(prefix: str) -> None:
    """Deletes what a writer that died left (we hold the lock, so nobody else writes)."""
    folder, base = os.path.split(prefix)
    start = f"{base}_0.cache-data.tempstate"
    for name in os.listdir(folder or "."):
        if name.startswith(start):
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(folder, name))


class _LockFile:
    """The cache's writer lock: AlreadyExistsError (TF's message) while another iterator,
    in this process or another, holds it."""

    def __init__(self, path: str):
        self._path = path
        flags = os.O_RDWR | os.O_CREAT if fcntl is not None else os.O_RDWR | os.O_CREAT | os.O_EXCL
        try:
            self._fd = os.open(path, flags, 0o666)
        except FileExistsError:
            raise self._busy(_contents(path)) from None
        except OSError as error:
            raise gfile.os_error(error, path) from None
        if fcntl is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                contents = _contents(path)
                os.close(self._fd)
                raise self._busy(contents) from None
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"Created at: {int(time.time())}".encode())

    def _busy(self, contents: str) -> errors.AlreadyExistsError:
        return errors.AlreadyExistsError(
            None,
            None,
            f"There appears to be a concurrent caching iterator running - cache lockfile "
            f"already exists ('{self._path}'). If you are sure no other running TF "
            f"computations are using this cache prefix, delete the lockfile and re-initialize "
            f"the iterator. Lockfile contents: {contents}",
        )

    def release(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._path)
        os.close(self._fd)


def _contents(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            return file.read()
    except OSError:
        return ""
