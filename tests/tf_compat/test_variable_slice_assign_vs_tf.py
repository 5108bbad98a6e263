"""`variable[...].assign(value)` against real TensorFlow: values after each write, the
returned value, broadcasting and its error, eagerly and in tf.function."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import tensorflux as tfx  # noqa: E402

WRITES = [
    (lambda v: v[1:3], [9.0, 8.0]),
    (lambda v: v[0], 5.0),
    (lambda v: v[::2], 7.0),
    (lambda v: v[-1], [[1.5]][0][0]),
    (lambda v: v[::-1], [1.0, 2.0, 3.0, 4.0]),
    (lambda v: v[1:1], []),
]


def _run(framework, traced):
    variable = framework.Variable([1.0, 2.0, 3.0, 4.0])
    states = []
    for select, value in WRITES:
        if traced:
            framework.function(lambda s=select, x=value: s(variable).assign(x))()
        else:
            returned = select(variable).assign(value)
            states.append(np.asarray(returned.numpy()).tolist())
        states.append(variable.numpy().tolist())
    return states


@pytest.mark.parametrize("traced", [False, True])
def test_writes_match(traced):
    assert _run(tfx, traced) == _run(tf_real, traced)


def test_matrix_writes_and_errors_match():
    results = []
    for framework in (tfx, tf_real):
        m = framework.Variable(np.zeros((2, 3), np.float32))
        m[:, 1].assign([1.0, 2.0])
        m[1, ...].assign(5.0)
        m[0, 1:].assign([[3.0, 4.0]][0])
        with pytest.raises(framework.errors.InvalidArgumentError) as error:
            m[:, 0].assign([1.0, 2.0, 3.0])
        results.append((m.numpy().tolist(), "Cannot broadcast" in str(error.value)))
    assert results[0] == results[1]
