"""`tf.autodiff.ForwardAccumulator`: forward-mode differentiation (Jacobian-vector products).

No op needs a forward rule: an op's VJP `u ↦ Jᵀu` is linear in `u`, so its JVP is
`J t = ∇_u ⟨Jᵀu, t⟩`, one more reverse pass over the gradient function (TF's
"double-backward" trick). Because that pass is made of ordinary ops, enclosing tapes record
it, which gives forward-over-reverse Hessian-vector products.
"""

from __future__ import annotations

from tensorflux._src.autodiff import backprop
from tensorflux._src.autodiff.tape import GradientTape, UnconnectedGradients
from tensorflux._src.core import context, nest, registry
from tensorflux._src.ops import array_ops, math_ops, reduction_ops


class ForwardAccumulator(context.Observer):
    """Computes Jacobian-vector products of everything computed from `primals` in its scope.

    >>> x = tf.constant([1.0, 2.0])
    >>> with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
    ...     y = x * x
    >>> acc.jvp(y).numpy()
    array([2., 0.], dtype=float32)
    """

    def __init__(self, primals, tangents):
        flat_primals, flat_tangents = nest.flatten(primals), nest.flatten(tangents)
        nest.assert_same_structure(primals, tangents, check_types=False)
        self._tangents: dict[int, object] = {}
        self._alive: list = []  # keeps primals alive so their ids stay theirs
        for primal, tangent in zip(flat_primals, flat_tangents):
            tangent = array_ops.convert(tangent, dtype=primal.dtype)
            if tangent.shape != primal.shape:
                raise ValueError(
                    f"Tangent {tangent.shape} has a different shape than the primal {primal.shape}"
                )
            self._watch(primal, tangent)
        self._recording = False

    def _watch(self, primal, tangent) -> None:
        self._tangents[id(primal)] = tangent
        self._alive.append(primal)

    def __enter__(self) -> ForwardAccumulator:
        context.push_observer(self)
        self._recording = True
        return self

    def __exit__(self, *exc) -> None:
        if self._recording:
            context.remove_observer(self)
            self._recording = False

    def record(self, op, inputs, outputs, attrs) -> None:
        tangents = [self._tangents.get(id(t)) for t in inputs]
        if all(t is None for t in tangents):
            return
        grad_fn = registry.gradient_function(op)
        if grad_fn is None:
            return
        state = context.state
        observers = state.observers
        state.observers = [o for o in observers if o is not self]
        try:
            jvps = self._jvp_of(grad_fn, op, inputs, outputs, attrs, tangents)
        finally:
            state.observers = observers
        for output, jvp in zip(outputs, jvps):
            if jvp is not None:
                self._watch(output, array_ops.densify(jvp))

    @staticmethod
    def _jvp_of(grad_fn, op, inputs, outputs, attrs, tangents) -> list:
        dummies = [
            array_ops.zeros_like(o) if backprop.is_trainable(o.dtype) else None for o in outputs
        ]
        with GradientTape() as tape:
            for dummy in dummies:
                if dummy is not None:
                    tape.watch(dummy)
            vjps = grad_fn(backprop.RecordedOp(op, inputs, outputs, attrs), *dummies)
            total = None
            for vjp, tangent in zip(vjps, tangents):
                if vjp is None or tangent is None:
                    continue
                term = reduction_ops.reduce_sum(
                    math_ops.multiply(array_ops.densify(vjp), math_ops.conj(tangent))
                )
                total = term if total is None else math_ops.add(total, term)
        if total is None:
            return [None] * len(outputs)
        return tape.gradient(total, dummies)

    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        """The tangents of `primals` (a tensor or nest) computed in this accumulator's scope."""
        unconnected = UnconnectedGradients(unconnected_gradients)

        def tangent_of(primal):
            tangent = self._tangents.get(id(primal))
            if tangent is None and unconnected is UnconnectedGradients.ZERO:
                return array_ops.zeros_like(primal)
            return tangent

        return nest.map_structure(tangent_of, primals)
