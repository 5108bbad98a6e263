"""`ConcreteFunction`: one traced graph of a tf.function, and how it is called.

The graph runs through its compiled executor. Under a gradient tape, a call of a function
without side effects is recorded as one op whose gradient is this function's backward: traced
once from the forward graph (recomputing it) and cached, itself a ConcreteFunction, so
gradients of any order flow through calls. A function that updates variables or draws random
numbers runs op by op under a tape instead. Called while another function is traced, its nodes
are copied into that graph.
"""

from __future__ import annotations

import functools
import inspect

from tensorflux._src.core import context, errors, nest
from tensorflux._src.core import device as device_lib
from tensorflux._src.core.composite import TypeSpec
from tensorflux._src.core.dispatch import wrap
from tensorflux._src.core.registry import OpDef
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.core.variable import Variable
from tensorflux._src.graph import ir
from tensorflux._src.graph.executor import Executor
from tensorflux._src.graph.passes import pipeline
from tensorflux._src.ops import array_ops, graph_control_flow

_NO_ATTRS: dict = {}
# Stateful ops a backward pass may run again: reads (of variables the function leaves alone).
_REPLAYABLE_STATEFUL = frozenset(("ReadVariableOp", "Placeholder"))


class ConcreteFunction:
    """A traced graph with its input signature and output structure.

    >>> f = tf.function(lambda x: x * 2)
    >>> cf = f.get_concrete_function(tf.TensorSpec([None], tf.float32))
    >>> cf(tf.constant([1.0, 2.0])).numpy()
    array([2., 4.], dtype=float32)
    """

    def __init__(
        self,
        name,
        graph: ir.Graph,
        signature,
        structured_outputs,
        flat_outputs,
        python_function,
        argument_names=(),
    ):
        self._name = name
        self._argument_names = list(argument_names)  # one per flat input, tensors or not
        self.graph = graph
        # (args, kwargs) with TensorSpecs for tensor inputs and the values of Python inputs
        self.structured_input_signature = signature
        self.structured_outputs = structured_outputs
        traced = [t for t in flat_outputs if isinstance(t, ir.SymbolicTensor)]
        optimized = pipeline.optimize(graph, traced)
        renamed = {id(old): new for old, new in zip(traced, optimized)}
        # SymbolicTensors and constant leaves, in nest order
        self._flat_outputs = [renamed.get(id(t), t) for t in flat_outputs]
        self._output_tensors = optimized
        self._single_output = isinstance(structured_outputs, ir.SymbolicTensor)
        self._variables = [v for v, _ in graph.variable_captures.values()]
        self._handles = [h for _, h in graph.variable_captures.values()]
        self._executor = Executor(graph, graph.inputs + self._handles, self._output_tensors)
        self._replayable = all(
            not node.op.stateful or node.op.name in _REPLAYABLE_STATEFUL for node in graph.nodes
        )
        self.python_function = python_function

    # -- introspection ------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def inputs(self) -> list:
        return self.graph.inputs + self._handles

    @property
    def outputs(self) -> list:
        return list(self._output_tensors)

    @property
    def captured_inputs(self) -> list:
        return list(self._variables)

    @property
    def variables(self) -> tuple:
        return tuple(self._variables)

    @property
    def trainable_variables(self) -> tuple:
        return tuple(v for v in self._variables if v.trainable)

    @property
    def output_dtypes(self):
        return nest.map_structure(lambda t: t.dtype, self.structured_outputs)

    @property
    def output_shapes(self):
        return nest.map_structure(lambda t: t.shape, self.structured_outputs)

    def pretty_printed_signature(self, verbose=True) -> str:
        args, kwargs = self.structured_input_signature
        flat = nest.flatten([*args, *kwargs.values()])  # parameter order, as the names are
        params = ", ".join(f"{n}: {_describe_input(s)}" for n, s in zip(self._argument_names, flat))
        outputs = nest.map_structure(_describe_output, self.structured_outputs)
        return f"Input Parameters:\n  {params}\nOutput Type:\n  {outputs}"

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        args_spec, kwargs_spec = self.structured_input_signature
        signature = inspect.signature(self.python_function)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(
                f"{self._name}: {error}; signature: {self.pretty_printed_signature()}"
            ) from None
        bound.apply_defaults()
        spec_bound = signature.bind(*args_spec, **kwargs_spec)
        spec_bound.apply_defaults()
        flat_all = nest.flatten(list(spec_bound.arguments.values()))
        flat_specs, flat_values = [], []
        for value, spec in zip(nest.flatten(list(bound.arguments.values())), flat_all):
            if isinstance(spec, TensorSpec):
                flat_specs.append(spec)
                flat_values.append(value)
            elif isinstance(spec, TypeSpec):  # a composite: its components are the inputs
                flat_specs.extend(spec._component_specs)
                flat_values.extend(spec._to_components(value))
        if len(flat_values) != len(flat_specs):
            raise TypeError(
                f"{self._name}: expected {len(flat_specs)} tensor arguments "
                f"({self.pretty_printed_signature()}), got {len(flat_values)}."
            )
        return self.call_flat(flat_values)

    def call_flat(self, tensors: list, checked: bool = False):
        """Runs the graph on the flat list of tensor inputs; returns the structured outputs."""
        if not checked:
            tensors = [
                _as_input(t, p, i, self._name)
                for i, (t, p) in enumerate(zip(tensors, self.graph.inputs))
            ]
        state = context.state
        if state.graph is not None:
            results = self._interpret(tensors)
        elif state.observers:
            # A function without side effects is one recorded op whose backward recomputes
            # it; one that updates variables or draws random numbers runs op by op, so the
            # tapes see the values it really used.
            if self._replayable:
                results = self._run_recorded(tensors, state.observers)
            else:
                results = self._interpret(tensors)
        else:
            results = self._run(tensors)
        if self._single_output:
            return results[0]
        leaves = iter(results)
        flat = [next(leaves) if isinstance(t, ir.SymbolicTensor) else t for t in self._flat_outputs]
        return nest.pack_sequence_as(self.structured_outputs, flat, expand_composites=True)

    def _run(self, tensors) -> list:
        device = context.state.device or device_lib.default_device()
        feeds = [t._value for t in tensors] + self._variables
        arrays = self._executor.run(feeds, device.xp)
        return [wrap(a, device) for a in arrays]

    # -- gradients: the call is one recorded op whose backward is a traced, cached function -------
    def _run_recorded(self, tensors, observers) -> list:
        """Runs the graph, then tells the tapes: one op from the inputs and captured variables
        to the outputs, differentiated by `_backward` (TF's PartitionedCall and its gradient)."""
        outputs = self._run(tensors)
        inputs = [*tensors, *self._variables]
        for observer in observers:
            for variable in self._variables:
                observer.variable_accessed(variable)
            observer.record(self._call_op, inputs, outputs, _NO_ATTRS)
        return outputs

    @functools.cached_property
    def _call_op(self) -> OpDef:
        return OpDef(
            name="PartitionedCall",
            kernel=None,
            infer=None,
            grad=self._gradient,
            inputs=("args*",),
            outputs=("output*",),
            attrs=("f",),
        )

    def _gradient(self, op, *dys) -> list:
        dys = [array_ops.zeros_like(o) if d is None else d for d, o in zip(dys, op.outputs)]
        count = len(self.graph.inputs)
        grads = self._backward.call_flat([*op.inputs[:count], *dys])
        return list(grads)

    @functools.cached_property
    def _backward(self):
        """The gradient of this function as a ConcreteFunction, traced once: it replays the
        forward graph under a tape (recomputing what the gradient needs) and differentiates."""
        from tensorflux._src.autodiff.tape import GradientTape
        from tensorflux._src.function.tracing import Function

        forward = self
        count = len(self.graph.inputs)

        def backward(*args):
            inputs, dys = list(args[:count]), list(args[count:])
            with GradientTape(watch_accessed_variables=False) as tape:
                for tensor in inputs:
                    if tensor.dtype._kind in ("f", "c"):  # integer inputs get no gradient
                        tape.watch(tensor)
                for variable in forward._variables:
                    tape.watch(variable)
                values = dict(zip(map(id, forward.graph.inputs), inputs))
                outputs = graph_control_flow.interpret(
                    forward.graph,
                    values,
                    forward._output_tensors,
                    forward._handles,
                    forward._variables,
                )
            kept = [(o, d) for o, d in zip(outputs, dys) if o.dtype._kind in ("f", "c")]
            sources = [*inputs, *forward._variables]
            grads = tape.gradient(
                [o for o, _ in kept], sources, output_gradients=[d for _, d in kept]
            )
            return [
                (array_ops.zeros_like(s) if g is None else array_ops.densify(g))
                if s.dtype._kind in ("f", "c")
                else None
                for s, g in zip(sources, grads)
            ]

        specs = [TensorSpec(t.shape, t.dtype) for t in self.graph.inputs]
        specs += [TensorSpec(t.shape, t.dtype) for t in self._output_tensors]
        function = Function(
            backward, name=f"{self._name}_backward", input_signature=specs, autograph=False
        )
        return function.get_concrete_function()

    def _interpret(self, tensors) -> list:
        """Node by node through `apply`: tapes watching the call record every op, and a call
        made while tracing another function copies these nodes into that function's graph."""
        values = dict(zip(map(id, self.graph.inputs), tensors))
        return graph_control_flow.interpret(
            self.graph, values, self._output_tensors, self._handles, self._variables
        )

    def __repr__(self):
        return f"<ConcreteFunction {self._name} at {id(self):#x}>"


def _as_input(value, placeholder, position: int, function_name: str) -> Tensor:
    if isinstance(value, Variable):
        value = value.value()
    if not isinstance(value, Tensor):
        from tensorflux._src.core.convert import convert_to_tensor

        value = convert_to_tensor(value, dtype=placeholder.dtype)
    if value.dtype is not placeholder.dtype:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"cannot compute {function_name} as input #{position}(zero-based) was expected to "
            f"be a {placeholder.dtype.name} tensor but is a {value.dtype.name} tensor "
            f"[Op:{function_name}]",
        )
    if isinstance(value, EagerTensor) and not placeholder.shape.is_compatible_with(value.shape):
        raise TypeError(
            f"Expected a tensor of shape {placeholder.shape} for argument "
            f"{placeholder.name.split(':')[0]!r}, got shape {value.shape}."
        )
    return value


def _describe_input(spec) -> str:
    if isinstance(spec, TensorSpec):
        return f"TensorSpec(shape={spec.shape}, dtype={spec.dtype!r}, name={spec.name!r})"
    return f"Literal[{spec!r}]"


def _describe_output(tensor) -> str:
    if isinstance(tensor, Tensor):
        return f"TensorSpec(shape={tensor.shape}, dtype={tensor.dtype!r}, name=None)"
    return repr(tensor)
