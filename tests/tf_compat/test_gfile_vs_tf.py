"""tf.io.gfile and tf.io.matching_files against real TensorFlow: the same results, error
classes and messages on the same directory tree."""

import os

import pytest

from tensorflux._src.core import errors as tfx_errors
from tensorflux._src.io import gfile
from tensorflux._src.ops import file_ops

tf_real = pytest.importorskip("tensorflow")

NAMES = ["a.txt", "b.txt", "c.py", ".hidden", "a-1", "a]1", "a!1", "[x", "sub/x.txt",
         "sub/y.py", "sub/deep/z.txt", "sub2/q.txt"]  # fmt: skip
PATTERNS = ["*", "*.txt", "*/*", "*/*/*", "sub*/*.txt", "?.txt", "[ab].txt", "[^a].txt",
            "[!a].txt", "\\a.txt", "**", "**/*.txt", "a.txt", "zz.txt", "nodir/*", "sub/",
            "s*", "s*/", "sub/../*.py", "/*.py", ".*", "a[]!-]1", "[z-a]1", "[x", "\\[*",
            "sub/deep/*", "*/deep/*.txt", "[a-c].*"]  # fmt: skip


@pytest.fixture
def tree(tmp_path):
    for name in NAMES:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
    return tmp_path


def outcome(run):
    try:
        return "ok", run()
    except tf_real.errors.OpError as error:
        return type(error).__name__, error.message
    except tfx_errors.OpError as error:
        return type(error).__name__, error.message
    except (TypeError, ValueError) as error:
        return type(error).__name__, None


@pytest.mark.parametrize("pattern", PATTERNS)
def test_glob_and_matching_files_as_tf(tree, pattern):
    full = f"{tree}/{pattern}"
    assert gfile.glob(full) == sorted(tf_real.io.gfile.glob(full))
    expected = tf_real.io.matching_files(full).numpy().tolist()
    assert file_ops.matching_files(full).numpy().tolist() == expected


def test_relative_globs_as_tf(tree, monkeypatch):
    monkeypatch.chdir(tree)
    for pattern in ["*.txt", "sub/*", "./*.py", "s*/*.py", ""]:
        assert gfile.glob(pattern) == sorted(tf_real.io.gfile.glob(pattern)), pattern
        expected = tf_real.io.matching_files(pattern).numpy().tolist()
        assert file_ops.matching_files(pattern).numpy().tolist() == expected


def test_matching_files_of_several_patterns_as_tf(tree):
    patterns = [f"{tree}/b.txt", f"{tree}/*.txt", f"{tree}/a.txt", f"{tree}/zz"]
    expected = tf_real.io.matching_files(patterns).numpy().tolist()
    assert file_ops.matching_files(patterns).numpy().tolist() == expected


def test_functions_as_tf(tree):
    t = str(tree)
    calls = {
        "exists": [t + "/a.txt", t + "/zz", t + "/sub", "", t + "/a.txt/x"],
        "isdir": [t, t + "/a.txt", t + "/zz"],
        "listdir": [t + "/sub", t + "/zz", t + "/a.txt"],
        "stat": [t + "/zz"],
        "remove": [t + "/zz", t + "/sub"],
        "rmtree": [t + "/zz"],
        "mkdir": [t + "/k/l"],
        "makedirs": [t + "/a.txt", t + "/a.txt/q"],
    }
    for name, paths in calls.items():
        for path in paths:
            expected = outcome(lambda n=name, p=path: getattr(tf_real.io.gfile, n)(p))
            got = outcome(lambda n=name, p=path: getattr(gfile, n)(p))
            if name == "listdir" and expected[0] == "ok":
                expected, got = ("ok", sorted(expected[1])), ("ok", sorted(got[1]))
            assert got == expected, (name, path)


def test_two_path_functions_as_tf(tree):
    t = str(tree)
    cases = [
        ("rename", t + "/zz", t + "/q", False),
        ("rename", t + "/a.txt", t + "/b.txt", False),
        ("rename", t + "/a.txt", t + "/sub", True),
        ("rename", t + "/a.txt", t + "/nodir/q", False),
        ("copy", t + "/a.txt", t + "/b.txt", False),
        ("copy", t + "/zz", t + "/q", False),
        ("copy", t + "/sub", t + "/s3", False),
        ("copy", t + "/a.txt", t + "/sub", True),
        ("copy", t + "/a.txt", t + "/nodir/x", False),
    ]
    for name, *args in cases:
        expected = outcome(lambda n=name, a=args: getattr(tf_real.io.gfile, n)(*a))
        for leftover in ("/s3", "/q"):  # TF's failed copy of a directory leaves a file
            if os.path.isfile(t + leftover):
                os.remove(t + leftover)
        got = outcome(lambda n=name, a=args: getattr(gfile, n)(*a))
        assert got == expected, (name, args)


def test_walk_and_stat_as_tf(tree):
    def normalized(walked):
        return [(top, sorted(dirs), sorted(files)) for top, dirs, files in walked]

    for top in (str(tree), str(tree) + "/sub/", str(tree / "zz"), str(tree / "a.txt")):
        for topdown in (True, False):
            expected = normalized(tf_real.io.gfile.walk(top, topdown))
            got = normalized(gfile.walk(top, topdown))
            assert sorted(got) == sorted(expected)
    for path in (tree / "a.txt", tree / "sub"):
        theirs, ours = tf_real.io.gfile.stat(str(path)), gfile.stat(str(path))
        assert (ours.length, ours.is_directory, ours.mtime_nsec) == (
            theirs.length,
            theirs.is_directory,
            theirs.mtime_nsec,
        )


def test_gfile_reads_as_tf(tree):
    (tree / "t").write_bytes("héllo\r\nworld\nlast".encode())
    path = str(tree / "t")
    for mode in ("r", "rb"):
        for steps in (
            lambda f: f.read(),
            lambda f: f.read(3),
            lambda f: f.readlines(),
            lambda f: list(f),
            lambda f: (f.read(2), f.tell(), f.seek(4), f.read(), f.tell()),
            lambda f: (f.seek(-4, 2), f.read()),
            lambda f: (f.read(), f.readline(), f.read(5)),
            lambda f: f.seek(100),
            lambda f: f.seek(-1),
            lambda f: f.read(-2),
            lambda f: f.write("x"),
            lambda f: f.size(),
        ):
            expected = outcome(lambda s=steps, m=mode: s(tf_real.io.gfile.GFile(path, m)))
            got = outcome(lambda s=steps, m=mode: s(gfile.GFile(path, m)))
            assert got == expected


def test_gfile_writes_as_tf(tree):
    for mode in ("w", "wb", "a", "ab", "r+", "w+", "a+"):
        results = []
        for module, name in ((tf_real.io.gfile, "theirs"), (gfile, "ours")):
            path = tree / name
            path.write_text("0123456789")
            f = module.GFile(str(path), mode)
            steps = [outcome(lambda f=f: f.write("ab")), outcome(lambda f=f: f.tell())]
            f.close()
            results.append((steps, path.read_bytes()))
        assert results[0] == results[1], mode
    for path in (str(tree / "nodir" / "x"), str(tree)):
        expected = outcome(lambda p=path: tf_real.io.gfile.GFile(p, "w").write("a"))
        assert outcome(lambda p=path: gfile.GFile(p, "w").write("a")) == expected
    expected = outcome(lambda: tf_real.io.gfile.GFile(str(tree / "t"), "x"))
    assert outcome(lambda: gfile.GFile(str(tree / "t"), "x")) == expected


def test_join_as_tf():
    for parts in (("a", "b", "c"), ("gs://a", "b"), ("/a", "/b"), ("a/", "b"), (b"a", b"b")):
        assert gfile.join(*parts) == tf_real.io.gfile.join(*parts)
