"""polyval, lbeta, is_non_decreasing, is_strictly_increasing and nextafter against real TF."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402

BETA_ARGUMENTS = np.random.default_rng(5).uniform(0.1, 5, (4, 3))

CASES = [
    ("polyval", lambda m: m.math.polyval([2.0, -1.0, 4.0], m.constant([0.5, -2.0, 3.0]))),
    ("polyval_int", lambda m: m.math.polyval([1, 2], m.constant([3, 4]))),
    ("polyval_empty", lambda m: m.math.polyval([], m.constant([1.0, 2.0]))),
    ("lbeta", lambda m: m.math.lbeta(m.constant([[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]]))),
    ("lbeta_f64", lambda m: m.math.lbeta(m.constant(BETA_ARGUMENTS))),
    ("lbeta_empty", lambda m: m.math.lbeta(m.zeros([2, 0]))),
    ("non_decreasing", lambda m: m.math.is_non_decreasing([[1, 2], [2, 3]])),
    ("non_decreasing_no", lambda m: m.math.is_non_decreasing([3.0, 1.0])),
    ("strictly_increasing", lambda m: m.math.is_strictly_increasing([1, 2, 2])),
    ("strictly_one", lambda m: m.math.is_strictly_increasing([5.0])),
    ("nextafter", lambda m: m.math.nextafter([1.0, 0.0, -1.0], [2.0, -1.0, -1.0])),
    ("nextafter_f64", lambda m: m.math.nextafter(m.constant([1.0], m.float64), 0.0)),
]


@pytest.mark.parametrize(("name", "call"), CASES, ids=[c[0] for c in CASES])
def test_values_match(name, call):
    ours, theirs = call(tfx), call(tf_real)
    assert ours.dtype.name == theirs.dtype.name and ours.shape == theirs.shape
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.math.polyval((1.0,), 2.0),
        lambda m: m.math.is_non_decreasing(["a", "b"]),
        lambda m: m.math.nextafter(m.constant([1], m.int32), m.constant([2], m.int32)),
    ],
)
def test_errors_match(call):
    classes = []
    for framework in (tfx, tf_real):
        with pytest.raises(Exception) as error:
            call(framework)
        classes.append(type(error.value).__name__)
    assert classes[0] == classes[1]
