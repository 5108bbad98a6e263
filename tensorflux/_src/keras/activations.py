"""Keras 2 (tf_keras) activation functions, written with tensorflux ops.

`get` accepts a name, None (linear) or a callable; `serialize` gives the function's name.
"""

from tensorflux._src.core import convert
from tensorflux._src.keras.saving import object_registration
from tensorflux._src.ops import array_ops, math_ops, nn_ops


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with an optional leak, cap and threshold.

    >>> relu(tf.constant([-2.0, 1.0, 8.0]), alpha=0.5, max_value=6.0).numpy()
    array([-1.,  1.,  6.], dtype=float32)
    """
    x = convert.convert_to_tensor(x)
    dtype = x.dtype
    if alpha != 0.0:
        if max_value is None and threshold == 0.0:
            return nn_ops.leaky_relu(x, alpha=alpha)
        if threshold != 0.0:
            negative_part = nn_ops.relu(math_ops.add(math_ops.negative(x), threshold))
        else:
            negative_part = nn_ops.relu(math_ops.negative(x))
    clip_max = max_value is not None
    if threshold != 0.0:
        x = math_ops.multiply(x, math_ops.cast(math_ops.greater(x, threshold), dtype))
    elif max_value == 6:
        x = nn_ops.relu6(x)
        clip_max = False
    else:
        x = nn_ops.relu(x)
    if clip_max:
        zero = array_ops.constant(0, dtype=dtype)
        x = math_ops.clip_by_value(x, zero, array_ops.constant(max_value, dtype=dtype))
    if alpha != 0.0:
        x = math_ops.subtract(x, math_ops.multiply(array_ops.constant(alpha, dtype), negative_part))
    return x


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + exp(-x)).

    >>> sigmoid(tf.constant([0.0])).numpy()
    array([0.5], dtype=float32)
    """
    return math_ops.sigmoid(x)


def softmax(x, axis=-1):
    """Softmax over `axis`; 1-D inputs raise ValueError, as in Keras 2.

    >>> softmax(tf.constant([[0.0, 0.0]])).numpy()
    array([[0.5, 0.5]], dtype=float32)
    """
    x = convert.convert_to_tensor(x)
    if x.shape.rank is not None and x.shape.rank <= 1:
        raise ValueError(
            f"Cannot apply softmax to a tensor that is 1D. Received input: {x.numpy()}"
            if hasattr(x, "numpy")
            else f"Cannot apply softmax to a tensor that is 1D. Received input: {x}"
        )
    return nn_ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Log of the softmax over `axis`.

    >>> log_softmax(tf.constant([[0.0, 0.0]])).numpy().round(4)
    array([[-0.6931, -0.6931]], dtype=float32)
    """
    return nn_ops.log_softmax(x, axis=axis)


def tanh(x):
    """Hyperbolic tangent.

    >>> tanh(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return math_ops.tanh(x)


def elu(x, alpha=1.0):
    """Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) otherwise.

    >>> elu(tf.constant([0.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """
    result = nn_ops.elu(x)
    if alpha == 1:
        return result
    x = convert.convert_to_tensor(x)
    zero = array_ops.constant(0, dtype=x.dtype)
    scaled = math_ops.multiply(array_ops.constant(alpha, dtype=x.dtype), result)
    return math_ops.where_v2(math_ops.greater(x, zero), result, scaled)


def selu(x):
    """Scaled exponential linear unit (scale 1.0507..., alpha 1.6732...).

    >>> selu(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return nn_ops.selu(x)


def softplus(x):
    """log(exp(x) + 1).

    >>> softplus(tf.constant([0.0])).numpy().round(4)
    array([0.6931], dtype=float32)
    """
    return math_ops.softplus(x)


def softsign(x):
    """x / (abs(x) + 1).

    >>> softsign(tf.constant([1.0])).numpy()
    array([0.5], dtype=float32)
    """
    return nn_ops.softsign(x)


def swish(x):
    """x * sigmoid(x) (also called silu).

    >>> swish(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return nn_ops.silu(x)


silu = swish


def gelu(x, approximate=False):
    """Gaussian error linear unit; `approximate` uses the tanh formula.

    >>> gelu(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return nn_ops.gelu(x, approximate=approximate)


def exponential(x):
    """exp(x).

    >>> exponential(tf.constant([0.0])).numpy()
    array([1.], dtype=float32)
    """
    return math_ops.exp(x)


def hard_sigmoid(x):
    """Keras 2's piecewise-linear sigmoid: clip(0.2 * x + 0.5, 0, 1).

    >>> hard_sigmoid(tf.constant([-3.0, 0.0, 1.0])).numpy()
    array([0. , 0.5, 0.7], dtype=float32)
    """
    x = convert.convert_to_tensor(x)
    dtype = x.dtype
    x = math_ops.add(
        math_ops.multiply(x, array_ops.constant(0.2, dtype)), array_ops.constant(0.5, dtype)
    )
    return math_ops.clip_by_value(x, array_ops.constant(0, dtype), array_ops.constant(1, dtype))


def hard_silu(x):
    """x * hard_sigmoid(x) in Keras 3's form: x * relu6(x + 3) / 6.

    >>> hard_silu(tf.constant([-4.0, 0.0, 4.0])).numpy()
    array([-0.,  0.,  4.], dtype=float32)
    """
    x = convert.convert_to_tensor(x)
    dtype = x.dtype
    gate = math_ops.divide(
        nn_ops.relu6(math_ops.add(x, array_ops.constant(3, dtype))), array_ops.constant(6, dtype)
    )
    return math_ops.multiply(x, gate)


hard_swish = hard_silu


def linear(x):
    """The identity: returns `x` unchanged.

    >>> linear(tf.constant([3.0])).numpy()
    array([3.], dtype=float32)
    """
    return x


def leaky_relu(x, alpha=0.2):
    """max(x, alpha * x).

    >>> leaky_relu(tf.constant([-1.0, 1.0])).numpy()
    array([-0.2,  1. ], dtype=float32)
    """
    return nn_ops.leaky_relu(x, alpha=alpha)


def relu6(x):
    """min(max(x, 0), 6).

    >>> relu6(tf.constant([-1.0, 8.0])).numpy()
    array([0., 6.], dtype=float32)
    """
    return nn_ops.relu6(x)


def mish(x):
    """x * tanh(softplus(x)).

    >>> mish(tf.constant([0.0])).numpy()
    array([0.], dtype=float32)
    """
    return math_ops.multiply(x, math_ops.tanh(math_ops.softplus(x)))


_ACTIVATIONS = {
    fn.__name__: fn
    for fn in (
        relu,
        sigmoid,
        softmax,
        log_softmax,
        tanh,
        elu,
        selu,
        softplus,
        softsign,
        swish,
        gelu,
        exponential,
        hard_sigmoid,
        hard_silu,
        linear,
        leaky_relu,
        relu6,
        mish,
    )
}
_ACTIVATIONS["silu"] = swish
_ACTIVATIONS["hard_swish"] = hard_silu


def serialize(activation):
    """The name of a built-in activation (or the callable's `__name__`).

    >>> serialize(relu)
    'relu'
    """
    if hasattr(activation, "get_config"):
        return {"class_name": type(activation).__name__, "config": activation.get_config()}
    name = getattr(activation, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize activation {activation!r}.")
    return name


def deserialize(config, custom_objects=None):
    """The activation function named by `config` (a string or a {'class_name': ...} dict).

    >>> deserialize('relu') is relu
    True
    """
    if isinstance(config, dict):
        name = config.get("config") if isinstance(config.get("config"), str) else None
        name = name or config.get("class_name")
    else:
        name = config
    custom = object_registration.find_custom_object(name, config, custom_objects)
    if custom is not None:
        return custom
    if isinstance(name, str) and name in _ACTIVATIONS:
        return _ACTIVATIONS[name]
    raise ValueError(f"Unknown activation function '{name}' cannot be deserialized.")


def get(identifier):
    """An activation from a name, a config dict, None (linear) or a callable.

    >>> get(None) is linear, get('tanh') is tanh
    (True, True)
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation function identifier: {identifier}")
