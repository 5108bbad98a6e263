"""tf.keras.datasets loaders and get_file, against a local HTTP server serving tiny fixtures."""

import gzip
import hashlib
import http.server
import io
import json
import os
import pickle
import tarfile
import threading
import zipfile

import numpy as np
import pytest

import tensorflux.keras.datasets as datasets
from tensorflux._src.keras import backend
from tensorflux._src.keras.datasets import origin as origin_lib
from tensorflux._src.keras.utils.data_utils import get_file, validate_file


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """Serves `tmp_path / "www"`; yields `(folder, base_url, request_log)`."""
    root = tmp_path / "www"
    root.mkdir()
    requests = []

    class Handler(_QuietHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def mirror(server, tmp_path, monkeypatch):
    """The loaders read from the local server and cache under tmp_path/keras_home."""
    root, base, requests = server
    monkeypatch.setenv(origin_lib.ORIGIN_ENV_VAR, base)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return root, requests, tmp_path / "keras_home" / "datasets"


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


# ---- get_file ------------------------------------------------------------------------------------
def test_get_file_downloads_once_into_cache_subdir(server, tmp_path, capsys):
    root, base, requests = server
    (root / "data.bin").write_bytes(b"payload")
    cache = tmp_path / "cache"
    path = get_file("data.bin", origin=f"{base}/data.bin", cache_dir=str(cache))
    assert path == str(cache / "datasets" / "data.bin")
    assert _read(path) == b"payload"
    assert f"Downloading data from {base}/data.bin" in capsys.readouterr().out
    again = get_file("data.bin", origin=f"{base}/data.bin", cache_dir=str(cache))
    assert again == path and requests == ["/data.bin"]
    # No temporary files are left next to the cached one.
    assert os.listdir(cache / "datasets") == ["data.bin"]


def test_get_file_name_from_origin_and_keras_home(server, tmp_path, monkeypatch):
    root, base, _ = server
    (root / "named.txt").write_bytes(b"x")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    path = get_file(origin=f"{base}/named.txt", cache_subdir="sub")
    assert path == str(tmp_path / "home" / "sub" / "named.txt")


def test_get_file_hash_checks(server, tmp_path, capsys):
    root, base, requests = server
    data = b"some bytes"
    (root / "f.txt").write_bytes(data)
    cache = str(tmp_path / "cache")
    sha = _sha256(data)
    md5 = hashlib.md5(data).hexdigest()
    path = get_file("f.txt", origin=f"{base}/f.txt", file_hash=sha, cache_dir=cache)
    assert validate_file(path, sha) and validate_file(path, md5)
    assert validate_file(path, md5, algorithm="md5") and not validate_file(path, "0" * 64)
    get_file("f.txt", origin=f"{base}/f.txt", md5_hash=md5, cache_dir=cache)
    assert len(requests) == 1  # cached file matched

    # A stale cached file is downloaded again.
    with open(path, "wb") as f:
        f.write(b"stale")
    capsys.readouterr()
    get_file("f.txt", origin=f"{base}/f.txt", file_hash=sha, cache_dir=cache)
    out = capsys.readouterr().out
    assert (
        "A local file was found, but it seems to be incomplete or outdated because the auto "
        f"file hash does not match the original value of {sha} so we will re-download the data."
    ) in out
    assert _read(path) == data and len(requests) == 2

    # A download that does not match raises and leaves nothing behind.
    with pytest.raises(ValueError) as e:
        get_file("g.txt", origin=f"{base}/f.txt", file_hash="0" * 64, cache_dir=cache)
    assert str(e.value) == (
        "Incomplete or corrupted file detected. The auto file hash does not match the "
        f"provided value of {'0' * 64}."
    )
    with pytest.raises(ValueError, match="The sha256 file hash"):
        get_file(
            "g.txt", origin=f"{base}/f.txt", file_hash="1" * 32, hash_algorithm="sha256",
            cache_dir=cache,
        )  # fmt: skip
    assert sorted(os.listdir(os.path.join(cache, "datasets"))) == ["f.txt"]


def test_get_file_errors(server, tmp_path):
    _, base, _ = server
    with pytest.raises(ValueError, match='Please specify the "origin" argument'):
        get_file("x")
    with pytest.raises(Exception, match=f"URL fetch failure on {base}/missing: 404 -- "):
        get_file("missing", origin=f"{base}/missing", cache_dir=str(tmp_path))
    assert not os.path.exists(tmp_path / "datasets" / "missing")
    with pytest.raises(ValueError, match="Can't parse the file name from the origin"):
        get_file(origin=f"{base}/", cache_dir=str(tmp_path))


def _tar_gz(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_get_file_untar_and_extract(server, tmp_path):
    root, base, requests = server
    (root / "pack.tar.gz").write_bytes(_tar_gz({"pack/a.txt": b"A", "pack/sub/b.txt": b"B"}))
    cache = str(tmp_path / "c")
    folder = get_file("pack", origin=f"{base}/pack.tar.gz", untar=True, cache_dir=cache)
    assert folder == os.path.join(cache, "datasets", "pack")
    assert _read(os.path.join(folder, "sub", "b.txt")) == b"B"
    assert os.path.exists(folder + ".tar.gz")
    get_file("pack.tar.gz", origin=f"{base}/pack.tar.gz", untar=True, cache_dir=cache)
    assert len(requests) == 1

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("z/inner.txt", "zipped")
    (root / "z.zip").write_bytes(buffer.getvalue())
    path = get_file(origin=f"{base}/z.zip", extract=True, cache_dir=cache)
    assert path.endswith("z.zip")
    assert _read(os.path.join(cache, "datasets", "z", "inner.txt")) == b"zipped"

    # archive_format=None extracts nothing; a tar with an escaping member skips that member.
    (root / "evil.tar.gz").write_bytes(_tar_gz({"../escape.txt": b"x", "ok/fine.txt": b"y"}))
    get_file(origin=f"{base}/evil.tar.gz", extract=True, archive_format=None, cache_dir=cache)
    assert not os.path.exists(os.path.join(cache, "datasets", "ok"))
    get_file(origin=f"{base}/evil.tar.gz", extract=True, archive_format="tar", cache_dir=cache)
    assert os.path.exists(os.path.join(cache, "datasets", "ok", "fine.txt"))
    assert not os.path.exists(os.path.join(cache, "escape.txt"))


# ---- loaders -------------------------------------------------------------------------------------
def _save_npz(path, **arrays):
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def test_mnist(mirror, tmp_path):
    root, requests, cache = mirror
    rng = np.random.RandomState(0)
    arrays = {
        "x_train": rng.randint(0, 256, (5, 28, 28)).astype("uint8"),
        "y_train": np.arange(5, dtype="uint8"),
        "x_test": rng.randint(0, 256, (2, 28, 28)).astype("uint8"),
        "y_test": np.array([7, 8], dtype="uint8"),
    }
    _save_npz(root / "mnist.npz", **arrays)
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert x_test.dtype == np.uint8 and x_test.shape == (2, 28, 28) and y_train.shape == (5,)
    assert os.path.exists(cache / "mnist.npz") and requests == ["/mnist.npz"]
    # cache_dir is created and used instead of the Keras home.
    custom = tmp_path / "custom" / "nested"
    datasets.mnist.load_data(cache_dir=str(custom))
    assert os.path.exists(custom / "datasets" / "mnist.npz")


def test_fashion_mnist(mirror):
    root, _, cache = mirror
    images = {"train": np.arange(3 * 784) % 256, "t10k": np.arange(2 * 784)[::-1] % 256}
    labels = {"train": [1, 2, 3], "t10k": [9, 0]}
    for split in ("train", "t10k"):
        with gzip.open(root / f"{split}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(b"\0" * 8 + bytes(labels[split]))
        with gzip.open(root / f"{split}-images-idx3-ubyte.gz", "wb") as f:
            f.write(b"\0" * 16 + images[split].astype("uint8").tobytes())
    (x_train, y_train), (x_test, y_test) = datasets.fashion_mnist.load_data()
    assert x_train.shape == (3, 28, 28) and x_test.shape == (2, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    np.testing.assert_array_equal(x_test.reshape(-1), images["t10k"].astype("uint8"))
    assert y_train.tolist() == [1, 2, 3] and y_test.tolist() == [9, 0]
    assert os.path.exists(cache / "fashion-mnist" / "t10k-images-idx3-ubyte.gz")


def _cifar_batch(num, labels_key_values, seed):
    data = np.random.RandomState(seed).randint(0, 256, (num, 3072)).astype("uint8")
    batch = {b"data": data, b"batch_label": b"x"}
    for key, values in labels_key_values.items():
        batch[key.encode()] = values
    return data, pickle.dumps(batch, protocol=2)


def test_cifar10(mirror):
    root, _, cache = mirror
    files, train_data, train_labels = {}, [], []
    for i in range(1, 6):
        labels = [i, (i + 1) % 10]
        data, files[f"cifar-10-batches-py/data_batch_{i}"] = _cifar_batch(2, {"labels": labels}, i)
        train_data.append(data)
        train_labels += labels
    _, files["cifar-10-batches-py/test_batch"] = _cifar_batch(3, {"labels": [4, 5, 6]}, 9)
    (root / "cifar-10-python.tar.gz").write_bytes(_tar_gz(files))
    (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    assert y_train.shape == (10, 1) and y_test.dtype == y_train.dtype == np.uint8
    assert x_train.dtype == np.uint8
    expected = np.concatenate(train_data).reshape(10, 3, 32, 32).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(x_train, expected)
    assert y_train[:, 0].tolist() == train_labels and y_test[:, 0].tolist() == [4, 5, 6]
    assert os.path.isdir(cache / "cifar-10-batches-py")

    backend.set_image_data_format("channels_first")
    try:
        (x_train, _), _ = datasets.cifar10.load_data()
    finally:
        backend.set_image_data_format("channels_last")
    assert x_train.shape == (10, 3, 32, 32)


def test_cifar100_label_modes(mirror):
    root, _, _ = mirror
    files = {}
    _, files["cifar-100-python/train"] = _cifar_batch(
        4, {"fine_labels": [10, 20, 30, 99], "coarse_labels": [1, 2, 3, 19]}, 0
    )
    _, files["cifar-100-python/test"] = _cifar_batch(
        2, {"fine_labels": [5, 6], "coarse_labels": [0, 1]}, 1
    )
    (root / "cifar-100-python.tar.gz").write_bytes(_tar_gz(files))
    (x_train, y_train), _ = datasets.cifar100.load_data()
    assert x_train.shape == (4, 32, 32, 3) and y_train[:, 0].tolist() == [10, 20, 30, 99]
    assert y_train.dtype == np.int64
    (_, y_train), _ = datasets.cifar100.load_data(label_mode="coarse")
    assert y_train[:, 0].tolist() == [1, 2, 3, 19]
    with pytest.raises(ValueError, match='`label_mode` must be one of `"fine"`, `"coarse"`'):
        datasets.cifar100.load_data(label_mode="medium")


def _expected_rows(rows, order):
    # tf_keras's default num_words is the largest index, itself excluded (it becomes oov_char).
    shifted = [[1] + [w + 3 for w in rows[i]] for i in order]
    top = max(max(row) for row in shifted)
    return [[2 if w == top else w for w in row] for row in shifted]


def _object_array(rows):
    array = np.empty(len(rows), dtype=object)
    array[:] = rows
    return array


def test_imdb(mirror):
    root, _, _ = mirror
    x_train = _object_array([[1, 2, 3], [4, 5], [6, 7, 8, 9], [2]])
    x_test = _object_array([[9, 8], [1, 1, 1, 1, 1]])
    _save_npz(
        root / "imdb.npz",
        x_train=x_train,
        y_train=np.array([0, 1, 1, 0]),
        x_test=x_test,
        y_test=np.array([1, 0]),
    )
    (xa, ya), (xb, _) = datasets.imdb.load_data()
    rng = np.random.RandomState(113)
    train_order = np.arange(4)
    rng.shuffle(train_order)
    test_order = np.arange(2)
    rng.shuffle(test_order)
    assert xa.dtype == object and ya.dtype == np.int64
    everything = list(x_train) + list(x_test)
    expected = _expected_rows(everything, list(train_order) + [4 + i for i in test_order])
    assert [list(x) for x in xa] + [list(x) for x in xb] == expected
    assert ya.tolist() == [[0, 1, 1, 0][i] for i in train_order]

    (xa, _), _ = datasets.imdb.load_data(num_words=6, skip_top=2, maxlen=4, start_char=None)
    assert all(len(x) < 4 for x in xa)
    assert all(w == 2 or 2 <= w < 6 for x in xa for w in x)
    (xa, _), _ = datasets.imdb.load_data(num_words=6, oov_char=None, index_from=0)
    assert all(w < 6 for x in xa for w in x)
    with pytest.raises(ValueError, match=r"no sequence was kept\. Increase maxlen\."):
        datasets.imdb.load_data(maxlen=1)
    with pytest.raises(TypeError, match="Unrecognized keyword arguments"):
        datasets.imdb.load_data(bogus=1)
    (xa, _), _ = datasets.imdb.load_data(nb_words=5)
    assert max(max(x) for x in xa) < 5

    (root / "imdb_word_index.json").write_text(json.dumps({"the": 1, "movie": 2}))
    assert datasets.imdb.get_word_index() == {"the": 1, "movie": 2}


def test_reuters(mirror):
    root, _, _ = mirror
    xs = _object_array([[1, 2], [3, 4, 5], [6], [7, 8, 9, 10], [11, 12]])
    _save_npz(root / "reuters.npz", x=xs, y=np.array([3, 4, 5, 6, 7]))
    (xa, ya), (xb, yb) = datasets.reuters.load_data(test_split=0.4)
    assert len(xa) == 3 and len(xb) == 2 and ya.dtype == np.int64
    order = np.arange(5)
    np.random.RandomState(113).shuffle(order)
    assert [list(x) for x in list(xa) + list(xb)] == _expected_rows(xs, order)
    assert list(ya) + list(yb) == [[3, 4, 5, 6, 7][i] for i in order]
    (root / "reuters_word_index.json").write_text(json.dumps({"oil": 7}))
    assert datasets.reuters.get_word_index() == {"oil": 7}
    names = datasets.reuters.get_label_names()
    assert len(names) == 46 and names[3] == "earn" and names[-1] == "lead"


def test_boston_housing(mirror):
    root, _, _ = mirror
    x = np.arange(10 * 13, dtype="float64").reshape(10, 13)
    y = np.arange(10, dtype="float64") * 1.5
    _save_npz(root / "boston_housing.npz", x=x, y=y)
    (xa, ya), (xb, yb) = datasets.boston_housing.load_data(test_split=0.3, seed=5)
    order = np.arange(10)
    np.random.RandomState(5).shuffle(order)
    np.testing.assert_array_equal(np.concatenate([xa, xb]), x[order])
    np.testing.assert_array_equal(np.concatenate([ya, yb]), y[order])
    assert xa.shape == (7, 13) and yb.shape == (3,) and xa.dtype == np.float64


def test_default_origins_and_hashes(monkeypatch):
    monkeypatch.delenv(origin_lib.ORIGIN_ENV_VAR, raising=False)
    origin, file_hash = origin_lib.resolve("https://host/a/mnist.npz", "abc")
    assert (origin, file_hash) == ("https://host/a/mnist.npz", "abc")
    monkeypatch.setenv(origin_lib.ORIGIN_ENV_VAR, "http://mirror/base/")
    assert origin_lib.resolve("https://host/a/mnist.npz", "abc") == (
        "http://mirror/base/mnist.npz",
        None,
    )
