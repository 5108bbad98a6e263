"""Composite tensors through tf.nest and tf.function, with a small composite defined here."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.core.composite import CompositeTensor, TypeSpec


class Scaled(CompositeTensor):
    """A tensor stored as `values * scale`: two components."""

    def __init__(self, values, scale):
        self.values = tf.convert_to_tensor(values)
        self.scale = tf.convert_to_tensor(scale, self.values.dtype)

    @property
    def _type_spec(self):
        return ScaledSpec(self.values.shape, self.values.dtype)

    def dense(self):
        return self.values * self.scale


class ScaledSpec(TypeSpec):
    def __init__(self, shape, dtype):
        self.shape, self.dtype = tf.TensorShape(shape), dtype

    value_type = property(lambda self: Scaled)

    @property
    def _component_specs(self):
        return [tf.TensorSpec(self.shape, self.dtype), tf.TensorSpec([], self.dtype)]

    def _to_components(self, value):
        return [value.values, value.scale]

    def _from_components(self, components):
        value = Scaled.__new__(Scaled)
        value.values, value.scale = components
        return value

    def _serialize(self):
        return (self.shape, self.dtype)


def test_nest_expands_composites_only_when_asked():
    x = Scaled([1.0, 2.0], 3.0)
    assert tf.nest.flatten([x, 1]) == [x, 1]
    parts = tf.nest.flatten({"a": x}, expand_composites=True)
    assert len(parts) == 2
    rebuilt = tf.nest.pack_sequence_as({"a": x}, parts, expand_composites=True)["a"]
    assert rebuilt.dense().numpy().tolist() == [3.0, 6.0]


def test_specs_compare_by_content_and_check_compatibility():
    assert ScaledSpec([2], tf.float32) == ScaledSpec([2], tf.float32)
    assert hash(ScaledSpec([2], tf.float32)) == hash(ScaledSpec([2], tf.float32))
    assert ScaledSpec([None], tf.float32).is_compatible_with(Scaled([1.0, 2.0], 3.0))
    assert not ScaledSpec([3], tf.float32).is_compatible_with(Scaled([1.0, 2.0], 3.0))
    assert not ScaledSpec([2], tf.float64).is_compatible_with(ScaledSpec([2], tf.float32))


def test_functions_take_and_return_composites_keyed_by_spec():
    traces = []

    @tf.function
    def double(x):
        traces.append(1)
        return Scaled(x.values, x.scale * 2.0), x.dense()

    doubled, dense = double(Scaled([1.0, 2.0], 3.0))
    assert isinstance(doubled, Scaled)
    assert doubled.dense().numpy().tolist() == [6.0, 12.0]
    assert dense.numpy().tolist() == [3.0, 6.0]
    double(Scaled([5.0, 6.0], 1.0))  # same spec: no retrace
    assert len(traces) == 1
    double(Scaled([5.0, 6.0, 7.0], 1.0))
    assert len(traces) == 2


def test_input_signature_with_a_type_spec():
    @tf.function(input_signature=[ScaledSpec([None], tf.float32)])
    def total(x):
        return tf.reduce_sum(x.dense())

    assert float(total(Scaled([1.0, 2.0, 3.0], 2.0))) == 12.0
    assert float(total(Scaled([1.0], 2.0))) == 2.0
    with pytest.raises(TypeError, match="Binding inputs"):
        total(Scaled(np.ones([2, 2], np.float32), 1.0))
    concrete = total.get_concrete_function()
    assert float(concrete(Scaled([4.0], 0.5))) == 2.0


def test_public_ops_dispatch_composites_to_registered_handlers():
    from tensorflux._src.core import composite
    from tensorflux._src.ops import math_ops

    def scaled_add(x, y, name=None):
        dense = x if isinstance(x, Scaled) else y
        other = y if dense is x else x
        return Scaled(dense.values + other / dense.scale, dense.scale)

    composite.dispatch_for(math_ops.add, Scaled, scaled_add)
    try:
        result = tf.add(Scaled([1.0, 2.0], 2.0), tf.constant([2.0, 4.0]))
        assert result.dense().numpy().tolist() == [4.0, 8.0]
        reflected = tf.constant([2.0, 4.0]) + Scaled([1.0, 2.0], 2.0)  # Tensor.__add__
        assert reflected.dense().numpy().tolist() == [4.0, 8.0]
        with pytest.raises(ValueError, match=r"Attempt to convert a value .* unsupported type"):
            tf.multiply(Scaled([1.0], 1.0), 2.0)  # no handler: TF's TypeError
    finally:  # only this test's handler: ragged and sparse tensors register their own
        composite._HANDLERS[math_ops.add].remove((Scaled, scaled_add))
    with pytest.raises(TypeError, match="does not dispatch on composites"):
        composite.dispatch_for(lambda x: x, Scaled, scaled_add)
