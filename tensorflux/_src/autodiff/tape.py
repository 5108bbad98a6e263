"""`tf.GradientTape`: records the ops run on watched tensors, then differentiates them."""

from __future__ import annotations

import contextlib
import enum

from tensorflux._src.autodiff import backprop, compiled_backward
from tensorflux._src.core import context, log, nest, registry
from tensorflux._src.core import variable as variable_lib
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.core.variable import READ_VARIABLE_OP, Variable
from tensorflux._src.ops import array_ops

_log = log.logger


_TRAINABLE_KINDS = ("f", "c")  # floating and complex tensors carry gradients
_EAGER_OR_VARIABLE = (EagerTensor, Variable)
_NO_ATTRS: dict = {}  # the attrs of every recorded variable read; nothing changes it


class UnconnectedGradients(enum.Enum):
    """What `gradient` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class GradientTape(context.Observer):
    """Records operations for automatic differentiation.

    Trainable variables read inside the `with` block are watched automatically; tensors must
    be watched with `tape.watch`.

    >>> x = tf.Variable(3.0)
    >>> with tf.GradientTape() as tape:
    ...     y = x ** 2
    >>> tape.gradient(y, x).numpy()
    np.float32(6.0)
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._recording = False
        self._used = False
        self._watched: dict[int, object] = {}  # id -> watched tensor or variable
        # What was watched directly (not op outputs), in watch order: id -> tensor or variable.
        self._roots: dict[int, object] = {}
        self._records: list[tuple] = []

    # -- recording ----------------------------------------------------------------------------
    def __enter__(self) -> GradientTape:
        if self._recording:
            raise ValueError(
                "Tape is still recording, This can happen if you try to re-enter an already-active tape."
            )
        self._push()
        return self

    def __exit__(self, *exc) -> None:
        if self._recording:
            self._pop()

    def _push(self) -> None:
        context.push_observer(self)
        self._recording = True

    def _pop(self) -> None:
        context.remove_observer(self)
        self._recording = False

    def record(self, op, inputs, outputs, attrs) -> None:
        watched = self._watched
        for tensor in inputs:
            if id(tensor) in watched:
                break
        else:
            return
        self._records.append((op, inputs, outputs, attrs))
        for output in outputs:
            if output._dtype._kind in _TRAINABLE_KINDS:
                watched[id(output)] = output

    def _read(self, variable: Variable, tensor: EagerTensor) -> None:
        """`variable_accessed`, then `record` of the read, in one call (`observe_reads`)."""
        watched = self._watched
        key = id(variable)
        if key not in watched:
            if not (self._watch_accessed_variables and variable.trainable):
                return
            watched[key] = self._roots[key] = variable
        self._records.append((READ_VARIABLE_OP, (variable,), [tensor], _NO_ATTRS))
        if tensor._dtype._kind in _TRAINABLE_KINDS:
            watched[id(tensor)] = tensor

    def variable_accessed(self, variable: Variable) -> None:
        if self._watch_accessed_variables and variable.trainable:
            self._watch_one(variable)

    def watch(self, tensor) -> None:
        """Ensures that `tensor` (a tensor, variable, or a nest of them) is traced by this tape."""
        for item in nest.flatten(tensor, expand_composites=True):
            if not isinstance(item, (Tensor, Variable)):
                raise ValueError(
                    f"Passed in object {item!r} of type {type(item).__name__!r}, not tf.Tensor or tf.Variable or ExtensionType."
                )
            if not backprop.is_trainable(item.dtype):
                _log.warning(
                    "The dtype of the watched tensor must be floating (e.g. tf.float32), got %r",
                    item.dtype,
                )
                continue
            self._watch_one(item)

    def _watch_one(self, item) -> None:
        if id(item) not in self._watched:
            self._watched[id(item)] = self._roots[id(item)] = item

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stops recording: ops run inside are not differentiated."""
        if not self._recording:
            raise ValueError("Tape must be recording when stop_recording is called.")
        self._pop()
        try:
            yield
        finally:
            self._push()

    def reset(self) -> None:
        """Clears everything recorded, so the tape can be used again."""
        self._watched.clear()
        self._roots.clear()
        self._records.clear()
        self._used = False

    def watched_variables(self) -> tuple:
        return tuple(item for item in self._roots.values() if isinstance(item, Variable))

    # -- differentiation ----------------------------------------------------------------------
    def _check_usable(self) -> None:
        if self._used and not self._persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients (or jacobians)"
            )

    @contextlib.contextmanager
    def _differentiating(self):
        """A non-persistent tape stops for good; a persistent one keeps recording its own
        gradient computation (TF's behaviour), which allows higher-order gradients."""
        self._check_usable()
        if self._recording and not self._persistent:
            self._pop()
        try:
            yield
        finally:
            if not self._persistent:
                self._used = True

    def gradient(
        self,
        target,
        sources,
        output_gradients=None,
        unconnected_gradients=UnconnectedGradients.NONE,
    ):
        """The gradient of `target` (summed over its elements) with respect to `sources`.

        Args:
          target: a tensor, or a nest of tensors whose gradients are summed.
          sources: a tensor or variable, or a nest of them; the result has the same structure.
          output_gradients: upstream gradients for `target`, one per target tensor.
          unconnected_gradients: `NONE` (return None) or `ZERO` for unconnected sources.
        """
        self._check_usable()
        if self._recording and not self._persistent:
            self._pop()
        try:
            return self._gradient(target, sources, output_gradients, unconnected_gradients)
        finally:
            if not self._persistent:
                self._used = True

    def _gradient(self, target, sources, output_gradients, unconnected_gradients):
        unconnected = (
            unconnected_gradients
            if type(unconnected_gradients) is UnconnectedGradients
            else UnconnectedGradients(unconnected_gradients)
        )
        if target is None:
            raise TypeError(
                "Argument `target` should be a list or nested structure of Tensors, Variables or "
                "CompositeTensors to be differentiated, but received None."
            )
        targets = (
            [target] if type(target) is EagerTensor else [_as_target(t) for t in _flat(target)]
        )
        # A list of tensors and variables (the common case) is its own flat list, and its
        # gradients go back as a list; any other structure is flattened and packed.
        plain = type(sources) is list
        checked = _checked_sources(sources) if plain else None
        if checked is None:
            plain = False
            flat_sources = _flat(sources)
            checked = _checked_sources(flat_sources)
            if checked is None:
                source = next(s for s in flat_sources if not isinstance(s, (Tensor, Variable)))
                raise ValueError(
                    f"Passed in object {source!r} of type {type(source).__name__!r}, not tf.Tensor or tf.Variable or ExtensionType."
                )
        else:
            flat_sources = sources
        trainable_sources, is_source = checked
        if output_gradients is None:
            seeds = [None] * len(targets)
        else:
            seeds = nest.flatten(output_gradients)
            if len(seeds) != len(targets):
                raise ValueError(
                    f"Length of output_gradients ({len(seeds)}) does not match the number of "
                    f"targets ({len(targets)})."
                )
        kept_targets, kept_seeds = [], []
        for t, seed in zip(targets, seeds):
            if t.dtype._kind in _TRAINABLE_KINDS:
                kept_targets.append(t)
                # None stands for a seed of ones until the eager walk needs the tensor: the
                # compiled pass folds ones into its graph.
                kept_seeds.append(None if seed is None else array_ops.convert(seed, t.dtype))
            else:
                _log.warning(
                    "The dtype of the target tensor must be floating (e.g. tf.float32) when calling GradientTape.gradient, got %r",
                    t.dtype,
                )
        # A tape still recording (a persistent one) records its own backward pass: walk a copy.
        records = list(self._records) if self._recording else self._records
        grads = compiled_backward.gradients(
            records, kept_targets, kept_seeds, trainable_sources, is_source
        )
        if grads is None:  # the eager walk: first use of this tape's shape, or not compilable
            seeds = [_ones_like(t) if s is None else s for t, s in zip(kept_targets, kept_seeds)]
            source_ids = {id(s) for s in trainable_sources}
            # When every watched root is a source, every recorded op is on a path from one.
            reachable = self._watched.copy() if self._roots.keys() <= source_ids else None
            grads = backprop.backward(records, kept_targets, seeds, trainable_sources, reachable)
        if unconnected is UnconnectedGradients.ZERO:
            grads = [
                array_ops.zeros_like(s) if g is None else g for g, s in zip(grads, flat_sources)
            ]
        if plain:
            return grads
        if isinstance(sources, (Tensor, Variable)):
            return grads[0]
        return nest.pack_sequence_as(sources, grads)

    def jacobian(
        self,
        target,
        sources,
        unconnected_gradients=UnconnectedGradients.NONE,
        parallel_iterations=None,
        experimental_use_pfor=True,
    ):
        """The Jacobian of `target` with respect to each source: shape target.shape + source.shape.

        >>> x = tf.constant([1.0, 2.0])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.jacobian(y, x).numpy()
        array([[2., 0.],
               [0., 4.]], dtype=float32)
        """
        with self._differentiating():
            target = _as_target(target)
            flat_sources = nest.flatten(sources)
            size = target.shape.num_elements()
            rows = []
            for i in range(size):
                seed = array_ops.reshape(
                    array_ops.one_hot(i, size, dtype=target.dtype), array_ops.shape(target)
                )
                rows.append(self._gradient(target, flat_sources, [seed], unconnected_gradients))
            result = []
            for j, source in enumerate(flat_sources):
                parts = [row[j] for row in rows]
                result.append(_stack_rows(parts, target, source, unconnected_gradients))
            return nest.pack_sequence_as(sources, result)

    def batch_jacobian(
        self,
        target,
        source,
        unconnected_gradients=UnconnectedGradients.NONE,
        parallel_iterations=None,
        experimental_use_pfor=True,
    ):
        """Per-example Jacobians: for `target[i]` and `source[i]`, shape (b,) + t.shape[1:] + s.shape[1:].

        Assumes, as TF does, that each `target[i]` depends only on `source[i]`.
        """
        with self._differentiating():
            target = _as_target(target)
            batch = target.shape[0]
            if source.shape[0] != batch:
                raise ValueError(
                    f"Need first dimension of target shape ({target.shape}) and source shape "
                    f"({source.shape}) to match."
                )
            inner = target.shape[1:].num_elements()
            rows = []
            for j in range(inner):
                seed = array_ops.one_hot(array_ops.fill([batch], j), inner, dtype=target.dtype)
                seed = array_ops.reshape(seed, array_ops.shape(target))
                grad = self._gradient(target, [source], [seed], unconnected_gradients)[0]
                if grad is None:
                    return None
                rows.append(array_ops.reshape(array_ops.densify(grad), [batch, -1]))
            stacked = array_ops.stack(rows, axis=1)  # (batch, inner, source_inner)
            return array_ops.reshape(stacked, target.shape.as_list() + source.shape[1:].as_list())


class _NotASource:
    """Stands for an integer source: no gradient reaches it."""

    dtype = None


_NOT_A_SOURCE = _NotASource()


def _flat(structure) -> list:
    """nest.flatten, with a fast path for a tensor or a flat list of tensors and variables."""
    if isinstance(structure, (Tensor, Variable)):
        return [structure]
    if type(structure) in (list, tuple) and all(
        isinstance(s, (Tensor, Variable)) for s in structure
    ):
        return list(structure)
    return nest.flatten(structure)


def _checked_sources(items):
    """(sources, which are eager tensors or variables) for `items`, integer ones replaced by
    _NOT_A_SOURCE (they get None); None if an item is not a tensor or variable."""
    trainable_sources, is_source = [], []
    for source in items:
        kind = type(source)
        if kind is EagerTensor or kind is Variable:
            trainable = source._dtype._kind in _TRAINABLE_KINDS
            is_source.append(trainable)
        elif isinstance(source, (Tensor, Variable)):
            trainable = source.dtype._kind in _TRAINABLE_KINDS
            is_source.append(trainable and isinstance(source, _EAGER_OR_VARIABLE))
        else:
            return None
        trainable_sources.append(source if trainable else _NOT_A_SOURCE)
    return trainable_sources, tuple(is_source)


def _ones_like(tensor):
    """The seed of a target: made directly when eager (a constant carries no gradient)."""
    if type(tensor) is EagerTensor:
        return EagerTensor(
            tensor._device.xp.ones_like(tensor._value), tensor._dtype, tensor._device
        )
    return array_ops.ones_like(tensor)


def _as_target(target) -> Tensor:
    if isinstance(target, Variable):
        return target.value()
    return array_ops.convert(target)


def _stack_rows(parts, target, source, unconnected_gradients):
    if all(p is None for p in parts):
        if UnconnectedGradients(unconnected_gradients) is UnconnectedGradients.ZERO:
            return array_ops.zeros(target.shape.as_list() + source.shape.as_list(), source.dtype)
        return None
    dense = [array_ops.zeros_like(source) if p is None else array_ops.densify(p) for p in parts]
    return array_ops.reshape(
        array_ops.stack(dense), target.shape.as_list() + source.shape.as_list()
    )


def _recorded(run, sources) -> tuple[list, object]:
    """`registry.recorded`: run() under a tape watching `sources`, and its pullback."""
    with GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        for source in sources:
            tape.watch(source)
        outputs = run()

    def pullback(upstream) -> list:
        kept = [(o, u) for o, u in zip(outputs, upstream) if backprop.is_trainable(o.dtype)]
        grads = tape.gradient([o for o, _ in kept], sources, output_gradients=[u for _, u in kept])
        return [
            array_ops.zeros_like(s) if g is None else array_ops.densify(g)
            for s, g in zip(sources, grads)
        ]

    return outputs, pullback


registry.set_recorded(_recorded)
variable_lib.observe_reads(GradientTape, GradientTape._read)
