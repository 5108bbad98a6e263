"""tf.autograph against real TensorFlow: the public names, and converted functions giving the
same results on Python values.

Eager tensors are left out on purpose: TF's converted code runs tensor conditions through
eager tf.cond (with its graph-only checks), while here a converted function called eagerly
behaves exactly as the original Python function does."""

import pytest

tf_real = pytest.importorskip("tensorflow")

from tensorflux import autograph  # noqa: E402


def sign(x):
    if x > 0:
        return 1
    elif x < 0:
        return -1
    return 0


def loops(n):
    total = 0
    for i in range(n):
        if i % 2 == 0:
            continue
        if i > 7:
            break
        total += i
    while total > 10 and n:
        total -= 3
    return total


def logic(a, b):
    return (a and not b) or (b if a else -1)


def test_public_names():
    for namespace, ours in ((tf_real.autograph, autograph),
                            (tf_real.autograph.experimental, autograph.experimental)):  # fmt: skip
        public = {name for name in dir(namespace) if not name.startswith("_")}
        assert public <= set(dir(ours)), public - set(dir(ours))
    assert [f.name for f in autograph.experimental.Feature] == [
        f.name for f in tf_real.autograph.experimental.Feature
    ]


@pytest.mark.parametrize(
    ("function", "args"),
    [(sign, (3,)), (sign, (-2,)), (sign, (0,)), (loops, (12,)), (loops, (3,)), (logic, (1, 0)),
     (logic, (0, 2)), (logic, (3, 4))],
)  # fmt: skip
def test_python_values_match_tf(function, args):
    assert autograph.to_graph(function)(*args) == tf_real.autograph.to_graph(function)(*args)
