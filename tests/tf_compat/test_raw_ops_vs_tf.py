"""tf.raw_ops against real TensorFlow: the same names, keyword parameters, values and errors."""

import inspect

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402


def test_every_raw_op_is_tfs_with_tfs_keyword_parameters():
    for name in dir(tfx.raw_ops):
        theirs = getattr(tf_real.raw_ops, name)
        keys = [p for p in inspect.signature(theirs).parameters]
        with pytest.raises(TypeError) as ours:
            getattr(tfx.raw_ops, name)(1)
        assert f"(possible keys: {keys})" in str(ours.value), name


CALLS = [
    ("Conv2D", lambda tf: {"input": tf.ones([1, 4, 4, 2]), "filter": tf.ones([2, 2, 2, 3]),
                           "strides": [1, 1, 1, 1], "padding": "SAME"}),
    ("Sum", lambda tf: {"input": [[1.0, 2.0], [3.0, 4.0]], "axis": 0, "keep_dims": True}),
    ("ConcatV2", lambda tf: {"values": [[1, 2], [3]], "axis": 0}),
    ("Unique", lambda tf: {"x": [4, 4, 1, 4]}),
    ("SplitV", lambda tf: {"value": [1, 2, 3], "size_splits": [1, 2], "axis": 0, "num_split": 2}),
    ("Cast", lambda tf: {"x": [1.7, -2.2], "DstT": tf.int32}),
    ("Bitcast", lambda tf: {"input": tf.constant([1.0]), "type": tf.int32}),
    ("Range", lambda tf: {"start": 1, "limit": 7, "delta": 2}),
    ("DecodeCSV", lambda tf: {"records": ["1,a", "2,b"], "record_defaults": [[0], [""]]}),
    ("StringSplitV2", lambda tf: {"input": ["a b", "c"], "sep": " "}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "kwargs"), CALLS, ids=[c[0] for c in CALLS])
def test_values_match(name, kwargs):
    ours = getattr(tfx.raw_ops, name)(**kwargs(tfx))
    theirs = getattr(tf_real.raw_ops, name)(**kwargs(tf_real))
    flat_ours = list(ours) if isinstance(ours, (list, tuple)) else [ours]
    flat_theirs = list(theirs) if isinstance(theirs, (list, tuple)) else [theirs]
    assert type(ours).__name__ == type(theirs).__name__ or isinstance(theirs, list)
    for mine, real in zip(flat_ours, flat_theirs, strict=True):
        assert mine.dtype.name == real.dtype.name
        np.testing.assert_array_equal(mine.numpy(), real.numpy())


def test_errors_match():
    for framework in (tfx, tf_real):
        with pytest.raises(TypeError, match=r"add_v2\(\) missing 1 required positional argument"):
            framework.raw_ops.AddV2(x=1)
        with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
            framework.raw_ops.AddV2(x=1, y=2, z=3)
