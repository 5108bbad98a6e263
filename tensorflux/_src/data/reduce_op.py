"""`Dataset.reduce` and `Dataset.get_single_element`, eagerly and inside a tf.function.

Eagerly, `reduce_func` is traced for the state's spec (retraced with relaxed shapes while the
state's shape changes, as TF does) and run per element on arrays. Inside a tf.function both become
a while loop over the dataset's iterator ops, so the graph pulls the elements when it runs.
"""

from __future__ import annotations

from tensorflux._src.core import context, errors
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.data import iterator as iterator_lib
from tensorflux._src.data import structure as structure_lib
from tensorflux._src.data import structured_function as structured_function_lib
from tensorflux._src.ops import control_flow_ops, debugging_ops, iterator_ops, math_ops

_MAX_RETRACES = 10


def reduce(dataset, initial_state, reduce_func):
    state = structure_lib.normalize_element(initial_state)
    if context.state.graph is not None:
        return _graph_reduce(dataset, state, reduce_func)
    state_spec = structure_lib.type_spec_from_value(state)
    function = _trace(dataset, state_spec, reduce_func)
    state_structure = structure_lib.Structure(function.output_spec[0])
    components = structure_lib.Structure(state_spec).to_components(state)
    count = len(components)
    ctx, flat = dataset._flat_iterator()
    try:
        for element in flat:
            components = function((*components, *element))[:count]
    finally:
        ctx.close()
    return state_structure.from_components(components)


def _trace(dataset, state_spec, reduce_func):
    """The reduce function traced for a state spec that its own output fits."""
    for _ in range(_MAX_RETRACES):
        function = structured_function_lib.StructuredFunction(
            lambda state, element: (reduce_func(state, element),),
            "reduce",
            (state_spec, dataset.element_spec),
        )
        (output_spec,) = function.output_spec
        try:
            structure_lib.assert_same_structure(state_spec, output_spec)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"The element types for the new state must match the initial state. Expected "
                f"{state_spec}; got {output_spec}. ({error})"
            ) from None
        for old, new in zip(structure_lib.flatten(state_spec), structure_lib.flatten(output_spec)):
            if isinstance(old, TensorSpec) and old.dtype != new.dtype:
                raise TypeError(
                    f"The element types for the new state must match the initial state. "
                    f"Expected {state_spec}; got {output_spec}."
                )
        state_spec, changed = structure_lib.relaxed_state_spec(state_spec, output_spec)
        if not changed:
            return function
    raise ValueError("reduce_func's state shape did not settle after repeated relaxation.")


def _graph_reduce(dataset, state, reduce_func):
    """`reduce` inside a tf.function: a while loop over the iterator ops."""
    structure = dataset._structure
    specs = structure.component_specs
    handle = iterator_lib.GraphIterator(dataset)._handle
    state_leaves = structure_lib.flatten(state)

    def cond(optional, *leaves):
        return iterator_ops.optional_has_value(optional)

    def body(optional, *leaves):
        element = structure.pack(iterator_ops.optional_get_value(optional, specs))
        current = structure_lib.pack_as(state, list(leaves))
        new_state = structure_lib.normalize_element(
            structured_function_lib.call_with_element(reduce_func, (current, element))
        )
        return (iterator_ops.get_next_as_optional(handle, specs), *structure_lib.flatten(new_state))

    first = iterator_ops.get_next_as_optional(handle, specs)
    results = control_flow_ops.while_loop(cond, body, [first, *state_leaves])
    return structure_lib.pack_as(state, list(results[1:]))


def get_single_element(dataset):
    if context.state.graph is not None:
        iterator = iterator_lib.GraphIterator(dataset)
        element = iterator.get_next()
        rest = iterator.get_next_as_optional()
        debugging_ops.Assert(
            math_ops.logical_not(rest.has_value()), ["Dataset had more than one element."]
        )
        return element
    ctx, flat = dataset._flat_iterator()
    try:
        first = next(flat, None)
        if first is None:
            raise errors.InvalidArgumentError(None, None, "Dataset was empty.")
        if next(flat, None) is not None:
            raise errors.InvalidArgumentError(None, None, "Dataset had more than one element.")
    finally:
        ctx.close()
    return dataset._structure.from_components(first)
