"""File datasets against real TensorFlow: the same files read by both (TFRecord, text lines,
fixed-length records, CSV), compared element by element, in order, with the same error classes
and messages; list_files, make_csv_dataset, cache and save/load compared by behaviour."""

import gzip
import os
import re
import zlib
from pathlib import Path

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402
from tensorflux._src.data import cache_op, csv, readers, save_load  # noqa: E402
from tensorflux._src.io import tfrecord  # noqa: E402


def _core_message(message: str) -> str:
    """TF's error message without its function-node prefix and op suffix."""
    message = re.sub(r"^\{\{function_node [^}]*\}\}\s*", "", message)
    message = re.sub(r"\s*\[Op:\w+\].*$", "", message, flags=re.S)
    return re.sub(r"\n\t \[\[.*", "", message, flags=re.S).strip()


def _run_tf(make):
    """(elements as Python values, None) or (elements before the error, (class name, message))."""
    out = []
    try:
        for element in make():
            out.append(_plain(element))
    except Exception as error:
        return out, (type(error).__name__, _core_message(str(error)))
    return out, None


def _run_ours(make):
    out = []
    try:
        for element in make():
            out.append(_plain(element))
    except Exception as error:
        return out, (type(error).__name__, getattr(error, "message", str(error)))
    return out, None


def _plain(element):
    """Python values of an element (NaN as the string "nan", so that it compares equal)."""
    if isinstance(element, (tuple, list)):
        return tuple(_plain(e) for e in element)
    if isinstance(element, dict):
        return {k: _plain(v) for k, v in element.items()}
    value = element.numpy()
    if isinstance(value, np.ndarray):
        return [v if v == v else "nan" for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
        return value if value == value else "nan"
    return value


def _assert_same(make_tf, make_ours):
    theirs, ours = _run_tf(make_tf), _run_ours(make_ours)
    assert ours[0] == theirs[0]
    if theirs[1] is None:
        assert ours[1] is None, ours[1]
    else:
        assert ours[1] is not None, f"TF raised {theirs[1]}"
        assert ours[1][0] == theirs[1][0]
        assert ours[1][1] == theirs[1][1]


def _write(path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


# ---- TFRecord -------------------------------------------------------------------------------------
@pytest.mark.parametrize("compression", ["", "ZLIB", "GZIP"])
def test_tfrecord_files_written_by_tf_read_by_us_and_back(tmp_path, compression):
    records = [b"a", b"", b"x" * 70_000, bytes(range(256))]
    theirs = str(tmp_path / "tf.tfrecord")
    with tf_real.io.TFRecordWriter(theirs, compression) as writer:
        for record in records:
            writer.write(record)
    ours = str(tmp_path / "ours.tfrecord")
    with tfrecord.TFRecordWriter(ours, compression) as writer:
        for record in records:
            writer.write(record)
    for path in (theirs, ours):
        _assert_same(
            lambda p=path: tf_real.data.TFRecordDataset(p, compression),
            lambda p=path: readers.TFRecordDataset(p, compression),
        )


@pytest.fixture
def line_files(tmp_path):
    names = []
    for index, count in enumerate([1, 3, 2, 4, 1, 2]):
        text = "".join(f"{index}{line}\r\n" for line in range(count))
        names.append(_write(tmp_path / f"f{index}.txt", text.encode()))
    return names


@pytest.mark.parametrize("reads", [None, 1, 2, 3, -1])
def test_parallel_read_order(tmp_path, line_files, reads):
    _assert_same(
        lambda: tf_real.data.TextLineDataset(line_files, num_parallel_reads=reads),
        lambda: readers.TextLineDataset(line_files, num_parallel_reads=reads),
    )
    tfrecords = []
    for name in line_files:
        path = name + ".tfrecord"
        with tf_real.io.TFRecordWriter(path) as writer:
            for line in Path(name).read_bytes().split(b"\r\n")[:-1]:
                writer.write(line)
        tfrecords.append(path)
    _assert_same(
        lambda: tf_real.data.TFRecordDataset(tfrecords, num_parallel_reads=reads),
        lambda: readers.TFRecordDataset(tfrecords, num_parallel_reads=reads),
    )


def test_tfrecord_errors(tmp_path):
    good = str(tmp_path / "good")
    with tf_real.io.TFRecordWriter(good) as writer:
        writer.write(b"r")
    missing = str(tmp_path / "missing")
    not_records = _write(tmp_path / "text", b"hello, not records\n")
    for files in ([good, missing], [good, not_records], [str(tmp_path)]):
        theirs = _run_tf(lambda f=files: tf_real.data.TFRecordDataset(f))
        ours = _run_ours(lambda f=files: readers.TFRecordDataset(f))
        assert ours[0] == theirs[0] and ours[1][0] == theirs[1][0]
        # our TFRecord reader names the file after TF's message
        assert ours[1][1].startswith(theirs[1][1])


# ---- text lines -----------------------------------------------------------------------------------
_TEXTS = [b"l1\r\nl\r2\n\nlast", b"a\n\r", b"a\r", b"", b"\n\n", b"x" * 300_000 + b"\ny"]


@pytest.mark.parametrize("data", _TEXTS)
@pytest.mark.parametrize("compression", ["", "ZLIB", "GZIP"])
def test_text_lines(tmp_path, data, compression):
    packed = {"": data, "ZLIB": zlib.compress(data), "GZIP": gzip.compress(data)}[compression]
    path = _write(tmp_path / "t", packed)
    _assert_same(
        lambda: tf_real.data.TextLineDataset(path, compression),
        lambda: readers.TextLineDataset(path, compression),
    )


def test_text_gzip_streams(tmp_path):
    cases = [
        gzip.compress(b"a\nb") + gzip.compress(b"c\n"),
        gzip.compress(b"line1\nline2\nline3\n" * 100)[:-20],
        gzip.compress(b"a\nb\n") + b"junk",
        b"not gzip at all\n",
    ]
    for index, data in enumerate(cases):
        path = _write(tmp_path / f"g{index}", data)
        _assert_same(
            lambda p=path: tf_real.data.TextLineDataset(p, "GZIP"),
            lambda p=path: readers.TextLineDataset(p, "GZIP"),
        )


def test_text_argument_errors(tmp_path):
    path = _write(tmp_path / "t", b"a\n")
    theirs, ours = (
        _run_tf(lambda: tf_real.data.TextLineDataset(path, "XX")),
        _run_ours(lambda: readers.TextLineDataset(path, "XX")),
    )
    assert ours[1][0] == theirs[1][0] and theirs[1][1].endswith(ours[1][1])


# ---- fixed-length records -------------------------------------------------------------------------
_BODY = b"HH" + b"abcdefghij" + b"F"


@pytest.mark.parametrize(
    ("data", "record", "header", "footer"),
    [
        (_BODY, 5, 2, 1),
        (_BODY, 4, 2, 1),
        (_BODY, 4, 0, 0),
        (b"HH", 5, 2, 1),
        (b"", 5, 0, 0),
        (b"", 5, 3, 0),
        (bytes(range(256)) * 100, 64, 0, 0),
    ],
)
@pytest.mark.parametrize("compression", ["", "GZIP"])
def test_fixed_length(tmp_path, data, record, header, footer, compression):
    if compression and header + footer > len(data):
        pytest.skip("TF fails with an InternalError (an OutOfRange leak); we raise DataLossError")
    packed = gzip.compress(data) if compression else data
    path = _write(tmp_path / "f", packed)
    _assert_same(
        lambda: tf_real.data.FixedLengthRecordDataset(
            path, record, header, footer, compression_type=compression
        ),
        lambda: readers.FixedLengthRecordDataset(
            path, record, header, footer, compression_type=compression
        ),
    )


# ---- list_files -----------------------------------------------------------------------------------
def test_list_files(tmp_path):
    for name in ["c.txt", "a.txt", "b.txt", "z.csv"]:
        (tmp_path / name).write_bytes(b"")
    patterns = [str(tmp_path / "*.csv"), str(tmp_path / "*.txt"), str(tmp_path / "a*")]
    _assert_same(
        lambda: tf_real.data.Dataset.list_files(patterns, shuffle=False),
        lambda: readers.list_files(patterns, shuffle=False),
    )
    theirs = sorted(tf_real.data.Dataset.list_files(patterns[1], seed=3).as_numpy_iterator())
    ours = sorted(x.numpy() for x in readers.list_files(patterns[1], seed=3))
    assert ours == theirs
    missing = [str(tmp_path / "*.zz"), str(tmp_path / "*.yy")]
    with pytest.raises(tf_real.errors.InvalidArgumentError) as their_error:
        tf_real.data.Dataset.list_files(missing)
    with pytest.raises(tfx.errors.InvalidArgumentError) as our_error:
        readers.list_files(missing)
    assert our_error.value.message == their_error.value.message


# ---- CSV ------------------------------------------------------------------------------------------
_CSV_CASES = [
    (
        b'h1,h2,h3\n1,2.5,x\n3,,"y,z"\n5,6,"multi\nline"\r\n7,8,""""\n',
        [0, 0.0, ""],
        {"header": True},
    ),
    (b"h1,h2,h3\n1,2.5,x\n", [0, 0.0, ""], {}),
    (b"h1,h2,h3\n1,2.5,x\n3,,z\n", [tf_real.int32, tf_real.float32, ""], {"header": True}),
    (b'1,2.5,"x"\n', [0, ""], {"select_cols": [0, 2]}),
    (b'1,2.5,"x"\n', [0, ""], {"exclude_cols": [1]}),
    (b'1,2.5,"x"\n', ["", "", ""], {"use_quote_delim": False}),
    (b"1,2.5,x\n", [0, 0.0, "NA"], {"na_value": "x"}),
    (b"1,2.5,x\n", [0, 0.0], {}),
    (b"1,2.5,x\n", [0, 0.0, "", ""], {}),
    (b"1,2.5,x\n", [0, 0.0, 0], {}),
    (b"1,2.5,x\n", [True, 0.0, ""], {}),
    (b'"ab"c,3\n5,"x"\n', ["", ""], {}),
    (b'"ab"c\n', [""], {}),
    (b'"ab" ,3\n', ["", ""], {}),
    (b'"a""b",3\n', ["", ""], {}),
    (b'"ab"\r3\n', [""], {}),
    (b"1,2\r3,4\n", [0, 0], {}),
    (b"1,2\n\n", [0, 0], {}),
    (b"1\n\n2\n", [0], {}),
    (b"\n1\n", [0], {}),
    (b"1\r\n\r\n2", [0], {}),
    (b"1\r\r\n2\n", [0], {}),
    (b'"a\r\nb",c\n', ["", ""], {}),
    (b'"",\n', [0, 0], {}),
    (b'x,"y"', ["", ""], {}),
    (b'x,"y', ["", ""], {}),
    (b'x,"y', [0, ""], {}),
    (b"x,y,", ["", ""], {}),
    (b"x,y,\n", ["", "", ""], {}),
    (b'"x"y"z",1\n', ["", ""], {}),
    (b"1,2\n3,4\n5", [0, 0], {}),
    (b"\r", [""], {}),
    (b'a"b,c\n', ["", ""], {}),
    (b"1,2,,4\n", [0, tf_real.int32], {"select_cols": [1, 2]}),
    (b"1,2,x,4\n", [0, 0], {"select_cols": [1, 2]}),
    (b"1,2\n", [0, 0], {"select_cols": [0, 5]}),
    (b"1,2\n", [0], {"exclude_cols": [5]}),
    (b"1,2\n", [0], {"exclude_cols": [0]}),
    (b'"",NA,"NA"\n', [[1], [2], [3]], {"na_value": "NA"}),
    (b'"",NA,"NA"\n', [1, 2, 3], {"na_value": "NA"}),
    (b"1.5\n", [7], {}),
    (b"x\n", [5], {}),
    (b" 1 ,+2,010,-0\n", [0, 0, 0, 0], {}),
    (b" 2.5 ,.5,inf,nan,1e400,0x10\n", [0.0] * 6, {}),
    (b"3000000000,1_0,1e5,0x10\n", [0, 0, 0, 0], {}),
    (b"x\n", [tf_real.constant(0, tf_real.float64)], {}),
    (b"x\n", [tf_real.constant(0, tf_real.int64)], {}),
    (b'"a\nb",c\n1,2\n', [0, 0], {"header": True}),
    (b"a,b\r1,2\n", [0, 0], {"header": True}),
    (b"a,b\n", [0, 0], {"header": True}),
    (b"", [0, 0], {"header": True}),
    (b"1\t2\n", [0, 0], {"field_delim": "\t"}),
]


def _our_defaults(defaults):
    converted = []
    for value in defaults:
        if isinstance(value, tf_real.dtypes.DType):
            converted.append(tfx.dtypes.as_dtype(value.name))
        elif isinstance(value, tf_real.Tensor):
            converted.append(tfx.constant(value.numpy()))
        else:
            converted.append(value)
    return converted


@pytest.mark.parametrize(("data", "defaults", "kwargs"), _CSV_CASES)
def test_csv_dataset(tmp_path, data, defaults, kwargs):
    path = _write(tmp_path / "d.csv", data)
    _assert_same(
        lambda: tf_real.data.experimental.CsvDataset(path, defaults, **kwargs),
        lambda: csv.CsvDataset(path, _our_defaults(defaults), **kwargs),
    )


def test_csv_dataset_specs_and_compression(tmp_path):
    path = _write(tmp_path / "d.csv.gz", gzip.compress(b"1,x,2.5\n3,y,4"))
    defaults = [tf_real.constant(0, tf_real.int64), "", 0.0]
    theirs = tf_real.data.experimental.CsvDataset(path, defaults, compression_type="GZIP")
    ours = csv.CsvDataset(path, _our_defaults(defaults), compression_type="GZIP")
    assert repr(ours.element_spec) == repr(theirs.element_spec)
    _assert_same(lambda: theirs, lambda: ours)


_PEOPLE = b"name,age,score,city\nann,30,1.5,x\nbob,,2.5,y\ncid,25,,\n"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"label_name": "age", "num_epochs": 1, "shuffle": False},
        {"num_epochs": 1, "shuffle": False, "select_columns": ["city", "name"]},
        {"num_epochs": 1, "shuffle": False, "select_columns": [3, 1], "label_name": "age"},
        {"num_epochs": 2, "shuffle": False, "num_parallel_reads": 2},
    ],
)
def test_make_csv_dataset(tmp_path, kwargs):
    path = _write(tmp_path / "people.csv", _PEOPLE)
    _write(tmp_path / "people2.csv", _PEOPLE.replace(b"ann", b"amy"))
    pattern = str(tmp_path / "people*.csv")
    theirs = tf_real.data.experimental.make_csv_dataset(pattern, 2, **kwargs)
    ours = csv.make_csv_dataset(pattern, 2, **kwargs)
    assert repr(ours.element_spec) == repr(theirs.element_spec)
    _assert_same(lambda: theirs, lambda: ours)
    assert path


def test_make_csv_dataset_errors(tmp_path):
    path = _write(tmp_path / "people.csv", _PEOPLE)
    for kwargs in (
        {"column_names": ["a", "a", "b", "c"]},
        {"label_name": "zz"},
        {"header": False},
        {"select_columns": ["q"]},
        {"select_columns": [9]},
        {"compression_type": "ZLIB"},
        {"compression_type": "XX"},
    ):
        with pytest.raises(ValueError) as their_error:
            tf_real.data.experimental.make_csv_dataset(path, 2, **kwargs)
        with pytest.raises(ValueError) as our_error:
            csv.make_csv_dataset(path, 2, **kwargs)
        assert str(our_error.value) == str(their_error.value)


# ---- cache and save/load --------------------------------------------------------------------------
def test_cache_files_behave_as_tf(tmp_path):
    for module, make, name in (
        (tf_real, lambda p: tf_real.data.Dataset.range(5).cache(p), "tf"),
        (tfx, lambda p: cache_op.CacheDataset(tfx.data.Dataset.range(5), p), "ours"),
    ):
        prefix = str(tmp_path / name)
        dataset = make(prefix)
        writer = iter(dataset)
        next(writer)
        with pytest.raises(module.errors.AlreadyExistsError) as raised:
            next(iter(make(prefix)))
        assert "There appears to be a concurrent caching iterator running" in str(raised.value)
        del writer
        assert [int(x) for x in dataset] == [0, 1, 2, 3, 4]
        assert [int(x) for x in make(prefix)] == [0, 1, 2, 3, 4]
        assert not any(n.endswith(".lockfile") for n in os.listdir(tmp_path))
    theirs = tf_real.data.Dataset.range(3).map(lambda x: tf_real.cast(x, tf_real.float32))
    with pytest.raises(tf_real.errors.InvalidArgumentError) as their_error:
        list(theirs.cache(str(tmp_path / "tf")))
    ours = tfx.data.Dataset.range(3).map(lambda x: tfx.cast(x, tfx.float32))
    with pytest.raises(tfx.errors.InvalidArgumentError) as our_error:
        list(cache_op.CacheDataset(ours, str(tmp_path / "ours")))
    assert our_error.value.message == _core_message(str(their_error.value))


def test_save_load_behave_as_tf(tmp_path):
    def people(module):
        return module.data.Dataset.range(10).map(
            lambda x: (
                {"a": x, "b": module.cast(x, module.float32) * 2},
                module.strings.as_string(x),
            )
        )

    people(tf_real).save(str(tmp_path / "tf"), shard_func=lambda e, s: e["a"] % 3)
    save_load.save(people(tfx), str(tmp_path / "ours"), shard_func=lambda e, s: e["a"] % 3)
    theirs = tf_real.data.Dataset.load(str(tmp_path / "tf"))
    ours = save_load.load(str(tmp_path / "ours"))
    assert int(ours.cardinality()) == int(theirs.cardinality())
    _assert_same(lambda: theirs, lambda: ours)
    with pytest.raises(tf_real.errors.InvalidArgumentError) as their_error:
        people(tf_real).save(str(tmp_path / "tf2"), shard_func=lambda e, s: e["b"])
    with pytest.raises(tfx.errors.InvalidArgumentError) as our_error:
        save_load.save(people(tfx), str(tmp_path / "ours2"), shard_func=lambda e, s: e["b"])
    assert our_error.value.message.startswith(_core_message(str(their_error.value)))
