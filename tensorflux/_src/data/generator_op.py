"""`Dataset.from_generator`: the elements a Python generator yields, checked against a signature.

Each iterator calls the generator anew (with `args` as NumPy values). A yielded value that does
not fit the signature, or an exception in the generator, raises InvalidArgumentError at that
element, chained to the original error so the traceback shows the generator's line.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.composite import TypeSpec
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data.dataset import Dataset


def _signature(output_types, output_shapes, output_signature):
    if output_signature is not None:
        if output_types is not None or output_shapes is not None:
            raise TypeError(
                "`output_types` and `output_shapes` cannot be used together with "
                "`output_signature`."
            )
        for spec in structure_lib.flatten(output_signature):
            if not isinstance(spec, (TensorSpec, TypeSpec)):
                raise TypeError(
                    f"`output_signature` must contain objects that are subclass of "
                    f"`tf.TypeSpec` but found {type(spec)} which is not."
                )
        return output_signature
    if output_types is None:
        raise TypeError("The `output_types` argument can not be None.")
    if output_shapes is None:
        return structure_lib.map_structure(lambda t: TensorSpec(TensorShape(None), t), output_types)
    types = structure_lib.flatten(output_types)
    shapes = _flatten_shapes(output_shapes, len(types))
    return structure_lib.pack_as(output_types, [TensorSpec(s, t) for t, s in zip(types, shapes)])


def _flatten_shapes(output_shapes, count):
    """Shapes given as a nest of lists/tuples/TensorShapes, one per type."""
    if (
        count == 1
        and not isinstance(output_shapes, dict)
        and (
            isinstance(output_shapes, TensorShape)
            or not any(isinstance(d, (list, tuple, TensorShape)) for d in output_shapes)
        )
    ):
        return [output_shapes]
    shapes: list = []

    def walk(value):
        if isinstance(value, dict):
            for key in sorted(value):
                walk(value[key])
        elif isinstance(value, TensorShape) or (
            isinstance(value, (list, tuple)) and all(d is None or isinstance(d, int) for d in value)
        ):
            shapes.append(value)
        else:
            for child in value:
                walk(child)

    walk(output_shapes)
    return shapes


class GeneratorDataset(Dataset):
    """The elements of `generator(*args)`."""

    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        self._generator = generator
        self._element_spec = _signature(output_types, output_shapes, output_signature)
        self._args = None
        if args is not None:
            tensors = structure_lib.normalize_element(tuple(args))
            self._args = [t.numpy() for t in tensors]
        self._leaves = structure_lib.flatten(self._element_spec)

    def _stage_name(self) -> str:
        return "FlatMapDataset(generator)"

    def _iterate(self, stage):
        source = self._generator(*self._args) if self._args is not None else self._generator()
        convert = self._converter()
        while True:
            try:
                value = next(source)
            except StopIteration:
                return
            except errors.OpError:
                raise
            except Exception as error:  # TF's class, chained to the generator's own traceback
                raise errors.InvalidArgumentError(
                    None, None, f"{type(error).__name__}: {error}"
                ) from error
            yield convert(value)

    def _converter(self):
        specs = self._leaves
        spec_nest = self._element_spec
        if (
            len(specs) == 1
            and isinstance(specs[0], TensorSpec)
            and not isinstance(spec_nest, (tuple, dict))
        ):
            spec = specs[0]
            return lambda value: (_to_array(value, spec),)

        def convert(value):
            try:
                leaves = structure_lib.flatten(_as_structure(value, spec_nest))
                structure_lib.assert_same_structure(_as_structure(value, spec_nest), spec_nest)
            except (TypeError, ValueError) as error:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"TypeError: `generator` yielded an element that did not match the expected "
                    f"structure. The expected structure was {spec_nest}, but the yielded "
                    f"element was {value}.",
                ) from error
            out: list = []
            for leaf, spec in zip(leaves, specs):
                if isinstance(spec, TensorSpec):
                    out.append(_to_array(leaf, spec))
                else:
                    out.extend(_composite_arrays(leaf, spec))
            return tuple(out)

        return convert


def _as_structure(value, spec_nest):
    """A yielded list stands for a tuple when the signature is a tuple (TF accepts both)."""
    if isinstance(value, list) and isinstance(spec_nest, tuple):
        return tuple(value)
    return value


def _to_array(value, spec):
    dtype = spec.dtype
    try:
        if isinstance(value, np.ndarray) and value.dtype == dtype.as_numpy_dtype:
            array = value
        elif hasattr(value, "_value") and getattr(value, "dtype", None) == dtype:
            array = value._value
        elif dtype == dtypes.string:
            array = np.asarray(_as_bytes(value), dtype=object)
        else:
            array = np.asarray(
                value.numpy() if hasattr(value, "numpy") else value, dtype=dtype.as_numpy_dtype
            )
    except (TypeError, ValueError) as error:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"TypeError: `generator` yielded an element that could not be converted to the "
            f"expected type. The expected type was {dtype.name}, but the yielded element was "
            f"{value}.",
        ) from error
    if not spec.shape.is_compatible_with(TensorShape(array.shape)):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"TypeError: `generator` yielded an element of shape {_shape(array.shape)} where an "
            f"element of shape {_shape(spec.shape)} was expected.",
        )
    return array


def _shape(shape) -> str:
    dims = list(shape) if not isinstance(shape, TensorShape) else shape.as_list()
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def _as_bytes(value):
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, (list, tuple, np.ndarray)):
        return np.vectorize(
            lambda v: v.encode() if isinstance(v, str) else bytes(v), otypes=[object]
        )(np.asarray(value, dtype=object))
    return value


def _composite_arrays(value, spec):
    if not spec.is_compatible_with(value):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"TypeError: `generator` yielded an element of {getattr(value, '_type_spec', value)} "
            f"where an element of {spec} was expected.",
        )
    return [t._value for t in spec._to_components(value)]
