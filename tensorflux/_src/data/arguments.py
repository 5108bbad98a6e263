"""Arguments of dataset ops that may come as tensors, checked as TF's kernels check them."""

from __future__ import annotations

import numpy as np

from tensorflux._src.core import dtypes, errors


def int64_value(value, op: str, position: int):
    """`value` as Python (an int or a list of them): an int64 tensor's value, or the Python
    value itself; TF's errors for a tensor of another dtype and for a float.

    >>> int64_value(tf.constant(3, tf.int64), "BatchDatasetV2", 1)
    3
    """
    numpy = getattr(value, "numpy", None)
    if numpy is not None:
        array = np.asarray(numpy())
        if array.dtype != np.int64:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"cannot compute {op} as input #{position}(zero-based) was expected to be a int64 "
                f"tensor but is a {dtypes.from_numpy(array.dtype).name} tensor [Op:{op}]",
            )
        return array.tolist()
    if isinstance(value, (float, np.floating)):
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype int64")
    return value
