"""`pad_sequences`: pads or truncates a list of sequences into one NumPy array."""

import numpy as np


def pad_sequences(
    sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0
):
    """Pads sequences to a common length, giving an array of shape `(num_samples, maxlen, ...)`.

    Args:
        sequences: List of sequences (lists or arrays; later axes must agree).
        maxlen: Length of the output rows; the longest sequence's length when `None`.
        dtype: Dtype of the result (`object` for variable-length strings).
        padding: `"pre"` or `"post"`: where padding values go.
        truncating: `"pre"` or `"post"`: which end loses values when a sequence is too long.
        value: The padding value.

    Returns:
        A NumPy array of shape `(len(sequences), maxlen) + sample_shape`.

    Raises:
        ValueError: On an unknown `padding` or `truncating`, a non-iterable sequence, a string
            `value` with a non-string dtype, or samples of different shapes.

    >>> tf.keras.utils.pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2, padding="post")
    array([[1, 0],
           [2, 3],
           [5, 6]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths = []
    sample_shape = ()
    sample_shape_found = False
    for sequence in sequences:
        try:
            lengths.append(len(sequence))
        except TypeError as e:
            raise ValueError(
                f"`sequences` must be a list of iterables. Found non-iterable: {sequence!s}"
            ) from e
        # The first non-empty sequence fixes the shape every step must have.
        if not sample_shape_found and len(sequence):
            sample_shape = np.asarray(sequence).shape[1:]
            sample_shape_found = True
    if maxlen is None:
        maxlen = np.max(lengths)
    is_string_dtype = np.issubdtype(dtype, np.str_)
    if isinstance(value, str) and np.dtype(dtype).kind != "O" and not is_string_dtype:
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
            "You should set `dtype=object` for variable length strings."
        )
    padded = np.full((len(sequences), maxlen, *sample_shape), value, dtype=dtype)
    for position, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        if truncating == "pre":
            kept = sequence[-maxlen:]
        elif truncating == "post":
            kept = sequence[:maxlen]
        else:
            raise ValueError(f'Truncating type "{truncating}" not understood')
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(
                f"Shape of sample {kept.shape[1:]} of sequence at position {position} "
                f"is different from expected shape {sample_shape}"
            )
        if padding == "post":
            padded[position, : len(kept)] = kept
        elif padding == "pre":
            padded[position, -len(kept) :] = kept
        else:
            raise ValueError(f'Padding type "{padding}" not understood')
    return padded
