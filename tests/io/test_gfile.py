"""tf.io.gfile: TF 2.21's behaviour on the local file system (measured with real TF: results,
error classes and messages), and the temporary-name writes of mode "w"."""

import gc
import os
import pathlib

import pytest

import tensorflux as tf
from tensorflux._src.io import gfile
from tensorflux.compat.v1 import gfile as v1_gfile


@pytest.fixture
def tree(tmp_path):
    for name in ["a.txt", "b.txt", "c.py", ".hidden", "sub/x.txt", "sub/y.py", "sub/deep/z.txt"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
    return tmp_path


# ---- GFile ----------------------------------------------------------------------------------
def test_text_and_binary_reads(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("héllo\nworld\nlast".encode())
    assert gfile.GFile(path).read() == "héllo\nworld\nlast"
    assert gfile.GFile(str(path), "rb").read() == "héllo\nworld\nlast".encode()
    assert gfile.GFile(path).read(3) == "hé"  # n counts bytes, as TF
    with pytest.raises(UnicodeDecodeError):
        gfile.GFile(path).read(2)
    assert gfile.GFile(path).readline() == "héllo\n"
    assert gfile.GFile(path).readlines() == ["héllo\n", "world\n", "last"]
    assert list(gfile.GFile(path, "rb")) == [b"h\xc3\xa9llo\n", b"world\n", b"last"]
    assert gfile.GFile(str(path).encode()).read(0) == ""


def test_readline_drops_carriage_returns_as_tf(tmp_path):
    (tmp_path / "t").write_bytes(b"ab\r\ncd\rx")
    assert list(gfile.GFile(tmp_path / "t")) == ["ab\n", "cdx"]
    assert list(gfile.GFile(tmp_path / "t", "rb")) == [b"ab\n", b"cdx"]
    assert gfile.GFile(tmp_path / "t", "rb").read() == b"ab\r\ncd\rx"


def test_read_positions_and_seek(tmp_path):
    (tmp_path / "t").write_text("0123456789")
    f = gfile.GFile(tmp_path / "t")
    assert f.tell() == 0
    assert (f.read(3), f.tell()) == ("012", 3)
    assert f.read(-1) == "3456789"
    assert (f.read(), f.readline(), f.read(5)) == ("", "", "")
    f.seek(2)
    assert f.read(2) == "23"
    f.seek(-2, 1)
    assert f.read() == "23456789"
    f.seek(-3, 2)
    assert f.read() == "789"
    f.seek(position=1)
    assert f.read(1) == "1"
    f.seek(10)
    assert f.read() == ""
    assert f.seekable() and f.size() == 10
    with pytest.raises(tf.errors.OutOfRangeError, match="reached end of file"):
        f.seek(11)
    with pytest.raises(tf.errors.InvalidArgumentError, match="negative position: -5"):
        f.seek(-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid whence argument: 3"):
        f.seek(0, 3)
    with pytest.raises(TypeError, match="offset argument required"):
        f.seek()
    with pytest.raises(TypeError, match="simultaneously"):
        f.seek(1, position=1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="negative number of bytes: -2"):
        f.read(-2)
    with pytest.raises(TypeError):
        f.read(None)
    f.close()
    assert f.read() == "0123456789"  # a closed GFile reopens, as TF's


def test_write_modes(tmp_path):
    path = tmp_path / "t"
    with gfile.GFile(path, "w") as f:
        f.write("héllo\n")
        f.write(b"bytes\n")
        f.write(bytearray(b"ba"))
        assert f.tell() == 15
        with pytest.raises(TypeError, match="Expected binary or unicode string, got 5"):
            f.write(5)
        with pytest.raises(tf.errors.PermissionDeniedError, match="isn't open for reading"):
            f.read()
        with pytest.raises(tf.errors.PermissionDeniedError, match="isn't open for reading"):
            f.seek(0)
    assert path.read_bytes() == "héllo\nbytes\nba".encode()
    with gfile.GFile(path, "a") as f:
        assert f.tell() == 15
        f.write("+")
    assert path.read_bytes().endswith(b"ba+")
    with gfile.GFile(tmp_path / "new", "ab") as f:
        f.write(b"xx")
    assert (tmp_path / "new").read_bytes() == b"xx"
    with pytest.raises(tf.errors.PermissionDeniedError, match="isn't open for writing"):
        gfile.GFile(path).write("x")


def test_plus_modes_as_tf(tmp_path):
    path = tmp_path / "t"
    path.write_text("0123456789")
    with gfile.GFile(path, "r+") as f:  # TF's r+ write truncates
        assert f.read(3) == "012"
        f.write("ab")
    assert path.read_text() == "ab"
    path.write_text("0123456789")
    with gfile.GFile(path, "a+") as f:
        assert f.read(3) == "012"
        f.write("ab")
        f.flush()
        assert f.read() == "3456789ab"
    with gfile.GFile(path, "w+") as f:
        f.write("zz")
        f.flush()
        assert f.read() == "zz"


def test_w_writes_a_temporary_then_renames(tmp_path):
    path = tmp_path / "out.txt"
    f = gfile.GFile(path, "w")
    assert not path.exists()
    f.close()
    assert not path.exists()  # nothing written, nothing created (as TF)
    path.write_text("old")
    f = gfile.GFile(path, "w")
    f.write("new")
    f.flush()
    assert path.read_text() == "old"
    assert f.size() == 3
    (temporary,) = [name for name in os.listdir(tmp_path) if name != "out.txt"]
    assert (tmp_path / temporary).read_text() == "new"
    f.close()
    assert path.read_text() == "new"
    assert os.listdir(tmp_path) == ["out.txt"]
    f.write("again")  # writing after close starts the file anew, as TF
    f.close()
    assert path.read_text() == "again"


def test_w_writes_through_symlinks_and_keeps_permissions(tmp_path):
    target = tmp_path / "target"
    target.write_text("old")
    os.chmod(target, 0o600)
    (tmp_path / "link").symlink_to(target)
    with gfile.GFile(tmp_path / "link", "w") as f:
        f.write("new")
    assert (tmp_path / "link").is_symlink()
    assert target.read_text() == "new"
    assert os.stat(target).st_mode & 0o777 == 0o600


def test_unclosed_writer_finishes_when_dropped(tmp_path):
    f = gfile.GFile(tmp_path / "t", "w")
    f.write("kept")
    del f
    gc.collect()
    assert (tmp_path / "t").read_text() == "kept"


def test_gfile_errors(tmp_path):
    missing = str(tmp_path / "missing")
    f = gfile.GFile(missing)  # opens at the first read
    with pytest.raises(tf.errors.NotFoundError, match=f"{missing}; No such file or directory"):
        f.read()
    with pytest.raises(tf.errors.FailedPreconditionError, match="; Is a directory"):
        gfile.GFile(tmp_path).read()
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        gfile.GFile(tmp_path / "nodir" / "x", "w").write("a")
    with pytest.raises(tf.errors.FailedPreconditionError, match="Is a directory"):
        gfile.GFile(tmp_path, "w").write("a")
    for mode in ("x", "rw", "wr+"):
        with pytest.raises(tf.errors.InvalidArgumentError, match="mode is not 'r' or 'w'"):
            gfile.GFile(missing, mode)
    with pytest.raises(tf.errors.NotFoundError):
        gfile.GFile(missing).size()


def test_paths_of_every_kind(tmp_path):
    (tmp_path / "t").write_text("x")
    assert gfile.GFile(pathlib.Path(tmp_path / "t")).read() == "x"
    assert gfile.GFile(f"file://{tmp_path}/t").read() == "x"
    assert gfile.exists(str(tmp_path / "t").encode())
    with pytest.raises(tf.errors.UnimplementedError, match="scheme 'foo' not implemented"):
        gfile.exists("foo://bucket/x")
    with pytest.raises(TypeError, match="Expected binary or unicode string, got 5"):
        gfile.exists(5)
    f = gfile.GFile(tmp_path / "t", "rb")
    assert (f.mode, f.name) == ("rb", tmp_path / "t")


# ---- functions --------------------------------------------------------------------------------
def test_exists_isdir_listdir(tree):
    assert gfile.exists(tree / "a.txt") and gfile.exists(tree / "sub")
    assert not gfile.exists(tree / "zz") and not gfile.exists("")
    assert not gfile.exists(tree / "a.txt" / "x")
    assert gfile.isdir(tree / "sub") and not gfile.isdir(tree / "a.txt")
    assert not gfile.isdir(tree / "zz")
    assert sorted(gfile.listdir(tree)) == [".hidden", "a.txt", "b.txt", "c.py", "sub"]
    assert sorted(gfile.listdir(str(tree / "sub"))) == ["deep", "x.txt", "y.py"]
    for bad in ("zz", "a.txt"):
        with pytest.raises(tf.errors.NotFoundError, match=f"Could not find directory {tree}"):
            gfile.listdir(str(tree / bad))


def test_glob(tree, monkeypatch):
    def names(pattern):
        return [os.path.relpath(p, tree) for p in gfile.glob(f"{tree}/{pattern}")]

    assert names("*") == [".hidden", "a.txt", "b.txt", "c.py", "sub"]  # dot files too
    assert names("*.txt") == ["a.txt", "b.txt"]
    assert names("*/*") == ["sub/deep", "sub/x.txt", "sub/y.py"]
    assert names("s*/*.txt") == ["sub/x.txt"]
    assert names("?.txt") == names("[ab].txt") == ["a.txt", "b.txt"]
    assert names("[^a].txt") == names("[!a].txt") == ["b.txt"]
    assert names("[b-c].*") == ["b.txt", "c.py"]
    assert names("\\a.txt") == ["a.txt"]
    assert names("**") == names("*")  # no recursion
    assert names("a.txt") == ["a.txt"]
    assert names("zz.txt") == names("nodir/*") == names("/*.py") == []  # "//" matches nothing
    assert gfile.glob(f"{tree}/sub/") == [f"{tree}/sub/"]
    assert gfile.glob(f"{tree}/sub/../*.py") == [f"{tree}/sub/../c.py"]
    assert gfile.glob("") == []
    assert gfile.glob(f"file://{tree}/*.py") == [f"file://{tree}/c.py"]
    assert gfile.glob([f"{tree}/*.py", f"{tree}/a*"]) == [f"{tree}/c.py", f"{tree}/a.txt"]
    assert gfile.glob(pathlib.Path(tree) / "*.py") == [f"{tree}/c.py"]
    monkeypatch.chdir(tree)
    assert gfile.glob("*.txt") == ["./a.txt", "./b.txt"]  # as TF: "./" before bare names
    assert gfile.glob("sub/*.py") == ["sub/y.py"]


def test_mkdir_and_makedirs(tmp_path):
    gfile.makedirs(tmp_path / "m1" / "m2")
    gfile.makedirs(str(tmp_path / "m1" / "m2") + "/")
    assert gfile.isdir(tmp_path / "m1" / "m2")
    gfile.mkdir(tmp_path / "k")
    gfile.mkdir(tmp_path / "k")  # an existing path is no error in TF
    (tmp_path / "f").write_text("")
    gfile.mkdir(tmp_path / "f")
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        gfile.mkdir(tmp_path / "k2" / "k3")
    for path in (tmp_path / "f", tmp_path / "f" / "q"):
        with pytest.raises(tf.errors.FailedPreconditionError, match=f"{tmp_path}/f is not a"):
            gfile.makedirs(path)


def test_remove_and_rmtree(tree):
    gfile.remove(tree / "a.txt")
    assert not (tree / "a.txt").exists()
    with pytest.raises(tf.errors.NotFoundError, match=f"{tree}/zz; No such file or directory"):
        gfile.remove(tree / "zz")
    with pytest.raises(tf.errors.FailedPreconditionError, match="; Is a directory"):
        gfile.remove(tree / "sub")
    gfile.rmtree(tree / "sub")
    gfile.rmtree(tree / "b.txt")  # a file is simply deleted
    assert sorted(os.listdir(tree)) == [".hidden", "c.py"]
    with pytest.raises(tf.errors.NotFoundError, match=f"{tree}/zz not found"):
        gfile.rmtree(tree / "zz")


def test_rename(tree):
    gfile.rename(tree / "a.txt", tree / "r.txt")
    assert (tree / "r.txt").read_text() == "a.txt"
    with pytest.raises(tf.errors.AlreadyExistsError, match="file already exists"):
        gfile.rename(tree / "b.txt", tree / "r.txt")
    gfile.rename(tree / "b.txt", tree / "r.txt", overwrite=True)
    assert (tree / "r.txt").read_text() == "b.txt"
    with pytest.raises(tf.errors.NotFoundError, match=f"{tree}/zz; No such file"):
        gfile.rename(tree / "zz", tree / "q")
    with pytest.raises(tf.errors.FailedPreconditionError, match=f"{tree}/r.txt; Is a directory"):
        gfile.rename(tree / "r.txt", tree / "sub", overwrite=True)
    gfile.rename(tree / "sub", tree / "moved")
    assert gfile.isdir(tree / "moved" / "deep")


def test_copy(tree):
    gfile.copy(tree / "a.txt", tree / "a2.txt")
    assert (tree / "a2.txt").read_text() == "a.txt"
    with pytest.raises(tf.errors.AlreadyExistsError, match="file already exists"):
        gfile.copy(tree / "b.txt", tree / "a2.txt")
    gfile.copy(tree / "b.txt", tree / "a2.txt", overwrite=True)
    assert (tree / "a2.txt").read_text() == "b.txt"
    with pytest.raises(tf.errors.NotFoundError, match=f"{tree}/zz; No such file"):
        gfile.copy(tree / "zz", tree / "a3.txt")
    with pytest.raises(tf.errors.InvalidArgumentError, match=f"{tree}/s3; Invalid argument"):
        gfile.copy(tree / "sub", tree / "s3")
    with pytest.raises(tf.errors.FailedPreconditionError, match=f"{tree}/sub; Is a directory"):
        gfile.copy(tree / "a.txt", tree / "sub", overwrite=True)
    with pytest.raises(tf.errors.NotFoundError, match="nodir/x; No such file"):
        gfile.copy(tree / "a.txt", tree / "nodir" / "x")
    assert not [name for name in os.listdir(tree) if name.endswith(".tmp")]


def test_stat(tree):
    info = gfile.stat(tree / "a.txt")
    assert (info.length, info.is_directory) == (5, False)
    seconds = os.stat(tree / "a.txt").st_mtime_ns // 10**9
    assert info.mtime_nsec == seconds * 10**9  # whole seconds, as TF's POSIX file system
    assert gfile.stat(tree / "sub").is_directory
    assert "length=5" in repr(info)
    with pytest.raises(tf.errors.NotFoundError, match="zz; No such file or directory"):
        gfile.stat(tree / "zz")


def test_walk(tree):
    def normalized(walked):
        return [(os.path.relpath(d, tree), sorted(s), sorted(f)) for d, s, f in walked]

    top_down = normalized(gfile.walk(tree / "sub"))
    assert top_down == [("sub", ["deep"], ["x.txt", "y.py"]), ("sub/deep", [], ["z.txt"])]
    bottom_up = normalized(gfile.walk(str(tree / "sub"), topdown=False))
    assert bottom_up == top_down[::-1]
    assert list(gfile.walk(tree / "zz")) == list(gfile.walk(tree / "a.txt")) == []
    seen = []
    assert list(gfile.walk(tree / "zz", onerror=seen.append)) == []
    assert isinstance(seen[0], tf.errors.NotFoundError)
    assert next(iter(gfile.walk(f"{tree}/sub/")))[0] == f"{tree}/sub/"


def test_join_and_schemes():
    assert gfile.join("a", "b", "c") == "a/b/c"
    assert gfile.join("gs://a", "b") == "gs://a/b"
    assert gfile.join("/a", "/b") == "/b"
    assert gfile.join(b"a", b"b") == b"a/b"
    assert gfile.join(pathlib.Path("a"), "b") == "a/b"
    assert gfile.get_registered_schemes() == ["", "file"]


def test_os_errors_map_as_tfs():
    import errno

    for number, cls in [
        (errno.ENOENT, tf.errors.NotFoundError),
        (errno.EACCES, tf.errors.PermissionDeniedError),
        (errno.ENOSPC, tf.errors.ResourceExhaustedError),
        (errno.ENOTEMPTY, tf.errors.FailedPreconditionError),
        (errno.EXDEV, tf.errors.UnimplementedError),
        (errno.EIO, tf.errors.UnknownError),
    ]:
        error = gfile.os_error(OSError(number, os.strerror(number)), "/p")
        assert type(error) is cls
        assert error.message == f"/p; {os.strerror(number)}"


def test_v1_names(tree):
    assert v1_gfile.Exists(tree / "a.txt") and v1_gfile.IsDirectory(tree / "sub")
    assert v1_gfile.Glob(f"{tree}/*.py") == [f"{tree}/c.py"]
    assert v1_gfile.Open(tree / "a.txt").read() == "a.txt"
    assert v1_gfile.FastGFile(tree / "a.txt", "rb").read() == b"a.txt"
    walked = [d for d, _, _ in v1_gfile.Walk(str(tree / "sub"), in_order=False)]
    assert walked == [f"{tree}/sub/deep", f"{tree}/sub"]
