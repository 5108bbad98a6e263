"""The oracle shared by the comparisons with real TensorFlow: run one function on both
libraries and require the same error class, or the same dtypes, shapes and values."""

import numpy as np


def run(module, fn, arrays):
    """fn(module, *constants) and the error it raised, if any."""
    try:
        return fn(module, *[module.constant(a) for a in arrays]), None
    except Exception as error:  # the error class is what gets compared
        return None, error


def compare(ours_module, theirs_module, fn, arrays, rtol=1e-5, atol=1e-6):
    theirs, their_error = run(theirs_module, fn, arrays)
    ours, our_error = run(ours_module, fn, arrays)
    if their_error is not None:
        assert our_error is not None, f"TF raised {type(their_error).__name__}: {their_error}"
        assert type(our_error).__name__ == type(their_error).__name__, (our_error, their_error)
        return
    assert our_error is None, f"TF succeeded, tensorflux raised {our_error!r}"
    theirs = theirs if isinstance(theirs, (list, tuple)) else [theirs]
    ours = ours if isinstance(ours, (list, tuple)) else [ours]
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert o.dtype.name == t.dtype.name
        assert o.shape.as_list() == t.shape.as_list()
        expected, got = t.numpy(), o.numpy()
        if expected.dtype.kind in "fc" or expected.dtype.name == "bfloat16":
            wide = np.complex128 if expected.dtype.kind == "c" else np.float64
            np.testing.assert_allclose(
                got.astype(wide), expected.astype(wide), rtol=rtol, atol=atol
            )
        else:
            np.testing.assert_array_equal(got, expected)
