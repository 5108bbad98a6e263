"""tf.Module variable tracking and tf.nest ordering (oracle: TF's documented order)."""

import collections

import pytest

import tensorflux as tf


class Dense(tf.Module):
    def __init__(self, n_in, n_out, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
            self.b = tf.Variable(tf.zeros([n_out]), name="b", trainable=False)


class MLP(tf.Module):
    def __init__(self):
        super().__init__()
        self.layers = [Dense(2, 3, name="first"), Dense(3, 1, name="second")]
        self.scale = tf.Variable(1.0, name="scale")


def test_variables_are_found_in_tf_order():
    model = MLP()
    assert model.name == "mlp"
    assert [v.name for v in model.variables] == [
        "scale:0", "first/b:0", "first/w:0", "second/b:0", "second/w:0",
    ]  # fmt: skip
    assert [v.name for v in model.trainable_variables] == ["scale:0", "first/w:0", "second/w:0"]
    assert [m.name for m in model.submodules] == ["first", "second"]


def test_with_name_scope():
    class Scale(tf.Module):
        @tf.Module.with_name_scope
        def __call__(self, x):
            if not hasattr(self, "v"):
                self.v = tf.Variable(2.0, name="v")
            return x * self.v

    m = Scale(name="scale")
    assert m(3.0).numpy() == 6.0 and m.v.name == "scale/v:0"


def test_bad_module_name():
    with pytest.raises(ValueError, match="not a valid module name"):
        tf.Module(name="has space")


Point = collections.namedtuple("Point", ["y", "x"])


def test_nest_flatten_orders_dicts_by_key_and_namedtuples_by_field():
    structure = {"b": [1, 2], "a": Point(y=3, x=4), "c": (5,)}
    assert tf.nest.flatten(structure) == [3, 4, 1, 2, 5]
    assert tf.nest.flatten(None) == [None] and tf.nest.flatten("abc") == ["abc"]
    packed = tf.nest.pack_sequence_as(structure, [30, 40, 10, 20, 50])
    assert packed == {"b": [10, 20], "a": Point(y=30, x=40), "c": (50,)}
    assert isinstance(packed["a"], Point)


def test_nest_map_structure_and_errors():
    assert tf.nest.map_structure(lambda a, b: a * b, (1, [2]), (3, [4])) == (3, [8])
    with pytest.raises(ValueError, match="same nested structure"):
        tf.nest.assert_same_structure([1, 2], [1, [2]])
    with pytest.raises(TypeError, match="same sequence type"):
        tf.nest.assert_same_structure([1, 2], (1, 2))
    tf.nest.assert_same_structure([1, 2], (1, 2), check_types=False)
    with pytest.raises(ValueError, match="Could not pack"):
        tf.nest.pack_sequence_as([0, 0], [1])
    assert tf.nest.is_nested({"a": 1}) and not tf.nest.is_nested(tf.constant([1]))
