"""Data helpers: `Sequence`, `PyDataset` and `get_file` (cached downloads with hash checks).

`get_file` keeps its files under `<cache_dir>/<cache_subdir>`; `cache_dir` defaults to the Keras
home: `$KERAS_HOME` when set, else `~/.keras` (`/tmp/.keras` when that is not writable). A
download is written under a temporary name in the target folder and renamed into place once
complete and, when a hash was given, verified, so an interrupted or corrupted download never
leaves a file at the cached path.
"""

import contextlib
import hashlib
import os
import pathlib
import shutil
import tempfile
import urllib.parse

from tensorflux._src.keras.utils import io_utils
from tensorflux._src.keras.utils.progbar import Progbar

_DOWNLOAD_CHUNK_BYTES = 64 * 1024


class Sequence:
    """Base class for datasets indexed by batch, for `fit` and friends.

    Subclasses implement `__getitem__` (the batch at an index) and `__len__` (the number of
    batches), and may implement `on_epoch_end` to change the data between epochs. Each batch is
    seen exactly once per epoch, even with several workers.

    >>> class Halves(tf.keras.utils.Sequence):
    ...     def __len__(self):
    ...         return 2
    ...     def __getitem__(self, index):
    ...         return np.arange(index * 2, index * 2 + 2)
    >>> [batch.tolist() for batch in Halves()]
    [[0, 1], [2, 3]]
    """

    def __getitem__(self, index):
        """Returns the complete batch at position `index`."""
        raise NotImplementedError

    def __len__(self):
        """Returns the number of batches."""
        raise NotImplementedError

    def on_epoch_end(self):
        """Called at the end of every epoch."""

    def __iter__(self):
        """Yields the batches in order."""
        for index in range(len(self)):
            yield self[index]


class PyDataset(Sequence):
    """A `Sequence` that also says how it should be read: by how many workers, how far ahead.

    Args:
        workers: Number of threads (or processes) that fetch batches in parallel.
        use_multiprocessing: Whether the workers are processes rather than threads.
        max_queue_size: Most batches fetched ahead of the one being consumed.

    Subclasses call `super().__init__(**kwargs)` and implement `__getitem__` and `__len__`.

    >>> class Squares(tf.keras.utils.PyDataset):
    ...     def __init__(self, **kwargs):
    ...         super().__init__(**kwargs)
    ...     def __len__(self):
    ...         return 3
    ...     def __getitem__(self, index):
    ...         return np.array([index * index])
    >>> data = Squares(workers=2)
    >>> data.workers, data.num_batches, [int(b[0]) for b in data]
    (2, 3, [0, 1, 4])
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    # Subclasses that skip `super().__init__()` still read as a single-thread dataset.
    @property
    def workers(self):
        return getattr(self, "_workers", 1)

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        return getattr(self, "_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        return getattr(self, "_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    @property
    def num_batches(self):
        """The number of batches (`len(self)`), or None when the dataset cannot say."""
        try:
            return len(self)
        except NotImplementedError:
            return None

    def on_epoch_begin(self):
        """Called at the start of every epoch."""


def keras_home():
    """The Keras home folder: `$KERAS_HOME`, else `~/.keras` (`/tmp/.keras` if not writable)."""
    if "KERAS_HOME" in os.environ:
        return os.path.expanduser(os.environ["KERAS_HOME"])
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _resolve_hasher(algorithm, file_hash=None):
    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "auto" and file_hash is not None and len(file_hash) == 64:
        return hashlib.sha256()
    # Anything else (md5, or 'auto' with a 32-character hash) is the legacy md5.
    return hashlib.md5()


def _hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """Returns the hex digest of the file at `fpath` (`algorithm`: a name or a hashlib object)."""
    hasher = _resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as file:
        for chunk in iter(lambda: file.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file at `fpath` has hash `file_hash` ('auto': sha256 for 64 hex digits)."""
    hasher = _resolve_hasher(algorithm, file_hash)
    return str(_hash_file(fpath, hasher, chunk_size)) == str(file_hash)


def _is_within(base, target):
    base = os.path.realpath(os.path.abspath(base))
    target = os.path.realpath(os.path.abspath(target))
    return os.path.commonpath([base, target]) == base


def _safe_tar_members(archive, destination):
    # Members that would land outside `destination` (absolute paths, '..', links pointing out)
    # are skipped rather than extracted.
    for member in archive.getmembers():
        if not _is_within(destination, os.path.join(destination, member.name)):
            continue
        if member.issym() or member.islnk():
            link_base = (
                os.path.join(destination, os.path.dirname(member.name))
                if member.issym()
                else destination
            )
            if not _is_within(destination, os.path.join(link_base, member.linkname)):
                continue
        yield member


def _extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a tar (plain, gz, bz2, xz) or zip archive into `path`.

    Args:
        file_path: The archive.
        path: Folder to extract into.
        archive_format: 'auto' (tar, then zip), 'tar', 'zip', a list of those, or None.

    Returns:
        True when an archive of an accepted format was found and extracted, else False.
    """
    # The archive modules load only when an archive is opened (they slow `import tensorflux`).
    import tarfile
    import zipfile

    if archive_format is None:
        return False
    if archive_format == "auto":
        archive_format = ["tar", "zip"]
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    file_path = os.fspath(file_path)
    path = os.fspath(path)
    for archive_type in archive_format:
        if archive_type == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                members = list(_safe_tar_members(archive, path))
                _run_extraction(path, lambda a=archive, m=members: _extract_tar(a, path, m))
            return True
        if archive_type == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                _run_extraction(path, lambda a=archive: a.extractall(path))
            return True
    return False


def _extract_tar(archive, path, members):
    import tarfile

    if hasattr(tarfile, "data_filter"):
        archive.extractall(path, members=members, filter="data")
    else:
        archive.extractall(path, members=members)


def _run_extraction(path, extract):
    import tarfile

    try:
        extract()
    except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
        if os.path.exists(path):
            if os.path.isfile(path):
                os.remove(path)
            else:
                shutil.rmtree(path)
        raise


class _DownloadProgress:
    """Feeds byte counts to a `Progbar` whose target is the download size (None if unknown)."""

    def __init__(self, total_size):
        self._progbar = Progbar(total_size)
        self._finished = False

    def update(self, downloaded):
        target = self._progbar.target
        if target is None or downloaded < target:
            self._progbar.update(downloaded)
        elif not self._finished:
            self._progbar.update(target)
            self._finished = True

    def finish(self, downloaded):
        if not self._finished:
            self._progbar.update(downloaded, finalize=True)
            self._finished = True


def _download(origin, destination):
    """Downloads `origin` to `destination` under a temporary name; returns that name."""
    import urllib.error
    import urllib.request

    fd, partial_path = tempfile.mkstemp(
        dir=os.path.dirname(destination), prefix=os.path.basename(destination) + ".", suffix=".part"
    )
    error_msg = "URL fetch failure on {}: {} -- {}"
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(origin) as response:
                    length = response.headers.get("Content-Length")
                    progress = _DownloadProgress(int(length) if length else None)
                    downloaded = 0
                    for chunk in iter(lambda: response.read(_DOWNLOAD_CHUNK_BYTES), b""):
                        out.write(chunk)
                        downloaded += len(chunk)
                        progress.update(downloaded)
                    progress.finish(downloaded)
            except urllib.error.HTTPError as e:
                raise Exception(error_msg.format(origin, e.code, e.msg)) from e
            except urllib.error.URLError as e:
                raise Exception(error_msg.format(origin, e.errno, e.reason)) from e
    except BaseException:
        if os.path.exists(partial_path):
            os.remove(partial_path)
        raise
    return partial_path


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
):
    """Downloads a file from a URL unless it is already cached, and returns its path.

    The file lands in `<cache_dir>/<cache_subdir>/<fname>`. When a hash is given, a cached file
    that does not match it is downloaded again, and a download that does not match raises.

    Args:
        fname: Name of the cached file (taken from `origin` when None); with `untar=True`, the
            name of the extracted folder.
        origin: URL of the file.
        untar: Deprecated in favour of `extract`: whether to untar the file (a `.tar.gz`).
        md5_hash: Deprecated in favour of `file_hash`: the file's md5.
        file_hash: Expected sha256 or md5 hex digest of the file.
        cache_subdir: Folder under `cache_dir` (an absolute path is used as it is).
        hash_algorithm: 'md5', 'sha256' or 'auto' (chosen from the hash's length).
        extract: Whether to extract the file as an archive.
        archive_format: 'auto', 'tar', 'zip', a list of those, or None.
        cache_dir: Cache folder; the Keras home (`$KERAS_HOME` or `~/.keras`) when None.

    Returns:
        The path of the downloaded file (of the extracted folder with `untar=True`).

    Raises:
        ValueError: Without `origin`, or when the downloaded file does not match `file_hash`.
        Exception: When the download fails ("URL fetch failure on ...").

    >>> import pathlib, tempfile
    >>> source = pathlib.Path(tempfile.mkdtemp()) / "greeting.txt"
    >>> _ = source.write_text("hello")
    >>> path = tf.keras.utils.get_file(origin=source.as_uri(), cache_dir=source.parent / "c")
    Downloading data from file://...
    >>> pathlib.Path(path).read_text()
    'hello'
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if cache_dir is None:
        cache_dir = keras_home()
    if md5_hash is not None and file_hash is None:
        file_hash = md5_hash
        hash_algorithm = "md5"
    datadir_base = os.path.expanduser(cache_dir)
    # Unlike tf_keras, a cache folder that does not exist yet is created rather than replaced by
    # /tmp/.keras.
    with contextlib.suppress(OSError):
        os.makedirs(datadir_base, exist_ok=True)
    if not os.access(datadir_base, os.W_OK):
        datadir_base = os.path.join("/tmp", ".keras")
    datadir = os.path.join(datadir_base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)

    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"Can't parse the file name from the origin provided: '{origin}'."
                "Please specify the `fname` as the input param."
            )

    if untar:
        if fname.endswith(".tar.gz"):
            fname = str(pathlib.Path(fname).with_suffix("").with_suffix(""))
        untar_fpath = os.path.join(datadir, fname)
        fpath = untar_fpath + ".tar.gz"
    else:
        fpath = os.path.join(datadir, fname)

    download = True
    if os.path.exists(fpath):
        download = False
        if file_hash is not None and not validate_file(fpath, file_hash, algorithm=hash_algorithm):
            io_utils.print_msg(
                "A local file was found, but it seems to be incomplete or outdated because "
                f"the {hash_algorithm} file hash does not match the original value of "
                f"{file_hash} so we will re-download the data."
            )
            download = True

    if download:
        io_utils.print_msg(f"Downloading data from {origin}")
        partial_path = _download(origin, fpath)
        if file_hash is not None and not validate_file(
            partial_path, file_hash, algorithm=hash_algorithm
        ):
            os.remove(partial_path)
            raise ValueError(
                "Incomplete or corrupted file detected. "
                f"The {hash_algorithm} file hash does not match the provided value of "
                f"{file_hash}."
            )
        os.replace(partial_path, fpath)

    if untar:
        if not os.path.exists(untar_fpath):
            _extract_archive(fpath, datadir, archive_format="tar")
        return untar_fpath

    if extract:
        _extract_archive(fpath, datadir, archive_format)

    return fpath
