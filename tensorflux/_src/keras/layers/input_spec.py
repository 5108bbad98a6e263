"""`tf.keras.layers.InputSpec`: what a layer accepts (rank, dtype, fixed axes), checked on call.

>>> layer = tf.keras.layers.Dense(4)
>>> layer.build((None, 3)); layer.input_spec
InputSpec(min_ndim=2, axes={-1: 3})
"""

from tensorflux._src.core import dtypes, nest
from tensorflux._src.core.shape import TensorShape


class InputSpec:
    """Constraints on a layer input; None means 'anything'."""

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim=None,
        max_ndim=None,
        min_ndim=None,
        axes=None,
        allow_last_axis_squeeze=False,
        name=None,
    ):
        self.dtype = dtypes.as_dtype(dtype).name if dtype is not None else None
        shape = TensorShape(shape)
        if shape.rank is None:
            shape = None
        else:
            shape = tuple(shape.as_list())
        if shape is not None:
            self.ndim = len(shape)
            self.shape = shape
        else:
            self.ndim = ndim
            self.shape = None
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            axes = axes or {}
            self.axes = {int(k): axes[k] for k in axes}
        except (ValueError, TypeError):
            raise TypeError(
                f"Argument `axes` must be a dict with integer keys. Received: axes={axes}"
            ) from None
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            max_dim = (self.ndim if self.ndim else self.max_ndim) - 1
            max_axis = max(self.axes)
            if max_axis > max_dim:
                raise ValueError(
                    f"Axis {max_axis} is greater than the maximum allowed value: {max_dim}"
                )

    def __repr__(self):
        spec = [
            ("dtype=" + str(self.dtype)) if self.dtype else "",
            ("shape=" + str(self.shape)) if self.shape else "",
            ("ndim=" + str(self.ndim)) if self.ndim else "",
            ("max_ndim=" + str(self.max_ndim)) if self.max_ndim else "",
            ("min_ndim=" + str(self.min_ndim)) if self.min_ndim else "",
            ("axes=" + str(self.axes)) if self.axes else "",
        ]
        return f"InputSpec({', '.join(x for x in spec if x)})"

    def get_config(self):
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _display_shape(shape) -> str:
    return str(tuple(shape.as_list())) if shape.rank is not None else "<unknown>"


def assert_input_compatibility(input_spec, inputs, layer_name: str) -> None:
    """Raises tf_keras's ValueError when `inputs` break `input_spec`, naming the layer."""
    if not input_spec:
        return
    input_spec = nest.flatten(input_spec)
    if isinstance(inputs, dict):  # a dict matches specs by name when they have names
        names = [spec.name for spec in input_spec]
        if all(names):
            inputs = [inputs.get(name) for name in names]
    inputs = nest.flatten(inputs)
    for x in inputs:
        if not hasattr(x, "shape"):
            raise TypeError(
                f"Inputs to a layer should be tensors. Got '{x}' (of type {type(x)}) as input "
                f"for layer '{layer_name}'."
            )
    if len(inputs) != len(input_spec):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(input_spec)} input(s), but it received '
            f"{len(inputs)} input tensors. Inputs received: {inputs}"
        )
    for index, (x, spec) in enumerate(zip(inputs, input_spec)):
        if spec is None:
            continue
        shape = TensorShape(x.shape)
        prefix = f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
        if shape.rank is None:
            return
        ndim = shape.rank
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(
                f"{prefix}expected ndim={spec.ndim}, found ndim={ndim}. Full shape received: "
                f"{_display_shape(shape)}"
            )
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(f"{prefix}expected max_ndim={spec.max_ndim}, found ndim={ndim}")
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(
                f"{prefix}expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape "
                f"received: {_display_shape(shape)}"
            )
        if spec.dtype is not None and dtypes.as_dtype(x.dtype).name != spec.dtype:
            raise ValueError(
                f"{prefix}expected dtype={spec.dtype}, found dtype={dtypes.as_dtype(x.dtype).name}"
            )
        dims = shape.as_list()
        for axis, value in spec.axes.items():
            if value is not None and -ndim <= axis < ndim and dims[axis] not in (value, None):
                raise ValueError(
                    f"{prefix}expected axis {axis} of input shape to have value {value}, but "
                    f"received input with shape {_display_shape(shape)}"
                )
        if spec.shape is not None:
            for spec_dim, dim in zip(spec.shape, dims):
                if spec_dim is not None and dim is not None and spec_dim != dim:
                    raise ValueError(
                        f"{prefix}expected shape={spec.shape}, found shape={_display_shape(shape)}"
                    )
