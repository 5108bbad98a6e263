"""Argument normalization and output-length arithmetic shared by the convolution, pooling and
reshaping layers (tf_keras's conv_utils rules)."""

from tensorflux._src.keras import backend


def normalize_tuple(value, n, name, allow_zero=False):
    """`value` (an int or an iterable of `n` ints) as a tuple of `n` ints, checked."""
    error_msg = f"The `{name}` argument must be a tuple of {n} integers. Received: {value}"
    if isinstance(value, int):
        value_tuple = (value,) * n
    else:
        try:
            value_tuple = tuple(value)
        except TypeError:
            raise ValueError(error_msg) from None
        if len(value_tuple) != n:
            raise ValueError(error_msg)
        for single_value in value_tuple:
            try:
                int(single_value)
            except (ValueError, TypeError):
                raise ValueError(
                    f"{error_msg}including element {single_value} of type {type(single_value)}"
                ) from None
    if allow_zero:
        unqualified = {v for v in value_tuple if v < 0}
        requirement = ">= 0"
    else:
        unqualified = {v for v in value_tuple if v <= 0}
        requirement = "> 0"
    if unqualified:
        raise ValueError(
            f"{error_msg} including {unqualified} that does not satisfy the requirement "
            f"`{requirement}`."
        )
    return value_tuple


def normalize_padding(value):
    """'valid', 'same' or 'causal' (lower-cased); lists and tuples pass through."""
    if isinstance(value, (list, tuple)):
        return value
    padding = value.lower()
    if padding not in {"valid", "same", "causal"}:
        raise ValueError(
            'The `padding` argument must be a list/tuple or one of "valid", "same" (or '
            f'"causal", only for `Conv1D). Received: {padding}'
        )
    return padding


def normalize_data_format(value):
    """'channels_last' or 'channels_first'; None means the global image data format."""
    return backend.normalize_data_format(value)


def convert_data_format(data_format, ndim):
    """The TF op layout string ('NHWC', 'NCDHW', ...) of a Keras data format and a rank."""
    spatial = {3: "W", 4: "HW", 5: "DHW"}.get(ndim)
    if spatial is None:
        raise ValueError(f"Input rank not supported: {ndim}")
    if data_format == "channels_last":
        return f"N{spatial}C"
    if data_format == "channels_first":
        return f"NC{spatial}"
    raise ValueError(f"Invalid data_format: {data_format}")


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """The length of a convolution's output along one axis (None when unknown)."""
    if input_length is None:
        return None
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    if padding in ("same", "causal"):
        length = input_length
    elif padding == "valid":
        length = input_length - dilated + 1
    else:  # 'full'
        length = input_length + dilated - 1
    return (length + stride - 1) // stride


def deconv_output_length(
    input_length, filter_size, padding, output_padding=None, stride=0, dilation=1
):
    """The length of a transposed convolution's output along one axis (None when unknown)."""
    if input_length is None:
        return None
    filter_size = filter_size + (filter_size - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return input_length * stride + max(filter_size - stride, 0)
        if padding == "full":
            return input_length * stride - (stride + filter_size - 2)
        return input_length * stride
    pad = {"same": filter_size // 2, "valid": 0, "full": filter_size - 1}[padding]
    return (input_length - 1) * stride + filter_size - 2 * pad + output_padding


_ORDINALS = ("1st", "2nd", "3rd")


def normalize_pairs(value, n, name, forms):
    """`value` (an int, `n` ints, or `n` pairs of ints) as `n` (before, after) pairs.

    `forms` describes the accepted forms in the error message, e.g. "a tuple of 2 ints
    (symmetric_height_pad, symmetric_width_pad), or a tuple of 2 tuples of 2 ints (...)".
    """
    if isinstance(value, int):
        return ((value, value),) * n
    if not hasattr(value, "__len__"):
        raise ValueError(f"`{name}` should be either an int, {forms}. Received: {value}.")
    if len(value) != n:
        count = "two" if n == 2 else str(n)
        raise ValueError(f"`{name}` should have {count} elements. Received: {value}.")
    return tuple(
        normalize_tuple(entry, 2, f"{_ORDINALS[i]} entry of {name}", allow_zero=True)
        for i, entry in enumerate(value)
    )
