"""`Dataset.flat_map`: the elements of the dataset a function returns for each input element, one
dataset after another.

TF traces the function once into a graph. Here it returns a Python `Dataset` object, so it runs as
Python on eager tensors, element by element (`DatasetFunction`); `interleave` shares it. The
element type of the datasets it returns must be known when the transformation is built, so
`DatasetFunction` calls the function on two placeholder elements then (zeros with unknown
dimensions empty, and ones with them of length 1) and relaxes the dimensions that differ between
the two: a dataset whose shapes follow the element's values gets None there, as TF's trace gives.
A placeholder the function rejects (an index out of range, a failing assertion) is skipped. If
both are, the function gets the input's first element (read by a separate iterator), and the
spec of that dataset, with every dimension relaxed to None, is used; if that fails too, its
error is raised, as a failing trace would be. The function therefore runs two or three more
times than once per element; side effects in it happen that many more times.

The datasets of the elements run inside the outer iterator: they share its options, stop flag and
threads, and their stages are reported merged, one line per kind of stage, however many datasets
were opened.

>>> ds = tf.data.Dataset.range(1, 4).flat_map(lambda x: tf.data.Dataset.range(x))
>>> [int(x) for x in ds]
[0, 0, 1, 0, 1, 2]
"""

from __future__ import annotations

import threading

import numpy as np

from tensorflux._src.core import errors
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data import structured_function as structured_function_lib
from tensorflux._src.data.concatenate_op import common_spec
from tensorflux._src.data.dataset import UNKNOWN, Dataset


class NestedContext:
    """The iterator context that datasets opened inside a stage run in: the outer context's
    options, stop flag and threads, with one StageStats per (stage name, depth) however many
    datasets are opened, so a long interleave does not grow the pipeline report."""

    def __init__(self, ctx):
        self._ctx = ctx
        self._stages: dict = {}
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self._ctx, name)

    def stage(self, name: str, depth: int):
        key = (name, depth)
        with self._lock:
            stats = self._stages.get(key)
            if stats is None:
                stats = self._stages[key] = self._ctx.stage(name, depth)
        return stats

    @property
    def stages(self):
        return _NestedStages(self)

    def unregister(self, stats) -> None:
        """Forgets a merged stage (one that had nothing to measure after all)."""
        with self._lock:
            for key, known in list(self._stages.items()):
                if known is stats:
                    del self._stages[key]
        if stats in self._ctx.stages:
            self._ctx.stages.remove(stats)


class _NestedStages:
    """`stages` of a NestedContext: the outer context's list, where removing a stage also
    unregisters it from the merged ones (so the next dataset of that kind registers anew)."""

    def __init__(self, nested: NestedContext):
        self._nested = nested

    def remove(self, stats) -> None:
        self._nested.unregister(stats)

    def __iter__(self):
        return iter(list(self._nested._ctx.stages))

    def __len__(self) -> int:
        return len(self._nested._ctx.stages)


class _PlaceholderDataset(Dataset):
    """An empty dataset of a given element_spec: what a dataset-valued element is replaced by
    when `DatasetFunction` probes the user's function."""

    def __init__(self, element_spec):
        self._element_spec = element_spec

    def _iterate(self, stage):
        return iter(())


def _placeholder(spec, fill: int):
    """A component value of `spec`: `fill` (0 or 1) everywhere, unknown dimensions of `fill`."""
    if isinstance(spec, structure_lib.DatasetSpec):
        return _PlaceholderDataset(spec.element_spec)
    dims = spec.shape.as_list() if spec.shape.rank is not None else []
    shape = [fill if d is None else d for d in dims]
    numpy_dtype = spec.dtype.as_numpy_dtype
    if numpy_dtype is np.object_:
        return np.full(shape, str(fill).encode() if fill else b"", dtype=object)
    return np.full(shape, fill, dtype=numpy_dtype)


def _relaxed(spec):
    if isinstance(spec, TensorSpec) and spec.shape.rank is not None:
        return TensorSpec([None] * spec.shape.rank, spec.dtype)
    return spec


def _type_name(result) -> str:
    if isinstance(result, Tensor):
        return repr(Tensor)
    return repr(type(result))


class DatasetFunction:
    """A user function from an element to a Dataset, run eagerly per element.

    `element_spec` is the element type of the datasets it returns (see the module docstring).
    Calling it with a tuple of component arrays gives the dataset for that element.
    """

    def __init__(self, func, transformation: str, input_dataset):
        input_spec = input_dataset.element_spec
        self._function = structured_function_lib.StructuredFunction(
            func, transformation, input_spec, eager_only=True
        )
        self._method = f"Dataset.{transformation}()"
        self._structure = structure_lib.Structure(input_spec)
        self.element_spec = self._probe(input_dataset)
        self._dtypes = [
            getattr(s, "dtype", None)
            for s in structure_lib.Structure(self.element_spec).component_specs
        ]

    def _probe(self, input_dataset):
        specs = []
        first_error = None
        for fill in (0, 1):
            try:
                components = tuple(_placeholder(s, fill) for s in self._structure.component_specs)
                result = self._function.call_eagerly(components)
            except Exception as error:  # the placeholder was rejected; try the next one
                if first_error is None:
                    first_error = error
                continue
            specs.append(self._dataset_of(result).element_spec)
        if not specs:
            return self._probe_first_element(input_dataset, first_error)
        if len(specs) == 2:
            try:
                return common_spec(specs[0], specs[1])
            except TypeError:
                pass
        return specs[0]

    def _probe_first_element(self, input_dataset, error):
        """The spec of the dataset for the input's first element, every dimension relaxed to
        None (one element tells nothing of how they vary); `error` if the input is empty."""
        ctx, iterator = input_dataset._flat_iterator()
        try:
            components = next(iterator, None)
        finally:
            ctx.close()
        if components is None:
            raise error
        spec = self._dataset_of(self._function.call_eagerly(components)).element_spec
        return structure_lib.map_structure(_relaxed, spec)

    def _dataset_of(self, result):
        if not isinstance(result, Dataset):
            raise TypeError(
                f"The `map_func` argument must return a `Dataset` object. Got {_type_name(result)}."
            )
        return result

    def __call__(self, components) -> Dataset:
        dataset = self._dataset_of(self._function.call_eagerly(components))
        spec = dataset.element_spec
        if spec is not self.element_spec and spec != self.element_spec:
            self._check_spec(spec)
        return dataset

    def _check_spec(self, spec) -> None:
        """A returned dataset must give elements of the probed structure and dtypes (shapes may
        differ: elements keep their own)."""
        try:
            structure_lib.assert_same_structure(self.element_spec, spec)
            component_specs = structure_lib.Structure(spec).component_specs
        except (TypeError, ValueError):
            component_specs = []
        if len(component_specs) == len(self._dtypes) and all(
            getattr(s, "dtype", None) == d for s, d in zip(component_specs, self._dtypes)
        ):
            return
        raise errors.InvalidArgumentError(
            None,
            None,
            f"The `map_func` of {self._method} returned a dataset with element_spec {spec}, "
            f"but its datasets were found to have element_spec {self.element_spec}.",
        )


def open_dataset(dataset: Dataset, ctx: NestedContext, depth: int):
    """The measured iterator of a dataset an element was mapped to."""
    return dataset._make_iterator(ctx, depth)


class FlatMapDataset(Dataset):
    """The elements of `map_func(element)` for each element of `input_dataset`, in order."""

    def __init__(self, input_dataset, map_func):
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._function = DatasetFunction(map_func, "flat_map", input_dataset)
        self._element_spec = self._function.element_spec

    def _stage_name(self) -> str:
        return "FlatMapDataset"

    def _cardinality(self) -> int:
        return UNKNOWN

    def _iterate(self, stage):
        function = self._function
        inner_ctx = NestedContext(stage.ctx)
        depth = stage.depth + 1
        for components in stage.input(self._input):
            yield from open_dataset(function(components), inner_ctx, depth)
