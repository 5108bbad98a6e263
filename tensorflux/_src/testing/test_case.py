"""`tf.test`: `TestCase` (unittest with array assertions), `main`, and GPU availability.

TestCase compares tensors, arrays and nests of them the way TF's does: no broadcasting (shapes
must match), NaNs equal to NaNs, and messages that say where the values differ. There are no
sessions: `evaluate` turns tensors into NumPy values, as TF's does in eager mode.
"""

from __future__ import annotations

import collections.abc
import contextlib
import math
import random
import re
import shutil
import tempfile
import unittest

import numpy as np

from tensorflux._src.core import config, dtypes, errors, log, nest, random_seed
from tensorflux._src.core.tensor import Tensor

_log = log.logger
_deprecation_logged: list = []  # is_gpu_available warns once per process, as TF does
_DEFAULT_SEED = 87654321  # TF's DEFAULT_GRAPH_SEED, which its TestCase seeds every test with


def _evaluated(value):
    """A tensor or variable as a NumPy value; None stays None; a callable is called first."""
    if value is None:
        return None
    if callable(value) and not isinstance(value, Tensor) and not hasattr(value, "numpy"):
        return _evaluated(value())
    try:
        return value.numpy()
    except AttributeError:
        raise ValueError(f"Unsupported type {type(value).__name__!r}.") from None


def _path_text(path) -> str:
    return "[" + "][".join(str(p) for p in path) + "]" if path else ""


def _format_subscripts(subscripts, value, limit: int = 10) -> list[str]:
    """Lines "  [i, j] : value" for the first `limit` offending elements."""
    lines = []
    for count, index in enumerate(zip(*subscripts)):
        if count == limit:
            lines.append("  ...")
            break
        lines.append(f"  [{', '.join(str(i) for i in index)}] : {value[index]}")
    return lines


class TestCase(unittest.TestCase):
    """`tf.test.TestCase`: a unittest.TestCase with assertions for tensors and arrays.

    >>> class SquareTest(tf.test.TestCase):
    ...     def test_square(self):
    ...         self.assertAllClose(tf.square([1.0, 2.0]), [1.0, 4.0])
    """

    def __init__(self, methodName="runTest"):
        super().__init__(methodName)
        self._tempdir = None

    def setUp(self):
        super().setUp()
        random.seed(_DEFAULT_SEED)
        np.random.seed(_DEFAULT_SEED)
        random_seed.set_seed(_DEFAULT_SEED)

    # -- values -------------------------------------------------------------------------------
    def evaluate(self, tensors):
        """The NumPy values of a tensor, variable, or a nest of them.

        Other leaves are an error, as in TF: `evaluate` is for tensors.
        """
        return nest.map_structure(_evaluated, tensors)

    def _array(self, value) -> np.ndarray:
        if isinstance(value, Tensor) or hasattr(type(value), "__tf_tensor__"):
            value = self.evaluate(value)
        return value if isinstance(value, np.ndarray) else np.array(value)

    @contextlib.contextmanager
    def cached_session(self, graph=None, config=None, use_gpu=True, force_gpu=False):
        """A no-op in eager mode, as in TF 2: ops run at once, there is no session to cache."""
        yield None

    session = cached_session

    def get_temp_dir(self) -> str:
        """A fresh temporary directory for this test, removed when the test ends."""
        if self._tempdir is None:
            self._tempdir = tempfile.mkdtemp()
            self.addCleanup(shutil.rmtree, self._tempdir, ignore_errors=True)
        return self._tempdir

    # -- closeness ----------------------------------------------------------------------------
    def _assert_array_close(self, a, b, rtol, atol, msg) -> None:
        a, b = self._array(a), self._array(b)
        contents = f" with contents {b}" if b.ndim <= 3 or b.size < 500 else ""
        self.assertEqual(
            a.shape, b.shape, f"Shape mismatch: expected {a.shape}, got {b.shape}{contents}."
        )
        dtype = a.dtype
        if a.dtype.kind == "V":  # bfloat16 and float8 compare as float32
            a = a.astype(np.float32)
        if b.dtype.kind == "V":
            b = b.astype(np.float32)
        if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
            return
        with np.errstate(invalid="ignore", over="ignore"):
            far = np.logical_or(np.abs(a - b) > atol + rtol * np.abs(b), np.isnan(a) != np.isnan(b))
        lines = [msg]
        if a.ndim:
            where = np.where(far)
            x, y = a[where], b[where]
            lines.append(f"not close where = {where}")
        else:
            x, y = a, b
        with np.errstate(invalid="ignore", over="ignore"):
            lines += [
                f"not close lhs = {x}",
                f"not close rhs = {y}",
                f"not close dif = {np.abs(x - y)}",
                f"not close tol = {atol + rtol * np.abs(y)}",
                f"dtype = {dtype}, shape = {a.shape}",
            ]
        np.testing.assert_allclose(
            a, b, rtol=rtol, atol=atol, err_msg="\n".join(lines), equal_nan=True
        )

    def _assert_close_nested(self, a, b, rtol, atol, path, msg) -> None:
        here = _path_text(path)
        a_is_dict = isinstance(a, collections.abc.Mapping)
        if a_is_dict != isinstance(b, collections.abc.Mapping):
            self.fail(f"Can't compare dict to non-dict, a{here} is {a}. b{here} is {b}. {msg}")
        if a_is_dict:
            self.assertCountEqual(
                a.keys(), b.keys(),
                msg=f"mismatched keys: a{here} has keys {a.keys()}, but b{here} has keys {b.keys()}. {msg}",
            )  # fmt: skip
            for key in a:
                self._assert_close_nested(a[key], b[key], rtol, atol, [*path, key], msg)
            return
        mismatch = f"Mismatched value: a{here} is different from b{here}. {msg}"
        if isinstance(a, (list, tuple)):
            try:
                arrays = self._array(a), self._array(b)
            except (ValueError, TypeError):
                arrays = None
            if arrays is not None and arrays[0].dtype != object and arrays[1].dtype != object:
                self._assert_array_close(*arrays, rtol, atol, mismatch)
                return
            if len(a) != len(b):
                self.fail(
                    f"Mismatched length: a{here} has {len(a)} items, but b{here} has {len(b)} "
                    f"items. {msg}"
                )
            for index, (a_item, b_item) in enumerate(zip(a, b)):
                self._assert_close_nested(a_item, b_item, rtol, atol, [*path, str(index)], msg)
            return
        try:
            self._assert_array_close(a, b, rtol, atol, mismatch)
        except TypeError as error:
            detail = f"Error: a{here} has {type(a)}, but b{here} has {type(b)}. {msg}"
            raise TypeError(f"{error} : {detail}") from None

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        """Asserts that two arrays, tensors or nests of them have the same shape and close values.

        Values are close when |a - b| <= atol + rtol * |b|; NaNs are equal to NaNs.
        """
        self._assert_close_nested(a, b, rtol, atol, [], msg or "")

    def assertAllCloseAccordingToType(  # noqa: N802
        self, a, b, rtol=1e-6, atol=1e-6, float_rtol=1e-6, float_atol=1e-6,
        half_rtol=1e-3, half_atol=1e-3, bfloat16_rtol=1e-2, bfloat16_atol=1e-2, msg=None,
    ):  # fmt: skip
        """assertAllClose with tolerances widened to the least precise dtype of a and b."""
        a, b = self._array(a), self._array(b)
        kinds = {a.dtype, b.dtype}
        if kinds & {np.dtype(np.float32), np.dtype(np.complex64)}:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        if np.dtype(np.float16) in kinds:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        if any(d.kind == "V" for d in kinds):
            rtol, atol = max(rtol, bfloat16_rtol), max(atol, bfloat16_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertNotAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        """Asserts that a and b differ somewhere (or in shape)."""
        try:
            self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)
        except AssertionError:
            return
        self.fail(f"The two values are close at all elements. {msg or ''}")

    # -- equality and order -------------------------------------------------------------------
    def assertAllEqual(self, a, b, msg=None):  # noqa: N802
        """Asserts that two arrays or tensors have the same shape and equal elements."""
        msg = msg or ""
        a, b = self._array(a), self._array(b)
        contents = f" Contents: {b!r}. \n{msg}." if b.ndim <= 3 or b.size < 500 else f" {msg}."
        self.assertEqual(
            a.shape, b.shape, f"Shape mismatch: expected {a.shape}, got {b.shape}.{contents}"
        )
        if {a.dtype.kind, b.dtype.kind} <= {"U", "S", "O"} and a.dtype.kind != b.dtype.kind:
            a, b = (
                np.array(
                    [i.encode("utf-8") if isinstance(i, str) else i for i in x.flat], dtype=object
                ).reshape(x.shape)
                for x in (a, b)
            )
        same = np.asarray(a == b)
        if a.dtype.kind in "fV" or b.dtype.kind in "fV":
            with np.errstate(invalid="ignore"):
                same = same | (np.isnan(a.astype(np.float64)) & np.isnan(b.astype(np.float64)))
        if same.all():
            return
        lines = [msg]
        differ = ~same
        if a.ndim:
            where = np.where(differ)
            x, y = a[where], b[where]
            lines.append(f"not equal where = {where}")
        else:
            x, y = a, b
        lines += [f"not equal lhs = {x!r}", f"not equal rhs = {y!r}"]
        np.testing.assert_array_equal(a, b, err_msg="\n".join(lines))

    def assertNotAllEqual(self, a, b, msg=None):  # noqa: N802
        """Asserts that a and b differ somewhere (or in shape)."""
        try:
            self.assertAllEqual(a, b)
        except AssertionError:
            return
        self.fail(f"The two values are equal at all elements. {msg or ''}")

    def assertAllGreater(self, a, comparison_target):  # noqa: N802
        """Asserts that every element of a is > comparison_target."""
        self.assertGreater(np.min(self._array(a)), comparison_target)

    def assertAllGreaterEqual(self, a, comparison_target):  # noqa: N802
        """Asserts that every element of a is >= comparison_target."""
        self.assertGreaterEqual(np.min(self._array(a)), comparison_target)

    def assertAllLess(self, a, comparison_target):  # noqa: N802
        """Asserts that every element of a is < comparison_target."""
        self.assertLess(np.max(self._array(a)), comparison_target)

    def assertAllLessEqual(self, a, comparison_target):  # noqa: N802
        """Asserts that every element of a is <= comparison_target."""
        self.assertLessEqual(np.max(self._array(a)), comparison_target)

    def assertAllInRange(  # noqa: N802
        self, target, lower_bound, upper_bound, open_lower_bound=False, open_upper_bound=False
    ):
        """Asserts that every element of target lies between the bounds (closed by default)."""
        target = self._array(target)
        if target.dtype.kind not in "iuf":
            raise AssertionError(
                f"The value of {target} does not have an ordered numeric type, instead it has "
                f"type: {target.dtype}"
            )
        nans = np.where(np.isnan(target))
        if np.size(nans):
            raise AssertionError(
                f"{len(nans[0])} of the {target.size} element(s) are NaN. Subscripts(s) and "
                "value(s) of the NaN element(s):\n" + "\n".join(_format_subscripts(nans, target))
            )
        bounds = f"{'(' if open_lower_bound else '['}{lower_bound}, {upper_bound}{')' if open_upper_bound else ']'}"
        below = target <= lower_bound if open_lower_bound else target < lower_bound
        above = target >= upper_bound if open_upper_bound else target > upper_bound
        outside = np.where(below | above)
        if np.size(outside):
            raise AssertionError(
                f"{len(outside[0])} of the {target.size} element(s) are outside the range "
                f"{bounds}. Subscript(s) and value(s) of the offending elements:\n"
                + "\n".join(_format_subscripts(outside, target))
            )

    def assertAllInSet(self, target, expected_set):  # noqa: N802
        """Asserts that every element of target is in expected_set."""
        target = self._array(target)
        missing = np.setdiff1d(target.flatten(), list(expected_set))
        if np.size(missing):
            self.fail(
                f"{np.size(missing)} unique element(s) are not in the set {expected_set}: {missing}"
            )

    def assertNear(self, f1, f2, err, msg=None):  # noqa: N802
        """Asserts that two floats are within err of each other."""
        self.assertTrue(
            f1 == f2 or math.fabs(f1 - f2) <= err,
            f"{f1:f} != {f2:f} +/- {err:f} (difference: {f1 - f2:g}){f' ({msg})' if msg is not None else ''}",
        )

    def assertArrayNear(self, farray1, farray2, err, msg=None):  # noqa: N802
        """Asserts that two float sequences have the same length and near elements."""
        self.assertEqual(len(farray1), len(farray2), msg=msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg=msg)

    def assertNDArrayNear(self, ndarray1, ndarray2, err, msg=None):  # noqa: N802
        """Asserts that the Euclidean norm of the difference of two arrays is below err."""
        self.assertTrue(np.linalg.norm(ndarray1 - ndarray2) < err, msg=msg)

    def assertShapeEqual(self, input_a, input_b, msg=None):  # noqa: N802
        """Asserts that an array (or tensor) input_a has the shape of tensor input_b."""
        if not isinstance(input_a, (np.ndarray, np.generic, Tensor)):
            raise TypeError(
                f"input_a must be a Numpy ndarray, Numpy scalar, or a Tensor.Instead received {type(input_a)}"
            )
        if not isinstance(input_b, Tensor):
            raise TypeError(f"input_b must be a Tensor.Instead received {type(input_b)}")
        shape_a = input_a.shape.as_list() if isinstance(input_a, Tensor) else list(input_a.shape)
        self.assertAllEqual(shape_a, input_b.shape.as_list(), msg=msg)

    def assertDTypeEqual(self, target, expected_dtype):  # noqa: N802
        """Asserts that target (an array, tensor or list of them) has dtype expected_dtype."""
        if isinstance(expected_dtype, dtypes.DType):
            expected_dtype = expected_dtype.as_numpy_dtype
        arrays = target if isinstance(target, list) else [target]
        for array in arrays:
            self.assertEqual(self._array(array).dtype, expected_dtype)

    def assertDeviceEqual(self, device1, device2, msg=None):  # noqa: N802
        """Asserts that two device strings name the same device."""
        from tensorflux._src.core import device as device_lib

        parsed = [device_lib.parse_device_spec(d or "") for d in (device1, device2)]
        self.assertEqual(
            parsed[0], parsed[1], f"Devices {device1} and {device2} are not equal. {msg or ''}"
        )

    def assertStartsWith(self, actual, expected_start, msg=None):  # noqa: N802
        """Asserts that the string actual starts with expected_start."""
        if not actual.startswith(expected_start):
            self.fail(
                f"{actual!r} does not start with {expected_start!r}{f' : {msg}' if msg else ''}"
            )

    # -- errors -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(self, exception_type, expected_err_re_or_predicate):  # noqa: N802
        """Expects `exception_type` whose message matches a regex (or a predicate on it)."""
        if callable(expected_err_re_or_predicate):
            predicate = expected_err_re_or_predicate
        else:

            def predicate(error):
                text = error.message if isinstance(error, errors.OpError) else str(error)
                return re.search(expected_err_re_or_predicate, text) is not None

        try:
            yield
            self.fail(f"{exception_type.__name__} not raised")
        except Exception as error:
            if not isinstance(error, exception_type) or not predicate(error):
                raise AssertionError(f"Exception of type {type(error)}: {error}") from error

    def assertRaisesOpError(self, expected_err_re_or_predicate):  # noqa: N802
        """Expects a tf.errors.OpError whose message matches (or satisfies the predicate)."""
        return self.assertRaisesWithPredicateMatch(errors.OpError, expected_err_re_or_predicate)

    def assertRaisesIncompatibleShapesError(self, exception_type=errors.InvalidArgumentError):  # noqa: N802
        """Expects an error about shapes that do not broadcast."""
        return self.assertRaisesWithPredicateMatch(
            exception_type,
            r"Incompatible shapes|Dimensions must be equal|required broadcastable shapes",
        )


def main(argv=None):
    """`tf.test.main`: runs the tests of the `__main__` module (unittest's runner)."""
    unittest.main(module="__main__", argv=argv)


def is_built_with_cuda() -> bool:
    """True when the CuPy backend works (CuPy installed and a GPU visible)."""
    return config.gpu_available()


def is_built_with_gpu_support() -> bool:
    """True when the CuPy backend works."""
    return config.gpu_available()


def is_built_with_rocm() -> bool:
    """False: GPUs are reached through CuPy's CUDA build."""
    return False


def is_built_with_xla() -> bool:
    """False: there is no XLA compiler; `jit_compile` runs the ordinary kernels."""
    return False


def gpu_device_name() -> str:
    """'/device:GPU:0' when a GPU is usable, else ''.

    >>> tf.test.gpu_device_name() in ("", "/device:GPU:0")
    True
    """
    gpus = config.list_logical_devices("GPU")
    return gpus[0].name if gpus else ""


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None) -> bool:
    """Deprecated: whether a GPU (of at least the given compute capability) is usable.

    Use `tf.config.list_physical_devices('GPU')` instead.
    """
    if not _deprecation_logged:
        _deprecation_logged.append(True)
        _log.warning(
            "is_gpu_available (from tensorflow.python.framework.test_util) is deprecated and "
            "will be removed in a future version. Instructions for updating: Use "
            "`tf.config.list_physical_devices('GPU')` instead."
        )
    for gpu in config.list_physical_devices("GPU"):
        capability = config.get_device_details(gpu)["compute_capability"]
        if min_cuda_compute_capability is None or capability >= tuple(min_cuda_compute_capability):
            return True
    return False
