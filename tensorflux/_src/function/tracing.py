"""`tf.function`: trace a Python function into graphs, keyed as TF keys its trace cache.

A call's arguments become a cache key: tensors by dtype and shape, variables by identity,
Python values by value (objects by identity), nests by their structure. A key seen before
reuses its ConcreteFunction; a new one traces again, and frequent retracing is reported with
the argument that changed and how, which TF's warning does not say.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
import weakref

from tensorflux._src.autograph import api as autograph
from tensorflux._src.core import config, context, log, nest
from tensorflux._src.core.composite import CompositeTensor, TypeSpec
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.core.variable import Variable
from tensorflux._src.function.concrete import ConcreteFunction
from tensorflux._src.graph import ir

_RETRACE_WARNING_THRESHOLD = 5  # TF warns after this many traces of one function too


class _TensorKey:
    """A tensor argument in a cache key: its dtype and (possibly relaxed) shape."""

    __slots__ = ("dtype", "shape")

    def __init__(self, dtype, shape: TensorShape):
        self.dtype = dtype
        self.shape = shape

    def __eq__(self, other):
        return (
            isinstance(other, _TensorKey)
            and self.dtype is other.dtype
            and self.shape == other.shape
        )

    def __hash__(self):
        return hash((id(self.dtype), self.shape))

    def __repr__(self):
        return f"{self.dtype.name}{self.shape}"


def _fast_key(args):
    """A cheap key for calls whose arguments are all eager tensors or Python scalars."""
    key = []
    for arg in args:
        kind = type(arg)
        if kind is EagerTensor:
            key.append((arg._dtype, arg._value.shape))
        elif kind in (int, float, bool, str) or arg is None:
            key.append((kind, arg))
        else:
            return None
    return tuple(key)


def _leaf_key(value):
    if isinstance(value, _SpecValue):
        if isinstance(value.spec, TypeSpec):
            return value.spec
        return _TensorKey(value.spec.dtype, value.spec.shape)
    if isinstance(value, Tensor):
        return _TensorKey(value.dtype, value.shape)
    if isinstance(value, Variable):
        return ("variable", id(value))
    if isinstance(value, TensorSpec):
        return _TensorKey(value.dtype, value.shape)
    if isinstance(value, CompositeTensor):  # a SparseTensor, a RaggedTensor: keyed by type
        return value._type_spec
    if isinstance(value, TypeSpec):
        return value
    try:
        hash(value)
    except TypeError:
        return _ObjectKey(value)
    return (type(value), value)


class _ObjectKey:
    """An unhashable argument in a cache key: the object itself, held weakly when possible, so
    a new object that reuses a dead one's id never matches its trace (TF keys objects so too)."""

    __slots__ = ("_id", "_ref")

    def __init__(self, value):
        self._id = id(value)
        try:
            self._ref = weakref.ref(value)
        except TypeError:  # not weakly referenceable: keep it alive for the key's lifetime
            self._ref = lambda value=value: value

    def __eq__(self, other):
        return (
            isinstance(other, _ObjectKey)
            and self._id == other._id
            and self._ref() is not None
            and self._ref() is other._ref()
        )

    def __hash__(self):
        return self._id

    def __repr__(self):
        return f"object at {self._id:#x}"


def _structure(value):
    """The nest's skeleton: container types and dict keys, leaves erased."""
    return nest.map_structure(lambda _: None, value)


class Function:
    """A Python function compiled into graphs on its first calls; see `tf.function`."""

    def __init__(
        self,
        python_function,
        name=None,
        input_signature=None,
        autograph=True,
        jit_compile=None,
        reduce_retracing=False,
        experimental_autograph_options=None,
        experimental_attributes=None,
    ):
        self._python_function = python_function
        self._name = name or getattr(python_function, "__name__", "function")
        self._input_signature = None if input_signature is None else list(input_signature)
        self._autograph = autograph
        self._jit_compile = jit_compile
        self._reduce_retracing = reduce_retracing
        self._signature = inspect.signature(python_function)
        self._cache: dict = {}
        self._fast_cache: dict = {}  # positional eager calls: (dtype, shape)/value per argument
        self._lock = threading.RLock()
        self._tracing_count = 0
        self._last_keys: dict | None = None
        self._relaxed: dict = {}  # structure+dtypes -> the shapes seen, for reduce_retracing
        self._exact_cache: dict = {}  # (structure, exact keys) -> the concrete function used
        self._created_variables = False
        self._bound: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        functools.update_wrapper(self, python_function)

    # -- binding to instances (tf.function on methods) ----------------------------------------
    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        try:
            bound = self._bound.get(instance)
        except TypeError:  # not weakly referenceable: a fresh Function per access
            bound = None
        if bound is None:
            bound = Function(
                self._python_function.__get__(instance, owner),
                self._name,
                self._input_signature,
                self._autograph,
                self._jit_compile,
                self._reduce_retracing,
            )
            with contextlib.suppress(TypeError):  # not weakly referenceable
                self._bound[instance] = bound
        return bound

    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return None if self._input_signature is None else tuple(self._input_signature)

    @property
    def function_spec(self):
        return self._signature

    def experimental_get_tracing_count(self) -> int:
        return self._tracing_count

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if config.functions_run_eagerly():
            return self._python_function(*args, **kwargs)
        fast_key = None if kwargs or self._reduce_retracing else _fast_key(args)
        if fast_key is not None:
            concrete = self._fast_cache.get(fast_key)
            if concrete is not None:  # the hot path: no binding, flattening or checking
                return concrete.call_flat([a for a in args if type(a) is EagerTensor], checked=True)
        with self._lock:  # one trace at a time: tf.data and servers call functions from threads
            concrete, tensors = self._concrete(args, kwargs)
        cacheable = (
            fast_key is not None
            and len(tensors) == len(concrete.graph.inputs)
            and all(type(t) is EagerTensor for t in tensors)
            and len(tensors) == sum(type(a) is EagerTensor for a in args)
        )
        if cacheable:
            self._fast_cache[fast_key] = concrete
        return concrete.call_flat(tensors)

    def get_concrete_function(self, *args, **kwargs) -> ConcreteFunction:
        """The ConcreteFunction for these arguments (TensorSpecs allowed), tracing if needed."""
        if not args and not kwargs and self._input_signature is not None:
            args = tuple(self._input_signature)
        with self._lock:
            return self._concrete(args, kwargs)[0]

    def _bind(self, args, kwargs):
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(
                f"Binding inputs to tf.function `{self._name}` failed due to `{error}`."
            ) from None
        bound.apply_defaults()
        return bound

    def _concrete(self, args, kwargs):
        if self._input_signature is not None:
            args, kwargs = self._check_signature(args, kwargs)
        bound = self._bind(args, kwargs)
        arguments = list(bound.arguments.values())  # parameter order, not dict key order
        flat = nest.flatten(arguments)
        keys = tuple(_leaf_key(v) for v in flat)
        structure = repr(_structure(arguments))
        relaxing = self._reduce_retracing and self._input_signature is None
        # With reduce_retracing, calls whose exact shapes were seen before skip the relaxing.
        concrete = self._exact_cache.get((structure, keys)) if relaxing else None
        if concrete is None:
            exact_key = (structure, keys)
            if relaxing:
                keys = self._relax(structure, keys)
            key = (structure, keys)
            concrete = self._cache.get(key)
            if concrete is None:
                self._report_retrace(arguments, keys)
                concrete = self._trace(bound, arguments, keys)
                self._cache[key] = concrete
            if relaxing:
                self._exact_cache[exact_key] = concrete
        tensors = []
        for value, key in zip(flat, keys):
            if isinstance(value, _SpecValue):
                value = value.tensor
            if isinstance(key, _TensorKey):
                tensors.append(value)
            elif isinstance(key, TypeSpec) and isinstance(value, CompositeTensor):
                tensors.extend(value._to_components())
        return concrete, tensors

    def _relax(self, structure: str, keys):
        """reduce_retracing: a tensor whose shape changed gets None in the dims that differ."""
        family = (
            structure,
            tuple(k.dtype.name if isinstance(k, _TensorKey) else k for k in keys),
        )
        seen = self._relaxed.get(family)
        if seen is None:
            self._relaxed[family] = keys
            return keys
        relaxed = tuple(
            _TensorKey(k.dtype, k.shape.most_specific_compatible_shape(s.shape))
            if isinstance(k, _TensorKey)
            else k
            for k, s in zip(keys, seen)
        )
        self._relaxed[family] = relaxed
        return relaxed

    def _check_signature(self, args, kwargs):
        """Calls with an input_signature: every input must match its TensorSpec (TF's rule)."""
        signature = self._input_signature
        if kwargs:
            parameters = list(self._signature.parameters)
            args = tuple(args) + tuple(
                kwargs.pop(p) for p in parameters[len(args) : len(signature)] if p in kwargs
            )
        if len(args) > len(signature):
            raise TypeError(
                f"Binding inputs to tf.function `{self._name}` failed due to `too many positional "
                f"arguments`: the input_signature has {len(signature)} entries, got {len(args)}."
            )
        if len(args) < len(signature):
            raise TypeError(
                f"Binding inputs to tf.function `{self._name}` failed due to `missing a required "
                f"argument`: the input_signature has {len(signature)} entries, got {len(args)}."
            )
        checked = []
        for value, spec in zip(args, signature):
            # Only as deep as the signature: a list given for a TensorSpec is one tensor.
            try:
                leaves = nest.flatten_up_to(spec, value, check_types=False)
            except (TypeError, ValueError) as error:
                raise TypeError(
                    f"Binding inputs to tf.function `{self._name}` failed due to `{value!r} does "
                    f"not match the structure of {spec!r}: {error}`"
                ) from None

            def check(spec, value):
                if isinstance(spec, TypeSpec):
                    if isinstance(value, TypeSpec) and value == spec:
                        return spec
                    if not spec.is_compatible_with(value):
                        raise TypeError(
                            f"Binding inputs to tf.function `{self._name}` failed due to `Can not "
                            f"cast {value!r} to {spec!r}`. Received args: {args} and kwargs: "
                            f"{kwargs} for signature: {signature}."
                        )
                    return _SpecValue(spec, value)
                if isinstance(spec, TensorSpec):
                    if isinstance(value, TensorSpec):
                        return spec
                    tensor = value.value() if isinstance(value, Variable) else value
                    if not isinstance(tensor, Tensor):
                        from tensorflux._src.core.convert import convert_to_tensor

                        tensor = convert_to_tensor(value, dtype_hint=spec.dtype)
                    if not spec.is_compatible_with(tensor):
                        raise TypeError(
                            f"Binding inputs to tf.function `{self._name}` failed due to `Can not "
                            f"cast {TensorSpec.from_tensor(tensor)!r} to {spec!r}`. Received "
                            f"args: {args} and kwargs: {kwargs} for signature: {signature}."
                        )
                    return _SpecValue(spec, tensor)
                return value

            checked.append(
                nest.pack_sequence_as(
                    spec, [check(s, v) for s, v in zip(nest.flatten(spec), leaves)]
                )
            )
        return tuple(checked), kwargs

    def _report_retrace(self, arguments, keys) -> None:
        if self._tracing_count + 1 >= _RETRACE_WARNING_THRESHOLD and self._last_keys is not None:
            changes = []
            for (name, value), (_, before) in zip(
                self._flat_named(arguments, keys), self._last_keys
            ):
                if value != before:
                    changes.append(
                        f"argument `{name}`: {_describe_key(before)} → {_describe_key(value)}"
                    )
            log.logger.warning(
                "tf.function `%s` is being traced for the %d%s time; %s. Use input_signature or "
                "reduce_retracing=True to reuse a trace, or pass tensors instead of Python values.",
                self._name,
                self._tracing_count + 1,
                _ordinal(self._tracing_count + 1),
                "; ".join(changes) or "the arguments changed structure",
            )
        self._last_keys = self._flat_named(arguments, keys)

    def _flat_named(self, arguments, keys):
        return list(
            zip(_leaf_names(self._signature, list(self._signature.parameters), arguments), keys)
        )

    # -- tracing ------------------------------------------------------------------------------
    def _trace(self, bound, arguments, keys) -> ConcreteFunction:
        self._tracing_count += 1
        graph = ir.Graph(self._name)
        flat = nest.flatten(arguments)
        names = _leaf_names(self._signature, list(bound.arguments), arguments)
        symbolic, specs = [], []
        state = context.state
        saved = (state.graph, state.observers, state.name_scope)
        state.graph, state.observers, state.name_scope = graph, [], ""
        try:
            for value, key, name in zip(flat, keys, names):
                if isinstance(key, _TensorKey):
                    spec_name = value.spec.name if isinstance(value, _SpecValue) else None
                    placeholder = graph.placeholder(key.dtype, key.shape, name=spec_name or name)
                    graph.inputs.append(placeholder)
                    symbolic.append(placeholder)
                    specs.append(TensorSpec(key.shape, key.dtype, spec_name or name))
                elif isinstance(key, TypeSpec):  # components become inputs; rebuilt around them
                    components = []
                    for index, component in enumerate(key._component_specs):
                        placeholder = graph.placeholder(
                            component.dtype, component.shape, name=f"{name}_{index}"
                        )
                        graph.inputs.append(placeholder)
                        components.append(placeholder)
                    symbolic.append(key._from_components(components))
                    specs.append(key)
                else:
                    symbolic.append(value)
                    specs.append(value)
            call_args = nest.pack_sequence_as(arguments, symbolic)
            for parameter, value in zip(list(bound.arguments), call_args):
                bound.arguments[parameter] = value
            function = self._converted()
            outputs = function(*bound.args, **bound.kwargs)
            outputs = nest.map_structure(
                lambda t: _as_output(graph, t), outputs, expand_composites=True
            )
        finally:
            state.graph, state.observers, state.name_scope = saved
        if graph.created_variables:
            if self._created_variables:
                raise ValueError(
                    f"tf.function `{self._name}` only supports singleton tf.Variables created on "
                    "the first call. Make sure the tf.Variable is only created once or created "
                    "outside tf.function."
                )
            self._created_variables = True
        args_spec, kwargs_spec = _structured_signature(
            self._signature, list(bound.arguments), nest.pack_sequence_as(arguments, specs)
        )
        return ConcreteFunction(
            self._name,
            graph,
            (args_spec, kwargs_spec),
            outputs,
            nest.flatten(outputs, expand_composites=True),
            self._python_function,
            names,
        )

    def _converted(self):
        if not self._autograph:
            return self._python_function
        return autograph.convert(self._python_function, recursive=True)

    def __repr__(self):
        return f"<tensorflux.function.Function {self._name}>"


def _structured_signature(signature, parameters, values) -> tuple[tuple, dict]:
    """TF's (args, kwargs) of specs: *args spread into args and **kwargs into kwargs, so a
    concrete function takes the same call as its Python function."""
    args, kwargs = [], {}
    for parameter, value in zip(parameters, values):
        kind = signature.parameters[parameter].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            args.extend(value)
        elif kind is inspect.Parameter.VAR_KEYWORD:
            kwargs.update(value)
        elif kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[parameter] = value
        else:
            args.append(value)
    return tuple(args), kwargs


def _leaf_names(signature, parameters, values) -> list[str]:
    """A name per flat leaf: the parameter's, with the path inside a nest appended (a **kwargs
    entry goes by its own key, as in TF)."""
    names = []
    for parameter, value in zip(parameters, values):
        spread = signature.parameters[parameter].kind is inspect.Parameter.VAR_KEYWORD
        for path, _ in nest.flatten_with_joined_string_paths(value):
            path = path.replace("/", "_")
            names.append(path if spread else f"{parameter}_{path}" if path else parameter)
    return names


class _SpecValue:
    """A value checked against an input_signature entry: traced with the entry's spec."""

    __slots__ = ("spec", "tensor")

    def __init__(self, spec, tensor):
        self.spec = spec
        self.tensor = tensor


def _as_output(graph: ir.Graph, value):
    if isinstance(value, ir.SymbolicTensor) or value is None:
        return value
    if isinstance(value, Tensor):  # an eager tensor from outside: a constant of this graph
        return graph._as_graph_tensor(value)
    if isinstance(value, Variable):
        return graph.read_variable(value)
    if isinstance(value, (int, float, bool, complex)) or hasattr(value, "dtype"):
        from tensorflux._src.core.convert import convert_to_tensor

        return convert_to_tensor(value)
    return value


def _describe_key(key) -> str:
    if isinstance(key, _TensorKey):
        return f"{key.dtype.name} tensor of shape {key.shape}"
    if isinstance(key, _ObjectKey):
        return repr(key)
    if isinstance(key, tuple) and len(key) == 2 and key[0] == "variable":
        return f"variable at {key[1]:#x}"
    return f"Python {key[0].__name__} {key[1]!r}" if isinstance(key, tuple) else repr(key)


def _ordinal(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def function(
    func=None,
    input_signature=None,
    autograph=True,
    jit_compile=None,
    reduce_retracing=False,
    experimental_implements=None,
    experimental_autograph_options=None,
    experimental_attributes=None,
    experimental_relax_shapes=None,
    experimental_compile=None,
    experimental_follow_type_hints=None,
    name=None,
):
    """`tf.function`: compiles a Python function into a callable graph.

    >>> @tf.function
    ... def square_sum(x):
    ...     return tf.reduce_sum(x * x)
    >>> square_sum(tf.constant([1.0, 2.0])).numpy()
    np.float32(5.0)
    """
    relax = reduce_retracing or bool(experimental_relax_shapes)

    def decorate(fn):
        return Function(
            fn,
            name=name,
            input_signature=input_signature,
            autograph=autograph,
            jit_compile=jit_compile or experimental_compile,
            reduce_retracing=relax,
        )

    return decorate if func is None else decorate(func)
