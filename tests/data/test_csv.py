"""CsvDataset and make_csv_dataset: parsing, conversion, errors and type inference (oracle: the
behaviour of TF 2.21, recorded from runs of it)."""

import collections
import gzip

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.data import csv


def _rows(dataset):
    return [
        tuple(x.numpy().item() if x.dtype != tf.string else x.numpy() for x in e) for e in dataset
    ]


def _write(tmp_path, data: bytes, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


_SAMPLE = b'h1,h2,h3\n1,2.5,x\n3,,"y,z"\n5,6,"multi\nline"\r\n7,8,""""\n'


def test_basic_quotes_defaults_and_spec(tmp_path):
    path = _write(tmp_path, _SAMPLE)
    dataset = csv.CsvDataset(path, [0, 0.0, ""], header=True)
    assert _rows(dataset) == [
        (1, 2.5, b"x"),
        (3, 0.0, b"y,z"),
        (5, 6.0, b"multi\nline"),
        (7, 8.0, b'"'),
    ]
    assert dataset.element_spec == (
        tf.TensorSpec([], tf.int32),
        tf.TensorSpec([], tf.float32),
        tf.TensorSpec([], tf.string),
    )
    assert int(dataset.cardinality()) == -2
    assert repr(dataset).startswith("<CsvDatasetV2 element_spec=(TensorSpec(")
    element = next(iter(dataset))
    assert [t.dtype for t in element] == [tf.int32, tf.float32, tf.string]


def test_columns_select_exclude_and_types(tmp_path):
    path = _write(tmp_path, _SAMPLE)
    expected = [(1, b"x"), (3, b"y,z"), (5, b"multi\nline"), (7, b'"')]
    assert _rows(csv.CsvDataset(path, [0, ""], header=True, select_cols=[0, 2])) == expected
    assert _rows(csv.CsvDataset(path, [0, ""], header=True, exclude_cols=[1])) == expected
    wide = [tf.constant(0, tf.int64), tf.constant(0, tf.float64), ""]
    rows = list(csv.CsvDataset(path, wide, header=True))
    assert [t.dtype for t in rows[0]] == [tf.int64, tf.float64, tf.string]
    na = csv.CsvDataset(path, [0, 0.0, "NA"], header=True, na_value="x")
    assert _rows(na)[0] == (1, 2.5, b"NA")


def test_integer_defaults_that_name_dtypes_are_required_columns(tmp_path):
    # as in TF, `1 in (tf.float32, ...)` holds, so 1 means "float32, no default"
    path = _write(tmp_path, b"1,x\n,y\n")
    dataset = csv.CsvDataset(path, [1, ""])
    assert dataset.element_spec[0].dtype == tf.float32
    with pytest.raises(tf.errors.InvalidArgumentError, match="Field 0 is required but missing"):
        list(dataset)
    assert _rows(csv.CsvDataset(path, [[1], ""])) == [(1, b"x"), (1, b"y")]
    assert _rows(csv.CsvDataset(path, [5, ""])) == [(1, b"x"), (5, b"y")]


# (file contents, number of string columns, rows or the error message)
_PARSE_CASES = [
    (b'"ab"c,3\n5,"x"\n', 2, "Quote inside a string has to be escaped by another quote"),
    (b'"ab"c\n', 1, "Reached end of file without closing quoted field in record"),
    (b'"ab" ,3\n', 2, "Reached end of file without closing quoted field in record"),
    (b'"a""b",3\n', 2, [(b'a"b', b"3")]),
    (b'"ab"\r3\n', 1, [(b"ab",), (b"3",)]),
    (b"1,2\r3,4\n", 2, [(b"1", b"2"), (b"3", b"4")]),
    (b"1,2\n\n", 2, "Expect 2 fields but have 1 in record"),
    (b"1\n\n2\n", 1, [(b"1",), (b"",), (b"2",)]),
    (b"1\r\r\n2\n", 1, [(b"1",), (b"",), (b"2",)]),
    (b'"a\r\nb",c\n', 2, [(b"a\r\nb", b"c")]),
    (b'"",\n', 2, [(b"", b"")]),
    (b'x,"y"', 2, [(b"x", b"y")]),
    (b'x,"y', 2, "Reached end of file without closing quoted field in record"),
    (b"x,y,", 2, "Expect 2 fields but have more in record"),
    (b"x,y,\n", 3, [(b"x", b"y", b"")]),
    (b"1,2\n3,4\n5", 2, "Expect 2 fields but have 1 in record"),
    (b"\r", 1, [(b"",)]),
    (b'a"b,c\n', 2, "Unquoted fields cannot have quotes inside"),
]


@pytest.mark.parametrize(("data", "columns", "expected"), _PARSE_CASES)
def test_record_parsing(tmp_path, data, columns, expected):
    dataset = csv.CsvDataset(_write(tmp_path, data), [""] * columns)
    if isinstance(expected, str):
        with pytest.raises(tf.errors.InvalidArgumentError) as raised:
            list(dataset)
        assert raised.value.message == expected
    else:
        assert _rows(dataset) == expected


def test_errors_come_after_the_records_before_them(tmp_path):
    path = _write(tmp_path, b"1,2\n3,4\n5\n")
    iterator = iter(csv.CsvDataset(path, [0, 0]))
    assert [int(next(iterator)[0]), int(next(iterator)[0])] == [1, 3]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 2 fields but have 1"):
        next(iterator)


# (file contents, record defaults, error message): fields are checked left to right
_CONVERSION_ERRORS = [
    (b"h1,2\n", [0, 0], "Field 0 in record is not a valid int32: h1"),
    (b"x\n", [tf.constant(0, tf.int64)], "Field 0 in record is not a valid int64: x"),
    (b"x\n", [0.0], "Field 0 in record is not a valid float: x"),
    (b"x\n", [tf.constant(0, tf.float64)], "Field 0 in record is not a valid double: x"),
    (b"3000000000\n", [0], "Field 0 in record is not a valid int32: 3000000000"),
    (b"3.0\n", [0], "Field 0 in record is not a valid int32: 3.0"),
    (b"1e5\n", [0], "Field 0 in record is not a valid int32: 1e5"),
    (b'x,"y', [0, ""], "Field 0 in record is not a valid int32: x"),
    (b"a,2,3\n", [0, 0], "Field 0 in record is not a valid int32: a"),
    (b"1,,3\n", [0, tf.int32, 0], "Field 1 is required but missing in record!"),
    (b"1,NA\n", [0, tf.int32], "Field 1 is required but missing in record!"),
]


@pytest.mark.parametrize(("data", "defaults", "message"), _CONVERSION_ERRORS)
def test_conversion_errors(tmp_path, data, defaults, message):
    kwargs = {"na_value": "NA"} if b"NA" in data else {}
    with pytest.raises(tf.errors.InvalidArgumentError) as raised:
        list(csv.CsvDataset(_write(tmp_path, data), defaults, **kwargs))
    assert raised.value.message == message


def test_numbers_as_tf_reads_them(tmp_path):
    path = _write(tmp_path, b" 1 ,+2,010,-0, 2.5 ,.5,inf,1e400,0x10\n")
    row = _rows(csv.CsvDataset(path, [0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0]))[0]
    assert row == (1, 2, 10, 0, 2.5, 0.5, np.inf, np.inf, 16.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"select_cols": [0, 2], "exclude_cols": [1]}, "Either select_cols or exclude_cols"),
        ({"select_cols": [0]}, "select_cols should match output size"),
        ({"select_cols": [2, 0]}, "select_cols should be strictly increasing indices"),
        ({"select_cols": [-1, 0]}, "select_cols should be non-negative indices"),
        ({"exclude_cols": [2, 1]}, "exclude_cols should be strictly increasing indices"),
        ({"field_delim": ";;"}, "field_delim should be only 1 char"),
        ({"buffer_size": 0}, "buffer_size should be positive"),
        ({"compression_type": "XX"}, "Unsupported compression_type: XX."),
    ],
)
def test_construction_errors(tmp_path, kwargs, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        csv.CsvDataset(_write(tmp_path, b"1,2\n"), [0, 0], **kwargs)


def test_default_and_filename_errors(tmp_path):
    path = _write(tmp_path, b"1\n")
    with pytest.raises(tf.errors.InvalidArgumentError, match="only be 1 default per field"):
        csv.CsvDataset(path, [[0, 1]])
    with pytest.raises(tf.errors.InvalidArgumentError):
        csv.CsvDataset(path, [tf.constant(True)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be a scalar or a vector"):
        csv.CsvDataset([[path]], [0])
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        list(csv.CsvDataset(str(tmp_path / "missing.csv"), [0]))


def test_header_handling(tmp_path):
    quoted = _write(tmp_path, b'"a\nb",c\n1,2\n', "q.csv")
    assert _rows(csv.CsvDataset(quoted, [0, 0], header=True)) == [(1, 2)]
    only = _write(tmp_path, b"a,b\n", "h.csv")
    assert _rows(csv.CsvDataset(only, [0, 0], header=True)) == []
    empty = _write(tmp_path, b"", "e.csv")
    with pytest.raises(tf.errors.InvalidArgumentError, match="Can't read header of file"):
        list(csv.CsvDataset(empty, [0, 0], header=True))


def test_files_compression_delimiters_and_chunks(tmp_path):
    plain = _write(tmp_path, b"1,2\n3,4\n", "a.csv")
    assert _rows(csv.CsvDataset([plain, plain], [0, 0])) == [(1, 2), (3, 4)] * 2
    packed = _write(tmp_path, gzip.compress(b"1,2\n3,4"), "a.csv.gz")
    assert _rows(csv.CsvDataset(packed, [0, 0], compression_type="GZIP")) == [(1, 2), (3, 4)]
    tabs = _write(tmp_path, b"1\t2\n", "t.csv")
    assert _rows(csv.CsvDataset(tabs, [0, 0], field_delim="\t")) == [(1, 2)]
    body = b"".join(b'%d,"q,%d",%d.5\n' % (i, i, i) for i in range(20000))
    big = _write(tmp_path, body, "big.csv")
    rows = _rows(csv.CsvDataset(big, [0, "", 0.0], buffer_size=100))
    assert len(rows) == 20000 and rows[-1] == (19999, b"q,19999", 19999.5)


def test_ignore_errors_skips_bad_records(tmp_path):
    path = _write(tmp_path, b"1,2\nx,3\n4\n5,6\n")
    dataset = csv.CsvDataset._for_files(
        tf.data.Dataset.from_tensors(path), [0, 0], None, False, ",", True, "", None, None, True
    )
    assert _rows(dataset) == [(1, 2), (5, 6)]


# ---- make_csv_dataset -------------------------------------------------------------------------------
_PEOPLE = b"name,age,score,city\nann,30,1.5,x\nbob,,2.5,y\ncid,25,,\n"


def test_make_csv_dataset_infers_types_and_splits_the_label(tmp_path):
    path = _write(tmp_path, _PEOPLE)
    dataset = csv.make_csv_dataset(path, 2, label_name="age", num_epochs=1, shuffle=False)
    features_spec, label_spec = dataset.element_spec
    assert isinstance(features_spec, collections.OrderedDict)
    assert list(features_spec) == ["name", "score", "city"]
    assert features_spec["score"] == tf.TensorSpec([None], tf.float32)
    assert label_spec == tf.TensorSpec([None], tf.int32)
    batches = list(dataset)
    assert batches[0][0]["name"].numpy().tolist() == [b"ann", b"bob"]
    assert batches[0][1].numpy().tolist() == [30, 0]
    assert batches[1][0]["score"].numpy().tolist() == [0.0]
    assert batches[1][0]["city"].numpy().tolist() == [b""]


def test_make_csv_dataset_repeats_with_full_batches(tmp_path):
    path = _write(tmp_path, _PEOPLE)
    dataset = csv.make_csv_dataset(path, 2)
    assert list(dataset.element_spec) == ["name", "age", "score", "city"]
    assert dataset.element_spec["age"] == tf.TensorSpec([2], tf.int32)
    shuffled = csv.make_csv_dataset(path, 3, num_epochs=2, shuffle_seed=1, label_name="age")
    labels = sorted(v for _, label in shuffled for v in label.numpy().tolist())
    assert labels == [0, 0, 25, 25, 30, 30]


def test_make_csv_dataset_columns(tmp_path):
    path = _write(tmp_path, _PEOPLE)
    dataset = csv.make_csv_dataset(
        path, 4, select_columns=["city", "name"], num_epochs=1, shuffle=False
    )
    assert list(dataset.element_spec) == ["name", "city"]
    given = csv.make_csv_dataset(
        path,
        4,
        column_names=["n", "a", "s", "c"],
        column_defaults=[tf.string, 0, 0.0, "?"],
        num_epochs=1,
        shuffle=False,
    )
    (batch,) = list(given)
    assert batch["c"].numpy().tolist() == [b"x", b"y", b"?"]
    assert batch["a"].dtype == tf.int32


def test_make_csv_dataset_inference_rules(tmp_path):
    data = b"i,big,f,nan,s\n1,3000000000,1.5,nan,a\n2,1,2,1,b\n"
    dataset = csv.make_csv_dataset(_write(tmp_path, data), 1, num_epochs=1, shuffle=False)
    dtypes = {key: spec.dtype for key, spec in dataset.element_spec.items()}
    assert dtypes == {
        "i": tf.int32,
        "big": tf.int64,
        "f": tf.float32,
        "nan": tf.string,
        "s": tf.string,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"column_names": ["a", "a", "b", "c"]}, "contains duplicate column names: {'a'}"),
        ({"label_name": "zz"}, "`label_name` provided must be one of the columns"),
        ({"header": False}, "Expected `column_names` or `header` arguments"),
        ({"select_columns": ["q"]}, "Column q specified in `select_columns` must be"),
        ({"select_columns": [9]}, "Column index 9 specified in `select_columns` should be"),
        ({"compression_type": "ZLIB"}, "is not supported for probing columns"),
    ],
)
def test_make_csv_dataset_errors(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        csv.make_csv_dataset(_write(tmp_path, _PEOPLE), 2, **kwargs)


def test_make_csv_dataset_file_errors(tmp_path):
    with pytest.raises(ValueError, match="No files match `file_pattern`"):
        csv.make_csv_dataset(str(tmp_path / "*.zzz"), 2)
    with pytest.raises(ValueError, match=r"CSV row 2 has 1 number of fields\. Expected: 2\."):
        csv.make_csv_dataset(_write(tmp_path, b"a,b\n1\n", "bad.csv"), 2)


def test_make_csv_dataset_reads_files_in_parallel(tmp_path):
    first = _write(tmp_path, b"v\n1\n2\n", "a.csv")
    _write(tmp_path, b"v\n3\n", "b.csv")
    dataset = csv.make_csv_dataset(
        str(tmp_path / "*.csv"), 1, num_epochs=1, shuffle=False, num_parallel_reads=2
    )
    assert [int(b["v"][0]) for b in dataset] == [1, 3, 2]
    assert first.endswith("a.csv")
