"""Convolutions: OpSpec rows (oracle: a tap-by-tap NumPy convolution) and targeted checks."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import conv_ops
from tensorflux._src.testing.opspec import OpSpec, check_op


# ---- NumPy references: one slice per kernel tap -----------------------------------------------
def _pairs(sizes, kernel, strides, dilations, padding):
    """TF's output sizes and (before, after) paddings per spatial dim."""
    outs, pairs = [], []
    for i, size in enumerate(sizes):
        effective = (kernel[i] - 1) * dilations[i] + 1
        if padding == "SAME":
            out = -(-size // strides[i])
            total = max((out - 1) * strides[i] + effective - size, 0)
            pair = (total // 2, total - total // 2)
        elif padding == "VALID":
            pair = (0, 0)
            out = (size - effective) // strides[i] + 1
        else:
            pair = tuple(padding[i])
            out = (size + sum(pair) - effective) // strides[i] + 1
        outs.append(out)
        pairs.append(pair)
    return outs, pairs


def _tap_slices(kernel, strides, dilations, outs):
    for tap in np.ndindex(*kernel):
        yield (
            tap,
            tuple(
                slice(t * d, t * d + (o - 1) * s + 1, s)
                for t, d, s, o in zip(tap, dilations, strides, outs)
            ),
        )


def _layout(x, data_format):
    return np.moveaxis(x, 1, -1) if data_format.startswith("NC") else x


def _unlayout(x, data_format):
    return np.moveaxis(x, -1, 1) if data_format.startswith("NC") else x


def _spatial(values, rank, data_format):
    values = [values] * rank if isinstance(values, int) else list(values)
    if len(values) == rank + 2:
        return values[2:] if data_format.startswith("NC") else values[1:-1]
    return values * rank if len(values) == 1 else values


def _explicit(padding, data_format):
    if isinstance(padding, str):
        return padding
    return padding[2:] if data_format.startswith("NC") else padding[1:-1]


def ref_conv(x, w, strides=1, padding="VALID", data_format="NHWC", dilations=1):
    rank = w.ndim - 2
    x = _layout(x, data_format)
    strides, dilations = (
        _spatial(strides, rank, data_format),
        _spatial(dilations, rank, data_format),
    )
    outs, pairs = _pairs(
        x.shape[1:-1], w.shape[:-2], strides, dilations, _explicit(padding, data_format)
    )
    padded = np.pad(x, [(0, 0), *pairs, (0, 0)])
    groups = x.shape[-1] // w.shape[-2]
    per_in, per_out = w.shape[-2], w.shape[-1] // groups
    out = np.zeros((x.shape[0], *outs, w.shape[-1]), x.dtype)
    for tap, window in _tap_slices(w.shape[:-2], strides, dilations, outs):
        part = padded[(slice(None), *window)]
        for g in range(groups):
            out[..., g * per_out : (g + 1) * per_out] += (
                part[..., g * per_in : (g + 1) * per_in]
                @ w[tap][:, g * per_out : (g + 1) * per_out]
            )
    return _unlayout(out, data_format)


def ref_conv_backprop_input(
    sizes, w, dy, strides=1, padding="VALID", data_format="NHWC", dilations=1
):
    rank = w.ndim - 2
    sizes = list(_layout(np.empty(sizes), data_format).shape)
    dy = _layout(dy, data_format)
    strides, dilations = (
        _spatial(strides, rank, data_format),
        _spatial(dilations, rank, data_format),
    )
    outs, pairs = _pairs(
        sizes[1:-1], w.shape[:-2], strides, dilations, _explicit(padding, data_format)
    )
    padded = np.zeros(
        [sizes[0], *(s + sum(p) for s, p in zip(sizes[1:-1], pairs)), sizes[-1]], dy.dtype
    )
    for tap, window in _tap_slices(w.shape[:-2], strides, dilations, outs):
        padded[(slice(None), *window)] += dy @ w[tap].T
    inner = tuple(slice(p[0], p[0] + s) for p, s in zip(pairs, sizes[1:-1]))
    return _unlayout(padded[(slice(None), *inner)], data_format)


def ref_conv_backprop_filter(
    x, sizes, dy, strides=1, padding="VALID", data_format="NHWC", dilations=1
):
    rank = len(sizes) - 2
    x, dy = _layout(x, data_format), _layout(dy, data_format)
    strides, dilations = (
        _spatial(strides, rank, data_format),
        _spatial(dilations, rank, data_format),
    )
    outs, pairs = _pairs(
        x.shape[1:-1], sizes[:-2], strides, dilations, _explicit(padding, data_format)
    )
    padded = np.pad(x, [(0, 0), *pairs, (0, 0)])
    dw = np.zeros(sizes, x.dtype)
    flat_dy = dy.reshape(-1, dy.shape[-1])
    for tap, window in _tap_slices(sizes[:-2], strides, dilations, outs):
        dw[tap] = padded[(slice(None), *window)].reshape(-1, x.shape[-1]).T @ flat_dy
    return dw


def ref_depthwise(x, w, strides, padding, data_format="NHWC", dilations=1):
    x = _layout(x, data_format)
    strides, dilations = _spatial(strides, 2, data_format), _spatial(dilations, 2, data_format)
    outs, pairs = _pairs(
        x.shape[1:3], w.shape[:2], strides, dilations, _explicit(padding, data_format)
    )
    padded = np.pad(x, [(0, 0), *pairs, (0, 0)])
    out = np.zeros((x.shape[0], *outs, w.shape[2], w.shape[3]), x.dtype)
    for tap, window in _tap_slices(w.shape[:2], strides, dilations, outs):
        out += padded[(slice(None), *window)][..., None] * w[tap]
    return _unlayout(out.reshape(*out.shape[:3], -1), data_format)


def ref_extract_patches(images, sizes, strides, rates, padding):
    kernel, steps, dilations = sizes[1:3], strides[1:3], rates[1:3]
    outs, pairs = _pairs(images.shape[1:3], kernel, steps, dilations, padding)
    padded = np.pad(images, [(0, 0), *pairs, (0, 0)])
    parts = [padded[(slice(None), *w)] for _, w in _tap_slices(kernel, steps, dilations, outs)]
    return np.concatenate(parts, axis=-1)


# ---- rows -------------------------------------------------------------------------------------
def _conv_args(x_shape, w_shape):
    def make(rng, dtype):
        return [
            rng.uniform(-1, 1, size=x_shape).astype(dtype),
            rng.uniform(-1, 1, size=w_shape).astype(dtype),
        ]

    return make


def _row(fn, ref, x_shape, w_shape, name, **kwargs):
    return OpSpec(fn, ref, args=_conv_args(x_shape, w_shape), kwargs=kwargs, name=name)


def _backprop_input_row(
    sizes, w_shape, dy_shape, name, fn=conv_ops.conv2d_backprop_input, **kwargs
):
    def call(w, dy, **attrs):
        return fn(sizes, w, dy, **attrs)

    def ref(w, dy, **attrs):
        return ref_conv_backprop_input(sizes, w, dy, **attrs)

    return OpSpec(call, ref, args=_conv_args(w_shape, dy_shape), kwargs=kwargs, name=name)


def _backprop_filter_row(
    x_shape, sizes, dy_shape, name, fn=conv_ops.conv2d_backprop_filter, **kwargs
):
    def call(x, dy, **attrs):
        return fn(x, sizes, dy, **attrs)

    def ref(x, dy, **attrs):
        return ref_conv_backprop_filter(x, sizes, dy, **attrs)

    return OpSpec(call, ref, args=_conv_args(x_shape, dy_shape), kwargs=kwargs, name=name)


EXPLICIT = [[0, 0], [1, 2], [0, 1], [0, 0]]
EXPLICIT_NCHW = [[0, 0], [0, 0], [2, 0], [1, 1]]

SPECS = [
    _row(
        conv_ops.conv2d,
        ref_conv,
        (2, 5, 4, 3),
        (3, 2, 3, 2),
        "conv2d_same",
        strides=1,
        padding="SAME",
    ),
    _row(
        conv_ops.conv2d,
        ref_conv,
        (1, 6, 5, 2),
        (2, 3, 2, 3),
        "conv2d_valid_strided",
        strides=[2, 3],
        padding="VALID",
    ),
    _row(
        conv_ops.conv2d,
        ref_conv,
        (1, 6, 5, 2),
        (2, 2, 2, 2),
        "conv2d_dilated",
        strides=1,
        padding="SAME",
        dilations=2,
    ),
    _row(
        conv_ops.conv2d,
        ref_conv,
        (1, 4, 5, 2),
        (3, 2, 2, 2),
        "conv2d_explicit",
        strides=[1, 2, 1, 1],
        padding=EXPLICIT,
    ),
    _row(
        conv_ops.conv2d,
        ref_conv,
        (1, 2, 5, 4),
        (2, 2, 2, 3),
        "conv2d_nchw",
        strides=[1, 1, 2, 1],
        padding="SAME",
        data_format="NCHW",
    ),
    _row(
        conv_ops.conv2d,
        ref_conv,
        (1, 2, 4, 5),
        (3, 2, 2, 2),
        "conv2d_nchw_explicit",
        strides=1,
        padding=EXPLICIT_NCHW,
        data_format="NCHW",
    ),
    _row(
        conv_ops.conv2d,
        ref_conv,
        (1, 4, 4, 4),
        (2, 2, 2, 4),
        "conv2d_grouped",
        strides=1,
        padding="SAME",
    ),
    _row(
        conv_ops.conv3d,
        ref_conv,
        (1, 3, 4, 3, 2),
        (2, 2, 2, 2, 2),
        "conv3d_same",
        strides=[1, 2, 1, 1, 1],
        padding="SAME",
    ),
    _row(
        conv_ops.conv3d,
        ref_conv,
        (1, 2, 3, 4, 3),
        (2, 2, 2, 2, 2),
        "conv3d_ncdhw_valid",
        strides=1,
        padding="VALID",
        data_format="NCDHW",
    ),
    _row(
        conv_ops.conv3d,
        ref_conv,
        (1, 4, 3, 3, 2),
        (2, 2, 1, 2, 1),
        "conv3d_dilated",
        strides=1,
        padding="SAME",
        dilations=[1, 2, 1, 2, 1],
    ),
    _backprop_input_row(
        [2, 5, 4, 3],
        (3, 2, 3, 2),
        (2, 3, 2, 2),
        "conv2d_backprop_input",
        strides=[1, 2, 2, 1],
        padding="SAME",
    ),
    _backprop_input_row(
        [1, 6, 5, 2],
        (2, 2, 2, 3),
        (1, 4, 3, 3),
        "conv2d_backprop_input_dilated",
        strides=[1, 1, 1, 1],
        padding="VALID",
        dilations=[1, 2, 2, 1],
    ),
    _backprop_input_row(
        [1, 2, 4, 5],
        (3, 2, 2, 2),
        (1, 2, 4, 6),
        "conv2d_backprop_input_nchw_explicit",
        strides=[1, 1, 1, 1],
        padding=EXPLICIT_NCHW,
        data_format="NCHW",
    ),
    _backprop_filter_row(
        (2, 5, 4, 3),
        [3, 2, 3, 2],
        (2, 3, 2, 2),
        "conv2d_backprop_filter",
        strides=[1, 2, 2, 1],
        padding="SAME",
    ),
    _backprop_filter_row(
        (1, 4, 5, 2),
        [3, 2, 2, 2],
        (1, 5, 5, 2),
        "conv2d_backprop_filter_explicit",
        strides=[1, 1, 1, 1],
        padding=EXPLICIT,
    ),
    _backprop_filter_row(
        (1, 2, 5, 4),
        [2, 2, 2, 3],
        (1, 3, 5, 2),
        "conv2d_backprop_filter_nchw",
        strides=[1, 1, 1, 2],
        padding="SAME",
        data_format="NCHW",
    ),
    _backprop_input_row(
        [1, 3, 4, 3, 2],
        (2, 2, 2, 2, 2),
        (1, 2, 4, 3, 2),
        "conv3d_transpose",
        fn=lambda s, w, dy, **k: conv_ops.conv3d_transpose(dy, w, s, **k),
        strides=[1, 2, 1, 1, 1],
        padding="SAME",
    ),
    _row(
        conv_ops.depthwise_conv2d,
        ref_depthwise,
        (1, 5, 4, 3),
        (3, 2, 3, 2),
        "depthwise_same",
        strides=[1, 2, 2, 1],
        padding="SAME",
    ),
    _row(
        conv_ops.depthwise_conv2d,
        ref_depthwise,
        (1, 5, 5, 2),
        (2, 2, 2, 1),
        "depthwise_dilated_valid",
        strides=[1, 1, 1, 1],
        padding="VALID",
        dilations=[2, 2],
    ),
    _row(
        conv_ops.depthwise_conv2d,
        ref_depthwise,
        (1, 2, 4, 5),
        (3, 2, 2, 2),
        "depthwise_nchw_explicit",
        strides=[1, 1, 1, 1],
        padding=EXPLICIT_NCHW,
        data_format="NCHW",
    ),
    _row(
        conv_ops.extract_patches,
        ref_extract_patches,
        (2, 5, 4, 2),
        (1,),
        "extract_patches_same",
        sizes=[1, 3, 2, 1],
        strides=[1, 2, 1, 1],
        rates=[1, 1, 2, 1],
        padding="SAME",
    ),
]


def _one_arg(row):
    """extract_patches takes one image tensor: drop the placeholder second array."""
    make = row.args
    row.args = lambda rng, dtype: make(rng, dtype)[:1]
    return row


SPECS[-1] = _one_arg(SPECS[-1])


def _depthwise_backprop_rows():
    sizes, w_shape, dy_shape = [1, 5, 4, 3], (3, 2, 3, 2), (1, 3, 2, 6)
    attrs = {"strides": [1, 2, 2, 1], "padding": "SAME"}

    def grad_input(w, dy, **kwargs):
        return conv_ops.depthwise_conv2d_backprop_input(sizes, w, dy, **kwargs)

    def ref_input(w, dy, **kwargs):
        # the depthwise op is a grouped conv whose filter is block-diagonal
        return ref_conv_backprop_input(sizes, _block_filter(w), dy, **kwargs)

    def grad_filter(x, dy, **kwargs):
        return conv_ops.depthwise_conv2d_backprop_filter(x, [3, 2, 3, 2], dy, **kwargs)

    def ref_filter(x, dy, **kwargs):
        full = ref_conv_backprop_filter(x, [3, 2, 3, 6], dy, **kwargs).reshape(3, 2, 3, 3, 2)
        return np.stack([full[:, :, c, c] for c in range(3)], axis=2)

    return [
        OpSpec(
            grad_input,
            ref_input,
            args=_conv_args(w_shape, dy_shape),
            kwargs=attrs,
            name="depthwise_backprop_input",
        ),
        OpSpec(
            grad_filter,
            ref_filter,
            args=_conv_args(sizes, dy_shape),
            kwargs=attrs,
            name="depthwise_backprop_filter",
        ),
    ]


def _block_filter(w):
    kh, kw, depth, multiplier = w.shape
    full = np.zeros((kh, kw, depth, depth, multiplier), w.dtype)
    for c in range(depth):
        full[:, :, c, c] = w[:, :, c]
    return full.reshape(kh, kw, depth, depth * multiplier)


def _composite_rows():
    return [
        OpSpec(
            conv_ops.conv1d,
            lambda x, w, **k: ref_conv(x[:, None], w[None], strides=[1, 1, 2, 1], padding="SAME")[
                :, 0
            ],
            args=_conv_args((2, 7, 3), (3, 3, 2)),
            kwargs={"stride": 2, "padding": "SAME"},
            name="conv1d",
        ),
        OpSpec(
            lambda x, w: conv_ops.conv2d_transpose(x, w, [1, 5, 6, 2], [1, 2, 2, 1], "SAME"),
            lambda x, w: ref_conv_backprop_input([1, 5, 6, 2], w, x, [1, 2, 2, 1], "SAME"),
            args=_conv_args((1, 3, 3, 3), (3, 2, 2, 3)),
            name="conv2d_transpose",
        ),
        OpSpec(
            lambda x, w: conv_ops.conv1d_transpose(x, w, [2, 7, 2], 2, "VALID"),
            lambda x, w: ref_conv_backprop_input(
                [2, 1, 7, 2], w[None], x[:, None], [1, 1, 2, 1], "VALID"
            )[:, 0],
            args=_conv_args((2, 3, 3), (3, 2, 3)),
            name="conv1d_transpose",
        ),
        OpSpec(
            lambda x, w: conv_ops.atrous_conv2d(x, w, 2, "SAME"),
            lambda x, w: ref_conv(x, w, 1, "SAME", dilations=2),
            args=_conv_args((1, 5, 5, 2), (2, 2, 2, 2)),
            name="atrous_conv2d",
        ),
        OpSpec(
            lambda x, w: conv_ops.atrous_conv2d_transpose(x, w, [1, 6, 5, 2], 2, "VALID"),
            lambda x, w: ref_conv_backprop_input([1, 6, 5, 2], w, x, 1, "VALID", dilations=2),
            args=_conv_args((1, 4, 3, 2), (2, 2, 2, 2)),
            name="atrous_conv2d_transpose",
        ),
        OpSpec(
            lambda x, w, p: conv_ops.separable_conv2d(x, w, p, [1, 1, 1, 1], "VALID"),
            lambda x, w, p: ref_conv(ref_depthwise(x, w, 1, "VALID"), p),
            args=lambda rng, dtype: [
                rng.uniform(-1, 1, size=s).astype(dtype)
                for s in ((1, 4, 4, 2), (2, 2, 2, 2), (1, 1, 4, 3))
            ],
            name="separable_conv2d",
        ),
        OpSpec(
            lambda x, w: conv_ops.convolution(x, w, padding="SAME", dilations=2),
            lambda x, w: ref_conv(x, w, 1, "SAME", dilations=2),
            args=_conv_args((1, 5, 4, 2), (2, 2, 2, 3)),
            name="convolution_2d",
        ),
    ]


SPECS += _depthwise_backprop_rows() + _composite_rows()


@pytest.mark.parametrize("spec", SPECS, ids=OpSpec.id)
def test_op(spec):
    check_op(spec)


# ---- targeted checks --------------------------------------------------------------------------
def _zeros(*shape, dtype=tf.float32):
    return tf.zeros(shape, dtype)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: conv_ops.conv2d(_zeros(1, 5, 5, 3), _zeros(3, 3, 4, 2), 1, "SAME"),
            tf.errors.InvalidArgumentError,
            "input depth must be evenly divisible by filter depth: 3 vs 4",
        ),
        (
            lambda: conv_ops.conv2d(_zeros(1, 5, 5, 3), _zeros(3, 3, 3, 2), 1, "same"),
            tf.errors.InvalidArgumentError,
            "Value for attr 'padding' of \"same\" is not in the list",
        ),
        (
            lambda: conv_ops.conv2d(_zeros(5, 5, 3), _zeros(3, 3, 3, 2), 1, "SAME"),
            tf.errors.InvalidArgumentError,
            r"convolution input must be 4-dimensional: \[5,5,3\]",
        ),
        (
            lambda: conv_ops.conv2d(_zeros(1, 5, 5, 3), _zeros(3, 3, 2), 1, "SAME"),
            tf.errors.InvalidArgumentError,
            "convolution filter must be 4-dimensional",
        ),
        (
            lambda: conv_ops.conv2d(_zeros(1, 5, 5, 3), _zeros(3, 3, 3, 2), 0, "SAME"),
            tf.errors.InvalidArgumentError,
            "Row and column strides should be larger than 0.",
        ),
        (
            lambda: conv_ops.conv2d(_zeros(1, 5, 5, 3), _zeros(3, 3, 3, 2), [2, 1, 1, 1], "SAME"),
            tf.errors.UnimplementedError,
            "strides in the batch and depth",
        ),
        (
            lambda: conv_ops.conv2d(_zeros(1, 5, 5, 3), _zeros(3, 3, 3, 2), [1, 1, 1], "SAME"),
            ValueError,
            "strides should be of length 1, 2 or 4",
        ),
        (
            lambda: conv_ops.conv2d(_zeros(1, 5, 5, 3), _zeros(3, 3, 3, 2), 1, "SAME", dilations=0),
            tf.errors.InvalidArgumentError,
            "Dilated rates should be larger than 0.",
        ),
        (
            lambda: conv_ops.conv2d(_zeros(1, 5, 5, 3), _zeros(7, 7, 3, 2), 1, "VALID"),
            tf.errors.InvalidArgumentError,
            r"Computed output size would be negative: -1 \[input_size: 5, effective_filter_size: 7, stride: 1\]",
        ),
        (
            lambda: conv_ops.conv2d(
                _zeros(1, 5, 5, 3), _zeros(3, 3, 3, 2), 1, [[1, 0], [1, 2], [0, 1], [0, 0]]
            ),
            tf.errors.InvalidArgumentError,
            "Nonzero explicit padding in the batch or depth",
        ),
        (
            lambda: conv_ops.conv2d(
                _zeros(1, 5, 5, 3), _zeros(3, 3, 3, 2), 1, [[0, 0], [1, 2], [0, 1]]
            ),
            ValueError,
            "When padding is a list, it must be of size 4",
        ),
        (
            lambda: conv_ops.conv2d(
                _zeros(1, 5, 5, 3), _zeros(3, 3, 3, 2, dtype=tf.float64), 1, "SAME"
            ),
            tf.errors.InvalidArgumentError,
            "expected to be a float tensor but is a double tensor",
        ),
        (
            lambda: conv_ops.conv3d(_zeros(1, 4, 4, 4, 3), _zeros(2, 2, 2, 4, 2), [1] * 5, "SAME"),
            tf.errors.InvalidArgumentError,
            "Input depth must be evenly divisible by filter depth: 3 vs 4",
        ),
        (
            lambda: conv_ops.depthwise_conv2d(
                _zeros(1, 5, 5, 3), _zeros(3, 3, 4, 2), [1, 1, 1, 1], "SAME"
            ),
            tf.errors.InvalidArgumentError,
            "input and filter must have the same depth: 3 vs 4",
        ),
        (
            lambda: conv_ops.depthwise_conv2d(
                _zeros(1, 5, 5, 3), _zeros(3, 3, 3, 2), [1, 2, 1, 1], "SAME"
            ),
            tf.errors.InvalidArgumentError,
            "equal length strides in the row and column",
        ),
        (
            lambda: conv_ops.extract_patches(
                _zeros(1, 5, 5, 3), [2, 3, 3, 1], [1, 2, 2, 1], [1, 1, 1, 1], "SAME"
            ),
            tf.errors.UnimplementedError,
            "Only support ksizes across space.",
        ),
        (
            lambda: conv_ops.conv2d_backprop_input(
                [1, 5, 5, 3], _zeros(3, 3, 3, 2), _zeros(1, 4, 5, 2), [1, 1, 1, 1], "SAME"
            ),
            tf.errors.InvalidArgumentError,
            "Size of out_backprop doesn't match computed: actual = 4, computed = 5",
        ),
        (
            lambda: conv_ops.conv2d_transpose(
                _zeros(1, 3, 3, 2), _zeros(3, 3, 4, 3), [1, 6, 6, 4], 2
            ),
            tf.errors.InvalidArgumentError,
            "filter and out_backprop must have the same out_depth",
        ),
        (
            lambda: conv_ops.convolution(
                _zeros(2, 7, 7, 3), _zeros(3, 3, 3, 4), strides=2, dilations=2, padding="SAME"
            ),
            ValueError,
            "`strides > 1` not supported in conjunction with `dilation_rate > 1`",
        ),
        (
            lambda: conv_ops.atrous_conv2d(_zeros(1, 5, 5, 3), _zeros(3, 3, 3, 2), 0, "SAME"),
            ValueError,
            "all values of `dilation_rate` must be positive",
        ),
        (
            lambda: conv_ops.separable_conv2d(
                _zeros(1, 5, 5, 3), _zeros(3, 3, 3, 2), _zeros(2, 1, 6, 4), [1, 1, 1, 1], "SAME"
            ),
            ValueError,
            "Dimensions 2 and 1 are not compatible",
        ),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_backprop_input_takes_two_spatial_sizes():
    rng = np.random.default_rng(4)
    w = rng.uniform(-1, 1, (3, 3, 3, 2)).astype(np.float32)
    dy = rng.uniform(-1, 1, (1, 5, 5, 2)).astype(np.float32)
    short = conv_ops.conv2d_backprop_input([5, 5], w, dy, [1, 1, 1, 1], "SAME")
    full = conv_ops.conv2d_backprop_input([1, 5, 5, 3], w, dy, [1, 1, 1, 1], "SAME")
    assert short.shape == [1, 5, 5, 3]
    np.testing.assert_allclose(short.numpy(), full.numpy())
    with pytest.raises(tf.errors.InvalidArgumentError, match="4 values or 2 values, but got: 3"):
        conv_ops.conv2d_backprop_input([1, 5, 5], w, dy, [1, 1, 1, 1], "SAME")


@pytest.mark.parametrize(
    ("dy_shape", "message"),
    [
        (
            (1, 4, 5, 6),
            "Number of rows of out_backprop doesn't match computed: actual = 4, computed = 5",
        ),
        ((1, 5, 5, 5), "depth_multiplier \\* in_depth not equal to out_depth"),
    ],
)
def test_depthwise_backprop_errors(dy_shape, message):
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="DepthwiseConv2DBackpropInput: " + message
    ):
        conv_ops.depthwise_conv2d_backprop_input(
            [1, 5, 5, 3], _zeros(3, 3, 3, 2), _zeros(*dy_shape), [1, 1, 1, 1], "SAME"
        )


def test_conv3d_rejects_groups_and_rank_like_tf():
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Number of channels in filter \(2\) must match"
    ):
        conv_ops.conv3d(_zeros(1, 3, 3, 3, 4), _zeros(2, 2, 2, 2, 2), [1] * 5, "SAME")
    with pytest.raises(tf.errors.InvalidArgumentError, match="input must be 5-dimensional"):
        conv_ops.conv3d(_zeros(3, 3, 3, 4), _zeros(2, 2, 2, 4, 2), [1] * 5, "SAME")


def test_error_names_the_op():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[Op:Conv2D\]"):
        conv_ops.conv2d(_zeros(1, 5, 5, 3), _zeros(3, 3, 4, 2), 1, "SAME")


def test_graph_shape_rule_rejects_channel_mismatch():
    @tf.function
    def f(x, w):
        return conv_ops.conv2d(x, w, 1, "SAME")

    with pytest.raises(
        ValueError, match=r"Depth of input \(3\) is not a multiple of input depth of filter \(4\)"
    ):
        f.get_concrete_function(tf.TensorSpec([None, 5, 5, 3]), tf.TensorSpec([3, 3, 4, 2]))


def test_graph_shapes_with_unknown_dims():
    @tf.function
    def f(x, w):
        out = conv_ops.conv2d(x, w, 2, "SAME")
        assert out.shape.as_list() == [None, 3, None, 8]
        return out

    f.get_concrete_function(tf.TensorSpec([None, 5, None, 3]), tf.TensorSpec([3, 3, 3, 8]))


@pytest.mark.parametrize("dtype", [tf.float16, tf.bfloat16, tf.int32])
def test_other_dtypes_keep_their_dtype(dtype):
    x = tf.cast(tf.reshape(tf.range(2 * 4 * 4 * 2), [2, 4, 4, 2]) % 5, dtype)
    w = tf.cast(tf.reshape(tf.range(3 * 3 * 2 * 3), [3, 3, 2, 3]) % 3 - 1, dtype)
    out = conv_ops.conv2d(x, w, 1, "SAME")
    assert out.dtype == dtype
    want = ref_conv(x.numpy().astype(np.float64), w.numpy().astype(np.float64), 1, "SAME")
    np.testing.assert_allclose(out.numpy().astype(np.float64), want, rtol=1e-2)


def test_empty_batch_and_channels():
    assert conv_ops.conv2d(_zeros(0, 5, 5, 3), _zeros(3, 3, 3, 2), 1, "SAME").shape == [0, 5, 5, 2]
    grad = conv_ops.conv2d_backprop_filter(
        _zeros(0, 5, 5, 3), [3, 3, 3, 2], _zeros(0, 5, 5, 2), [1] * 4, "SAME"
    )
    assert grad.numpy().tolist() == np.zeros((3, 3, 3, 2)).tolist()


def test_extract_patches_integer_and_gradient_sums_overlaps():
    images = tf.reshape(tf.range(16), [1, 4, 4, 1])
    patches = conv_ops.extract_patches(images, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID")
    assert patches.dtype == tf.int32
    assert patches.numpy()[0, 0, 0].tolist() == [0, 1, 4, 5]
    x = tf.ones([1, 3, 3, 1])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = conv_ops.extract_patches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    counts = tape.gradient(y, x).numpy()[0, :, :, 0]
    assert counts.tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]


def test_large_conv_matches_reference_and_reuses_workspace():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 9, 9, 8)).astype(np.float32)
    w = rng.standard_normal((3, 3, 8, 5)).astype(np.float32)
    for _ in range(2):  # the second call runs in the reused workspace
        got = conv_ops.conv2d(x, w, 1, "SAME").numpy()
        np.testing.assert_allclose(got, ref_conv(x, w, 1, "SAME"), rtol=1e-4, atol=1e-4)


def test_filter_gradient_reuses_patches_only_of_the_same_array():
    rng = np.random.default_rng(5)
    first, second = (rng.standard_normal((2, 6, 6, 3)).astype(np.float32) for _ in range(2))
    w = tf.constant(rng.standard_normal((3, 3, 3, 4)).astype(np.float32))
    dy = rng.standard_normal((2, 6, 6, 4)).astype(np.float32)
    x = tf.constant(first)
    conv_ops.conv2d(x, w, 1, "SAME")  # leaves the patches of `first` in the workspace
    for source in (x, tf.constant(second)):
        got = conv_ops.conv2d_backprop_filter(source, [3, 3, 3, 4], dy, [1, 1, 1, 1], "SAME")
        want = ref_conv_backprop_filter(source.numpy(), [3, 3, 3, 4], dy, padding="SAME")
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-4, atol=1e-4)
    got = conv_ops.conv2d_backprop_filter(x, [3, 3, 3, 4], dy[:, ::2, ::2], [1, 2, 2, 1], "SAME")
    want = ref_conv_backprop_filter(first, [3, 3, 3, 4], dy[:, ::2, ::2], 2, "SAME")
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "kernel, strides, dilations, padding",
    [
        ((3, 3), 1, 1, "SAME"),
        ((1, 3), 2, 1, "SAME"),
        ((3, 1), 1, 2, "VALID"),
        ((2, 3), [1, 3], 1, [[1, 2], [0, 3]]),
        ((3, 3), 3, 1, "VALID"),
    ],
)
def test_backprop_input_from_row_patches(kernel, strides, dilations, padding):
    rng = np.random.default_rng(7)
    sizes = [2, 7, 8, 3]
    w = rng.standard_normal((*kernel, 3, 4)).astype(np.float32)
    stride_pair = [strides] * 2 if isinstance(strides, int) else strides
    explicit = padding if isinstance(padding, str) else [[0, 0], *padding, [0, 0]]
    outs, _ = _pairs(sizes[1:3], kernel, stride_pair, [dilations] * 2, padding)
    dy = rng.standard_normal((2, *outs, 4)).astype(np.float32)
    for _ in range(2):  # the second call runs in the reused workspaces
        got = conv_ops.conv2d_backprop_input(
            sizes, w, dy, [1, *stride_pair, 1], explicit, dilations=dilations
        )
        want = ref_conv_backprop_input(sizes, w, dy, stride_pair, explicit, dilations=dilations)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-4, atol=1e-4)


def test_backprop_filter_rejects_mismatched_batches():
    # TF's own message (from its reference kernel; the oneDNN build fails less clearly).
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"input and out_backprop must have the same batch size\. Input batch: 2, "
        r"outbackprop batch: 3",
    ):
        tf.compat.v1.nn.conv2d_backprop_filter(
            tf.ones([2, 5, 5, 3]), [3, 3, 3, 4], tf.ones([3, 5, 5, 4]), [1, 1, 1, 1], "SAME"
        )


# ---- kernels refuse what TF's kernels refuse (raw ops, graphs of unknown shapes) --------------
_CONV_ARGS = {"strides": [1, 1, 1, 1], "padding": "VALID"}


@pytest.mark.parametrize(
    ("op_name", "message"),
    [
        ("Conv2DBackpropInput", "Conv2DBackpropInput: input_sizes input must be 1-dim, not 2"),
        (
            "DepthwiseConv2dNativeBackpropInput",
            "Conv2DBackpropInput: input_sizes input must be 1-dim, not 2",
        ),
    ],
)
def test_backprop_input_sizes_must_be_a_vector(op_name, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        getattr(tf.raw_ops, op_name)(
            input_sizes=[[1, 3, 3, 2]], filter=tf.ones([2, 2, 2, 2]),
            out_backprop=tf.ones([1, 2, 2, 4]), **_CONV_ARGS,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("op_name", "message"),
    [
        (
            "Conv2DBackpropFilter",
            "Conv2DCustomBackpropFilter: filter_sizes input must be 1-dim, not 0",
        ),
        (
            "DepthwiseConv2dNativeBackpropFilter",
            "Conv2DBackpropFilter: filter_sizes input must be 1-dim, not 0",
        ),
    ],
)
def test_backprop_filter_sizes_must_be_a_vector(op_name, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        getattr(tf.raw_ops, op_name)(
            input=tf.ones([1, 3, 3, 2]), filter_sizes=2, out_backprop=tf.ones([1, 2, 2, 4]),
            **_CONV_ARGS,
        )  # fmt: skip


def test_conv3d_backprop_sizes_must_be_vectors():
    args = {"strides": [1] * 5, "padding": "VALID"}
    x, dy = tf.ones([1, 3, 3, 3, 2]), tf.ones([1, 2, 2, 2, 4])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"got shape \[1,5\]"):
        tf.raw_ops.Conv3DBackpropInputV2(
            input_sizes=[[1, 3, 3, 3, 2]], filter=tf.ones([2, 2, 2, 2, 4]), out_backprop=dy, **args
        )
    with pytest.raises(tf.errors.InvalidArgumentError, match="filter_sizes shape must be rank 1"):
        tf.raw_ops.Conv3DBackpropFilterV2(
            input=x, filter_sizes=[[2, 2, 2, 2, 4]], out_backprop=dy, **args
        )


def test_empty_filters_as_tf():
    with pytest.raises(tf.errors.InvalidArgumentError, match="filter must not have zero elements"):
        tf.raw_ops.Conv2D(input=tf.ones([1, 3, 3, 2]), filter=tf.ones([0, 2, 2, 4]), **_CONV_ARGS)
    out = tf.raw_ops.DepthwiseConv2dNative(
        input=tf.ones([1, 5, 4, 3]), filter=tf.ones([0, 2, 3, 2]), strides=[1, 2, 2, 1],
        padding="SAME",
    )  # fmt: skip
    assert out.shape == (1, 3, 2, 6) and not out.numpy().any()
    grad = tf.raw_ops.Conv2DBackpropInput(
        input_sizes=[2, 5, 4, 3], filter=tf.ones([0, 2, 3, 2]), out_backprop=tf.ones([2, 5, 4, 2]),
        strides=[1, 1, 1, 1], padding="SAME",
    )  # fmt: skip
    assert grad.shape == (2, 5, 4, 3) and not grad.numpy().any()


def test_depthwise_backprop_filter_checks_batches():
    with pytest.raises(tf.errors.InvalidArgumentError, match="must have the same batch size"):
        tf.raw_ops.DepthwiseConv2dNativeBackpropFilter(
            input=tf.ones([2, 3, 3, 2]), filter_sizes=[2, 2, 2, 2],
            out_backprop=tf.ones([1, 2, 2, 4]), **_CONV_ARGS,
        )  # fmt: skip
