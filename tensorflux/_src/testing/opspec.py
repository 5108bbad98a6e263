"""`OpSpec` rows and `check_op`: the generated tests every op passes.

Each row names a public function and its oracle. `check_op` then checks, for each dtype and
input shape:

1. forward: the output equals the NumPy reference (values, dtype, shape);
2. shape rule: every primitive op the function ran has an `infer` that agrees with the real
   outputs, also when the input dims (or ranks) are unknown;
3. gradient: in float64, the tape's vector-Jacobian product matches central finite
   differences along a random direction (JAX's check_vjp), and again at second order;
4. graph == eager: the function traced by tf.function and run by the executor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from tensorflux._src.core import context, dtypes
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import ArgSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.core.variable import Variable

TOLERANCE = {  # (rtol, atol) for comparing against the reference
    dtypes.float16: (1e-2, 1e-2),
    dtypes.bfloat16: (2e-2, 2e-2),
    dtypes.float32: (1e-5, 1e-5),
    dtypes.float64: (1e-10, 1e-10),
    dtypes.complex64: (1e-5, 1e-5),
    dtypes.complex128: (1e-10, 1e-10),
}


@dataclasses.dataclass
class OpSpec:
    """One row of an op family's test table.

    Attributes:
      fn: the public function, called with tensors (and `kwargs`).
      ref: the NumPy reference, called with arrays (and `kwargs`).
      shapes: input shapes: a list of cases, each a tuple of shapes (one per argument).
      dtypes: dtypes to test the forward pass in.
      domain: (low, high) the inputs are drawn from.
      args: instead of `shapes`, a function `(rng, dtype) -> list of arrays` per case.
      kwargs: keyword arguments for both fn and ref.
      grad: whether to check gradients (float64); `grad_order` how deep.
      diff_args: indices of the arguments to differentiate (default: every floating one).
      tolerance: (rtol, atol) overriding the dtype table for the forward check.
      name: the test id (defaults to the function's name).
    """

    fn: Callable
    ref: Callable
    shapes: Sequence = ((3, 4),)
    dtypes: Sequence = (dtypes.float32, dtypes.float64)
    domain: tuple = (-2.0, 2.0)
    args: Callable | None = None
    kwargs: dict = dataclasses.field(default_factory=dict)
    grad: bool = True
    grad_order: int = 2
    diff_args: Sequence[int] | None = None
    tolerance: tuple | None = None
    grad_tolerance: float = 1e-5
    check_dtype: bool = True
    name: str | None = None

    def id(self) -> str:
        return self.name or getattr(self.fn, "__name__", "op")

    def cases(self, dtype: dtypes.DType, seed: int = 0) -> list[list[np.ndarray]]:
        rng = np.random.default_rng(seed)
        if self.args is not None:
            return [list(self.args(rng, dtype.as_numpy_dtype))]
        cases = []
        for case in self.shapes:
            shapes = [case] if not case or not isinstance(case[0], (tuple, list)) else case
            cases.append([_sample(rng, shape, dtype, self.domain) for shape in shapes])
        return cases


def _sample(rng, shape, dtype: dtypes.DType, domain) -> np.ndarray:
    low, high = domain
    np_dtype = dtype.as_numpy_dtype
    if dtype.is_bool:
        return rng.random(shape) < 0.5
    if dtype.is_integer:
        return rng.integers(int(low), int(high) + 1, size=shape).astype(np_dtype)
    values = rng.uniform(low, high, size=shape)
    if dtype.is_complex:
        values = values + 1j * rng.uniform(low, high, size=shape)
    return np.asarray(values).astype(np_dtype)


def _flat_outputs(result) -> list:
    if isinstance(result, (list, tuple)):
        return [r for item in result for r in _flat_outputs(item)]
    return [result]


# ---- 1. forward -------------------------------------------------------------------------------
def check_forward(spec: OpSpec, dtype: dtypes.DType) -> None:
    for arrays in spec.cases(dtype):
        tensors = [_to_tensor(a) for a in arrays]
        got = _flat_outputs(spec.fn(*tensors, **spec.kwargs))
        want = _flat_outputs(spec.ref(*[a.copy() for a in arrays], **spec.kwargs))
        assert len(got) == len(want), f"{spec.id()}: {len(got)} outputs, reference has {len(want)}"
        rtol, atol = spec.tolerance or TOLERANCE.get(dtype, (0, 0))
        for g, w in zip(got, want):
            w = np.asarray(w)
            value = g.numpy()
            assert tuple(np.shape(value)) == w.shape, (
                f"{spec.id()}: shape {np.shape(value)} != reference {w.shape}"
            )
            if spec.check_dtype:
                assert np.asarray(value).dtype == w.dtype, (
                    f"{spec.id()}: dtype {np.asarray(value).dtype} != reference {w.dtype}"
                )
            np.testing.assert_allclose(
                np.asarray(value, w.dtype) if w.dtype != object else value,
                w,
                rtol=rtol,
                atol=atol,
                err_msg=spec.id(),
            )


def _to_tensor(array: np.ndarray) -> Tensor:
    from tensorflux._src.core.convert import constant_tensor

    return constant_tensor(array)


# ---- 2. shape rules ---------------------------------------------------------------------------
class _Recorder(context.Observer):
    """An observer that keeps every primitive op call."""

    def __init__(self):
        self.calls = []

    def record(self, op, inputs, outputs, attrs):
        self.calls.append((op, inputs, outputs, attrs))


def recorded_calls(fn, *args, **kwargs) -> list:
    recorder = _Recorder()
    context.push_observer(recorder)
    try:
        fn(*args, **kwargs)
    finally:
        context.remove_observer(recorder)
    return recorder.calls


def _as_specs(outputs) -> list:
    return outputs if isinstance(outputs, (list, tuple)) else [outputs]


def check_shape_rules(spec: OpSpec, dtype: dtypes.DType) -> None:
    for arrays in spec.cases(dtype):
        tensors = [_to_tensor(a) for a in arrays]
        for op, inputs, outputs, attrs in recorded_calls(spec.fn, *tensors, **spec.kwargs):
            if any(isinstance(t, Variable) for t in inputs):
                continue
            known = [ArgSpec(t.shape, t.dtype, static_value=t.numpy()) for t in inputs]
            _compare(op, op.infer(*known, **attrs), outputs, "known shapes")
            # Unknown dims; attr-like inputs (small integer vectors) keep their values, as
            # they would when traced from constants.
            unknown = [
                ArgSpec(
                    [None] * t.shape.rank,
                    t.dtype,
                    static_value=t.numpy() if _attr_like(t) else None,
                )
                for t in inputs
            ]
            _compare(op, op.infer(*unknown, **attrs), outputs, "unknown dims")
            no_values = [
                ArgSpec(TensorShape(None) if not _attr_like(t) else t.shape, t.dtype)
                for t in inputs
            ]
            _compare(op, op.infer(*no_values, **attrs), outputs, "unknown ranks and values")


def _attr_like(tensor: EagerTensor) -> bool:
    return (
        tensor.dtype in (dtypes.int32, dtypes.int64)
        and tensor.ndim <= 1
        and tensor._value.size <= 8
    )


def _compare(op, inferred, outputs, what: str) -> None:
    inferred = _as_specs(inferred)
    assert len(inferred) == len(outputs), (
        f"{op.name} ({what}): rule gives {len(inferred)} outputs, kernel {len(outputs)}"
    )
    for spec, tensor in zip(inferred, outputs):
        assert spec.dtype == tensor.dtype, (
            f"{op.name} ({what}): rule dtype {spec.dtype!r} != {tensor.dtype!r}"
        )
        assert spec.shape.is_compatible_with(tensor.shape), (
            f"{op.name} ({what}): rule shape {spec.shape} is not compatible with {tensor.shape}"
        )
        if what == "known shapes":
            assert spec.shape == tensor.shape, (
                f"{op.name}: rule shape {spec.shape} != real shape {tensor.shape}"
            )


# ---- 3. gradients -----------------------------------------------------------------------------
def _diff_indices(spec: OpSpec, arrays) -> list[int]:
    if spec.diff_args is not None:
        return list(spec.diff_args)
    return [i for i, a in enumerate(arrays) if np.asarray(a).dtype.kind in "fc"]


def check_gradients(spec: OpSpec, eps: float = 1e-6) -> None:
    """Directional VJP check in float64, first and (when asked) second order."""
    for arrays in spec.cases(dtypes.float64, seed=1):
        indices = _diff_indices(spec, arrays)
        if indices:
            _check_case_gradients(spec, arrays, indices, eps)


def _check_case_gradients(spec: OpSpec, arrays, indices, eps: float) -> None:
    from tensorflux._src.autodiff.tape import GradientTape
    from tensorflux._src.core.convert import constant_tensor

    rng = np.random.default_rng(2)

    def call(*diff):
        args = [constant_tensor(a) for a in arrays]
        for i, d in zip(indices, diff):
            args[i] = d
        return _flat_outputs(spec.fn(*args, **spec.kwargs))

    base = call(*[constant_tensor(arrays[i]) for i in indices])
    weights = [rng.standard_normal(np.shape(o.numpy())) for o in base]

    def scalar(*diff):
        """<f(x), w>: a scalar whose gradient is the VJP with w."""
        total = None
        for o, w in zip(call(*diff), weights):
            if not o.dtype.is_floating:
                continue
            term = _reduce_sum(o * constant_tensor(w.astype(o.dtype.as_numpy_dtype)))
            total = term if total is None else total + term
        return total

    points = [arrays[i] for i in indices]
    _check_directional(spec, scalar, points, rng, eps, GradientTape)
    if spec.grad_order < 2:
        return
    directions = [rng.standard_normal(np.shape(arrays[i])) for i in indices]

    def first_order(*diff):
        """<∇<f(x), w>, u>: its gradient is a Hessian-vector product."""
        with GradientTape() as tape:
            for d in diff:
                tape.watch(d)
            y = scalar(*diff)
        total = None
        for g, u in zip(tape.gradient(y, list(diff)), directions):
            if g is not None:
                term = _reduce_sum(_dense(g) * constant_tensor(u))
                total = term if total is None else total + term
        return total

    _check_directional(spec, first_order, points, rng, 1e-5, GradientTape, order=2)


def _dense(g):
    from tensorflux._src.ops.array_ops import densify

    return densify(g)


def _reduce_sum(x):
    from tensorflux._src.ops.reduction_ops import reduce_sum

    return reduce_sum(x)


def _check_directional(spec, scalar, points, rng, eps, tape_class, order=1) -> None:
    from tensorflux._src.core.convert import constant_tensor

    xs = [constant_tensor(np.asarray(p, np.float64)) for p in points]
    with tape_class() as tape:
        for x in xs:
            tape.watch(x)
        y = scalar(*xs)
    if y is None:
        return
    grads = tape.gradient(y, xs)
    directions = [rng.standard_normal(np.shape(p)) for p in points]
    analytic = sum(
        float(np.sum(_dense(g).numpy() * u)) for g, u in zip(grads, directions) if g is not None
    )
    plus = scalar(
        *[constant_tensor(np.asarray(p, np.float64) + eps * u) for p, u in zip(points, directions)]
    )
    minus = scalar(
        *[constant_tensor(np.asarray(p, np.float64) - eps * u) for p, u in zip(points, directions)]
    )
    numeric = (float(plus.numpy()) - float(minus.numpy())) / (2 * eps)
    tolerance = spec.grad_tolerance * (10 if order == 2 else 1)
    assert abs(analytic - numeric) <= tolerance * max(1.0, abs(numeric)), (
        f"{spec.id()}: order-{order} gradient {analytic} != finite differences {numeric}"
    )


# ---- 4. graph == eager ------------------------------------------------------------------------
def check_graph_matches_eager(spec: OpSpec) -> None:
    """The op traced by tf.function and run by the graph executor equals eager execution."""
    from tensorflux._src.function.tracing import function

    for arrays in spec.cases(spec.dtypes[0]):
        tensors = [_to_tensor(a) for a in arrays]
        eager = _flat_outputs(spec.fn(*tensors, **spec.kwargs))
        graph = _flat_outputs(function(lambda *a: spec.fn(*a, **spec.kwargs))(*tensors))
        assert len(graph) == len(eager), f"{spec.id()}: graph gives {len(graph)} outputs"
        for e, g in zip(eager, graph):
            assert g.dtype == e.dtype and g.shape == e.shape, f"{spec.id()}: graph {g!r} vs {e!r}"
            np.testing.assert_allclose(
                g.numpy(), e.numpy(), rtol=1e-6, atol=1e-6, err_msg=spec.id()
            )


def check_op(spec: OpSpec) -> None:
    """Runs every generated check for one row."""
    for dtype in spec.dtypes:
        check_forward(spec, dtype)
        check_shape_rules(spec, dtype)
    if spec.grad:
        check_gradients(spec)
    check_graph_matches_eager(spec)
