"""`tf.custom_gradient`: a function whose gradient is given by the user, not derived from its ops."""

from __future__ import annotations

import functools
import inspect

from tensorflux._src.core import context, nest
from tensorflux._src.core.registry import OpDef
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import EagerTensor, Tensor
from tensorflux._src.core.variable import Variable
from tensorflux._src.ops import array_ops


class _VariableWatcher(context.Observer):
    """An observer that notes which variables a function reads, and records nothing."""

    def __init__(self):
        self.variables: dict[int, Variable] = {}

    def variable_accessed(self, variable: Variable) -> None:
        if variable.trainable:
            self.variables.setdefault(id(variable), variable)


def _custom_op(grad_fn, input_count: int, variables: list, takes_variables: bool) -> OpDef:
    """A one-off op recorded on the tapes: its inputs are the function's tensor inputs and the
    variables it read; its gradient calls the user's `grad_fn`."""

    def grad(op, *dys):
        if takes_variables:
            input_grads, variable_grads = grad_fn(*dys, variables=variables)
        else:
            input_grads = grad_fn(*dys)
            variable_grads = []
        input_grads = (
            list(nest.flatten(input_grads))
            if isinstance(input_grads, (list, tuple))
            else [input_grads]
        )
        if len(input_grads) != input_count:
            raise ValueError(
                f"custom_gradient function expected to return {input_count} gradients, but "
                f"returned {len(input_grads)} instead."
            )
        if len(variable_grads) != len(variables):
            raise ValueError(
                f"Must return gradient for each variable from @custom_gradient grad_fn: "
                f"{len(variables)} variables, {len(variable_grads)} gradients."
            )
        return [*input_grads, *variable_grads]

    return OpDef(
        name="IdentityN",
        kernel=lambda xp, *values: tuple(values),
        infer=lambda *specs, **attrs: [TensorSpec(s.shape, s.dtype) for s in specs],
        grad=grad,
        inputs=("input*",),
        outputs=("output*",),
    )


def custom_gradient(f=None):
    """Decorates `f(*x)` returning `(y, grad_fn)`: gradients of y flow through `grad_fn(*dy)`.

    If `f` reads variables, `grad_fn` must take `variables=None` and return
    `(input_grads, variable_grads)`.

    >>> @tf.custom_gradient
    ... def clip_grad(x):
    ...     return tf.identity(x), lambda dy: tf.clip_by_value(dy, -1.0, 1.0)
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        inputs = [array_ops.convert(a) for a in args]  # a Variable argument is read here
        state = context.state
        observers = state.observers
        watcher = _VariableWatcher()
        state.observers = [watcher]  # the ops inside f are not differentiated: grad_fn is
        try:
            result, grad_fn = f(*inputs, **kwargs)
        finally:
            state.observers = observers
        flat_outputs = nest.flatten(result)
        if not observers:
            return result
        tensor_inputs = [a for a in inputs if isinstance(a, Tensor)]
        variables = list(watcher.variables.values())
        takes_variables = "variables" in inspect.signature(grad_fn).parameters
        if variables and not takes_variables:
            raise TypeError(
                "@tf.custom_gradient grad_fn must accept keyword argument 'variables', since "
                "function uses variables: " + ", ".join(v.name for v in variables)
            )
        op = _custom_op(grad_fn, len(tensor_inputs), variables, takes_variables)
        # Fresh output tensors sharing the results' arrays: the tapes link them to the inputs.
        outputs = [EagerTensor(t._value, t._dtype, t._device) for t in flat_outputs]
        for observer in observers:
            for variable in variables:
                observer.variable_accessed(variable)
            observer.record(op, [*tensor_inputs, *variables], outputs, {})
        return nest.pack_sequence_as(result, outputs)

    return wrapper


def grad_pass_through(f):
    """`tf.grad_pass_through`: `f` runs forward, the gradient passes through as identity.

    >>> x = tf.Variable(1.0)
    >>> with tf.GradientTape() as tape:
    ...     y = tf.grad_pass_through(lambda v: tf.round(v))(x * 2.4)
    >>> tape.gradient(y, x).numpy()
    np.float32(2.4)
    """

    @custom_gradient
    def wrapped(*args):
        return f(*args), lambda *dys: dys if len(dys) > 1 else dys[0]

    return wrapped
