"""User functions of tf.data transformations (map, filter, reduce, scan...): traced once, run
per element on component arrays.

As in TF, the function is traced with AutoGraph into a graph whose inputs are the element's
component specs, so Python side effects happen once and `.numpy()` is unavailable inside it.
`tf.data.experimental.enable_debug_mode()` runs functions as plain Python on eager tensors
instead (print, pdb and `.numpy()` work), element by element.

An element that is a tuple is passed as positional arguments (`map(lambda x, y: ...)`); any other
structure (a dict, a namedtuple, a single tensor) is passed as one argument.
"""

from __future__ import annotations

import numpy as np

from tensorflux._src.autograph import api as autograph
from tensorflux._src.core import context
from tensorflux._src.core.composite import CompositeTensor
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.core.variable import Variable
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.function.tracing import Function

_debug_mode = [False]


def enable_debug_mode() -> None:
    """Runs the functions of tf.data transformations eagerly, element by element, in order.

    >>> tf.data.experimental.enable_debug_mode()
    >>> tf.data.experimental.disable_debug_mode()
    """
    _debug_mode[0] = True


def disable_debug_mode() -> None:
    """Undoes `enable_debug_mode` (a tensorflux addition; TF has no way back)."""
    _debug_mode[0] = False


def debug_mode() -> bool:
    return _debug_mode[0]


def call_with_element(func, element):
    """`func(*element)` for a tuple element, else `func(element)` (TF's unpacking rule)."""
    if type(element) is tuple:
        return func(*element)
    return func(element)


def _function_name(func) -> str:
    return getattr(func, "__name__", type(func).__name__)


class StructuredFunction:
    """`func` applied to elements of `input_spec`; `output_spec` is what it returns.

    `__call__` takes and returns tuples of component arrays. `probe()` gives the first input
    element's components (or None): debug mode uses it for the output spec of a function that
    cannot be traced.
    """

    def __init__(
        self, func, transformation: str, input_spec, *, eager_only: bool = False, probe=None
    ):
        self._func = func
        self._transformation = transformation
        self.input_structure = structure_lib.Structure(input_spec)
        if self.input_structure.has_datasets and not eager_only:
            raise TypeError(
                f"Dataset.{transformation}() cannot trace a function of dataset-valued "
                f"elements; consume them with flat_map() or interleave()."
            )
        self._eager = eager_only or debug_mode()
        self.output_spec = None
        self.output_structure = None
        if eager_only:
            return
        if self._eager:
            self._spec_for_debug_mode(probe)
        else:
            concrete = self._trace()
            self._run = concrete._executor.run
            self._variables = concrete._variables
        self.output_structure = structure_lib.Structure(self.output_spec)

    def _spec_for_debug_mode(self, probe) -> None:
        """The output spec without requiring the function to trace: from tracing when it does,
        else from running it eagerly on the input's first element (`probe`)."""
        try:
            self._trace()
            return
        except Exception:
            first = probe() if probe is not None else None
            if first is None:
                raise
        self.output_spec = structure_lib.type_spec_from_value(self.call_eagerly(first))

    # -- tracing ---------------------------------------------------------------------------------
    def _trace(self):
        user_function = self._func
        name = _function_name(user_function)
        converted = autograph.convert(user_function, recursive=True)
        structure = self.input_structure
        captured = {}

        def flat_function(*components):
            element = structure.pack(components)
            result = call_with_element(converted, element)
            result = self._normalize_output(result)
            captured["spec"] = structure_lib.type_spec_from_value(result)
            return structure_lib.Structure(captured["spec"]).flat_tensors(result)

        specs = list(structure.component_specs)
        function = Function(flat_function, name=f"{name}_{self._transformation}", autograph=False)
        concrete = function.get_concrete_function(*specs)
        self.output_spec = captured["spec"]
        return concrete

    def _normalize_output(self, result):
        if isinstance(result, list):  # TF turns a returned list into a tuple of components
            result = tuple(result)
        leaves = structure_lib.flatten(result)
        out = []
        for leaf in leaves:
            if isinstance(leaf, (Tensor, CompositeTensor)) or structure_lib.is_dataset(leaf):
                out.append(leaf)
            elif isinstance(leaf, Variable):
                out.append(leaf.read_value())
            elif leaf is None:
                raise TypeError(
                    f"Unsupported return value from function passed to "
                    f"Dataset.{self._transformation}(): None."
                )
            else:
                out.append(convert_to_tensor(leaf))
        return structure_lib.pack_as(result, out)

    # -- running ---------------------------------------------------------------------------------
    def __call__(self, components: tuple) -> tuple:
        if self._eager:
            return self.call_eagerly(components)
        return tuple(self._run([*components, *self._variables], np))

    def call_eagerly(self, components: tuple):
        """Runs the Python function on eager tensors (debug mode, and functions over datasets)."""
        state = context.state
        saved = state.graph
        state.graph = None
        try:
            element = self.input_structure.from_components(components)
            result = self._normalize_output(call_with_element(self._func, element))
        finally:
            state.graph = saved
        if self.output_structure is None:
            return result
        return self.output_structure.to_components(result)

    def call_element(self, element):
        """The function on a structured element (used by `reduce` inside a tf.function)."""
        return self._normalize_output(call_with_element(self._func, element))
