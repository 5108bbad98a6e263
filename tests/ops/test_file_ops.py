"""File ops: MatchingFiles (TF's glob, sorted, in eager mode and in graphs), ReadFile, WriteFile.

They have no OpSpec rows: inputs and outputs are strings with no gradients; the expected
values below were measured with TF 2.21.
"""

import os

import pytest

import tensorflux as tf
from tensorflux._src.core.registry import lookup
from tensorflux._src.ops import file_ops


@pytest.fixture
def tree(tmp_path):
    for name in ["a.txt", "b.txt", "c.py", ".hidden", "sub/x.txt", "sub/y.py"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
    return tmp_path


def names(tensor, root):
    return [os.path.relpath(path.decode(), root) for path in tensor.numpy().tolist()]


def test_matching_files_scalar_and_vector(tree):
    got = file_ops.matching_files(f"{tree}/*.txt")
    assert got.dtype == tf.string and got.shape == (2,)
    assert names(got, tree) == ["a.txt", "b.txt"]
    patterns = [f"{tree}/c.py", f"{tree}/*.txt", f"{tree}/a.txt"]
    # every pattern's matches, merged and sorted, duplicates kept
    assert names(file_ops.matching_files(patterns), tree) == ["a.txt", "a.txt", "b.txt", "c.py"]
    assert names(file_ops.matching_files(f"{tree}/*/*.py"), tree) == ["sub/y.py"]
    assert names(file_ops.matching_files(f"{tree}/*"), tree) == [
        ".hidden",
        "a.txt",
        "b.txt",
        "c.py",
        "sub",
    ]


@pytest.mark.parametrize("pattern", ["*.zzz", "nodir/*", "zzz", ""])
def test_matching_nothing_is_an_empty_vector(tree, pattern):
    got = file_ops.matching_files(f"{tree}/{pattern}" if pattern else "")
    assert got.shape == (0,) and got.dtype == tf.string
    assert file_ops.matching_files(tf.constant([], tf.string)).shape == (0,)


def test_relative_patterns(tree, monkeypatch):
    monkeypatch.chdir(tree)
    assert file_ops.matching_files("*.txt").numpy().tolist() == [b"./a.txt", b"./b.txt"]
    assert file_ops.matching_files("sub/*").numpy().tolist() == [b"sub/x.txt", b"sub/y.py"]


def test_matching_files_errors(tree):
    with pytest.raises(tf.errors.InvalidArgumentError) as raised:
        file_ops.matching_files([[f"{tree}/*"]])
    assert str(raised.value) == (
        "Input patterns tensor must be scalar or vector, but had shape: [1,1] [Op:MatchingFiles]"
    )
    with pytest.raises(TypeError):
        file_ops.matching_files(5)
    with pytest.raises(tf.errors.UnimplementedError, match="File system scheme 'foo'"):
        file_ops.matching_files("foo://x/*")


def test_matching_files_in_a_graph_runs_each_call(tree):
    @tf.function
    def match(pattern):
        return file_ops.matching_files(pattern)

    concrete = match.get_concrete_function(tf.TensorSpec([], tf.string))
    assert concrete.structured_outputs.shape.as_list() == [None]
    assert names(match(tf.constant(f"{tree}/*.txt")), tree) == ["a.txt", "b.txt"]
    (tree / "d.txt").write_text("")
    assert names(match(tf.constant(f"{tree}/*.txt")), tree) == ["a.txt", "b.txt", "d.txt"]
    with pytest.raises(ValueError, match="Shape must be at most rank 1 but is rank 2"):
        match.get_concrete_function(tf.TensorSpec([1, 1], tf.string))


def test_matching_files_opdef():
    op = lookup("MatchingFiles")
    assert (op.inputs, op.outputs, op.stateful, op.grad) == (
        ("pattern",),
        ("filenames",),
        True,
        None,
    )


def test_glob_brackets_and_escapes(tmp_path):
    for name in ["a-1", "a]1", "a!1", "b1", "[x"]:
        (tmp_path / name).write_text("")

    def found(pattern):
        return sorted(os.path.basename(p) for p in file_ops.glob(f"{tmp_path}/{pattern}"))

    assert found("a[]!-]1") == ["a!1", "a-1", "a]1"]
    assert found("[!a]1") == ["b1"]
    assert found("[z-a]1") == []  # a reversed range matches nothing (glibc)
    assert found("[x") == ["[x"]  # an unclosed bracket is an ordinary character
    assert found("\\[*") == ["[x"]


def test_read_and_write_file(tmp_path):
    path = str(tmp_path / "new" / "f.bin")
    file_ops.write_file(path, b"\x00bytes")
    assert file_ops.read_file(path).numpy() == b"\x00bytes"
    with pytest.raises(tf.errors.NotFoundError):
        file_ops.read_file(str(tmp_path / "missing"))
