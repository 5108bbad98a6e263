"""tf.signal: OpSpec rows (oracle: NumPy's FFTs, finite differences) and targeted checks.

Complex ops are checked through real wrappers (real and imaginary parts in and out), so the
float64 finite differences also test TF's complex-gradient convention."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux._src.ops import signal_ops
from tensorflux._src.testing.opspec import OpSpec, check_op

COMPLEX_OF = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}


def _parts(z, dtype):
    return [np.real(z).astype(dtype), np.imag(z).astype(dtype)]


def _complex_wrapper(fn):
    def wrapped(re, im):
        z = fn(tf.complex(re, im))
        return [tf.math.real(z), tf.math.imag(z)]

    wrapped.__name__ = fn.__name__
    return wrapped


def _complex_ref(np_fn, rank):
    def ref(re, im):
        axes = tuple(range(-rank, 0))
        return _parts(np_fn(re + 1j * im, axes=axes), re.dtype)

    return ref


def _rfft_wrapper(fn, fft_length):
    def wrapped(x):
        z = fn(x, fft_length)
        return [tf.math.real(z), tf.math.imag(z)]

    return wrapped


def _rfft_ref(rank, fft_length):
    def ref(x):
        return _parts(np.fft.rfftn(x, s=fft_length, axes=tuple(range(-rank, 0))), x.dtype)

    return ref


def _irfft_wrapper(fn, fft_length):
    def wrapped(re, im):
        return fn(tf.complex(re, im), fft_length)

    return wrapped


def _irfft_ref(rank, fft_length):
    def ref(re, im):
        axes = tuple(range(-rank, 0))
        if fft_length is None:
            return np.fft.irfftn(re + 1j * im, axes=axes).astype(re.dtype)
        return np.fft.irfftn(re + 1j * im, s=fft_length, axes=axes).astype(re.dtype)

    return ref


COMPLEX_SPECS = [
    OpSpec(
        _complex_wrapper(fn),
        _complex_ref(np_fn, rank),
        shapes=[[shape, shape] for shape in shapes],
        name=fn.__name__,
    )
    for fn, np_fn, rank, shapes in [
        (signal_ops.fft, np.fft.fftn, 1, [(4,), (2, 5)]),
        (signal_ops.ifft, np.fft.ifftn, 1, [(4,), (2, 5)]),
        (signal_ops.fft2d, np.fft.fftn, 2, [(3, 4), (2, 3, 3)]),
        (signal_ops.ifft2d, np.fft.ifftn, 2, [(3, 4), (2, 3, 3)]),
        (signal_ops.fft3d, np.fft.fftn, 3, [(2, 3, 2)]),
        (signal_ops.ifft3d, np.fft.ifftn, 3, [(2, 3, 2)]),
    ]
]

REAL_SPECS = [
    OpSpec(
        _rfft_wrapper(fn, fft_length),
        _rfft_ref(rank, fft_length),
        shapes=[shape],
        grad=rank < 3,  # TF has no gradient for RFFT3D
        name=f"{fn.__name__}-{shape}-{fft_length}",
    )
    for fn, rank, shape, fft_length in [
        (signal_ops.rfft, 1, (2, 6), None),
        (signal_ops.rfft, 1, (7,), None),
        (signal_ops.rfft, 1, (2, 6), [4]),
        (signal_ops.rfft, 1, (2, 5), [8]),
        (signal_ops.rfft, 1, (6,), [5]),
        (signal_ops.rfft2d, 2, (3, 4), None),
        (signal_ops.rfft2d, 2, (2, 3, 5), [4, 3]),
        (signal_ops.rfft3d, 3, (2, 3, 4), None),
        (signal_ops.rfft3d, 3, (2, 2, 3), [3, 2, 5]),
    ]
] + [
    OpSpec(
        _irfft_wrapper(fn, fft_length),
        _irfft_ref(rank, fft_length),
        shapes=[[shape, shape]],
        grad=rank < 3,  # nor for IRFFT3D
        name=f"{fn.__name__}-{shape}-{fft_length}",
    )
    for fn, rank, shape, fft_length in [
        (signal_ops.irfft, 1, (2, 4), None),
        (signal_ops.irfft, 1, (4,), [6]),
        (signal_ops.irfft, 1, (4,), [7]),
        (signal_ops.irfft, 1, (2, 5), [4]),
        (signal_ops.irfft, 1, (3,), [9]),
        (signal_ops.irfft2d, 2, (3, 3), None),
        (signal_ops.irfft2d, 2, (2, 3, 4), [4, 5]),
        (signal_ops.irfft3d, 3, (2, 2, 3), None),
        (signal_ops.irfft3d, 3, (2, 3, 3), [3, 2, 6]),
    ]
]


def _dct_ref(x, type=2, n=None, norm=None):
    """Direct sums of the DCT definitions (scipy's conventions)."""
    if n is not None:
        x = (
            x[..., :n]
            if n <= x.shape[-1]
            else np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, n - x.shape[-1])])
        )
    size = x.shape[-1]
    k = np.arange(size)[:, None]
    m = np.arange(size)[None, :]
    if type == 1:
        basis = 2 * np.cos(np.pi * k * m / (size - 1))
        basis[:, 0] = 1
        basis[:, -1] = (-1.0) ** np.arange(size)
    elif type == 2:
        basis = 2 * np.cos(np.pi * k * (2 * m + 1) / (2 * size))
        if norm == "ortho":
            basis = basis / np.sqrt(2 * size)
            basis[0] /= np.sqrt(2)
    elif type == 3:
        basis = 2 * np.cos(np.pi * m * (2 * k + 1) / (2 * size))
        basis[:, 0] = 1
        if norm == "ortho":
            basis[:, 0] /= np.sqrt(size)
            basis[:, 1:] /= np.sqrt(2 * size)
    else:
        basis = 2 * np.cos(np.pi * (2 * m + 1) * (2 * k + 1) / (4 * size))
        if norm == "ortho":
            basis = basis / np.sqrt(2 * size)
    return (x.astype(np.float64) @ basis.T).astype(x.dtype)


def _frame_ref(x, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1):
    x = np.moveaxis(x, axis, -1)
    length = x.shape[-1]
    if pad_end:
        frames = -(-length // frame_step)
        pad = max(0, frame_length + frame_step * (frames - 1) - length)
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, pad)], constant_values=pad_value)
    else:
        frames = max(0, 1 + (length - frame_length) // frame_step)
    index = np.arange(frames)[:, None] * frame_step + np.arange(frame_length)
    out = x[..., index]
    axis = axis % (x.ndim)
    return np.moveaxis(out, (-2, -1), (axis, axis + 1))


def _overlap_add_ref(x, frame_step):
    frames, length = x.shape[-2:]
    out = np.zeros((*x.shape[:-2], (frames - 1) * frame_step + length), x.dtype)
    for f in range(frames):
        out[..., f * frame_step : f * frame_step + length] += x[..., f, :]
    return out


def _hann(length, dtype):
    n = np.arange(length)
    return (0.5 - 0.5 * np.cos(2 * np.pi * n / length)).astype(dtype)


def _stft_ref(x, frame_length, frame_step, fft_length):
    frames = _frame_ref(x, frame_length, frame_step) * _hann(frame_length, x.dtype)
    z = np.fft.rfft(frames, fft_length)
    return _parts(z, x.dtype)


def _stft_wrapper(x, frame_length, frame_step, fft_length):
    z = signal_ops.stft(x, frame_length, frame_step, fft_length)
    return [tf.math.real(z), tf.math.imag(z)]


COMPOSITE_SPECS = (
    [
        OpSpec(signal_ops.dct, _dct_ref, shapes=[(2, 5), (4,)], kwargs=kw, name=f"dct-{kw}")
        for kw in [
            {"type": 1},
            {"type": 2},
            {"type": 2, "norm": "ortho"},
            {"type": 3},
            {"type": 3, "norm": "ortho", "n": 3},
            {"type": 4, "n": 7},
            {"type": 4, "norm": "ortho"},
        ]
    ]
    + [
        OpSpec(
            signal_ops.idct,
            lambda x, **kw: _dct_ref(x, {1: 1, 2: 3, 3: 2, 4: 4}[kw["type"]], norm=kw.get("norm")),
            shapes=[(2, 6)],
            kwargs=kw,
            name=f"idct-{kw}",
        )
        for kw in [{"type": 2}, {"type": 3, "norm": "ortho"}]
    ]
    + [
        OpSpec(
            signal_ops.mfccs_from_log_mel_spectrograms,
            lambda x: (_dct_ref(x) / np.sqrt(2 * x.shape[-1])).astype(x.dtype),
            shapes=[(3, 8)],
        ),
        OpSpec(
            signal_ops.frame,
            _frame_ref,
            shapes=[(2, 10)],
            kwargs={"frame_length": 4, "frame_step": 3},
        ),
        OpSpec(
            signal_ops.frame,
            _frame_ref,
            shapes=[(10, 2)],
            kwargs={
                "frame_length": 4,
                "frame_step": 3,
                "pad_end": True,
                "pad_value": 1.5,
                "axis": 0,
            },
            name="frame-pad-axis0",
        ),
        OpSpec(
            signal_ops.overlap_and_add,
            _overlap_add_ref,
            shapes=[(2, 3, 5), (4, 2)],
            kwargs={"frame_step": 2},
        ),
        OpSpec(
            _stft_wrapper,
            _stft_ref,
            shapes=[(2, 20)],
            kwargs={"frame_length": 6, "frame_step": 3, "fft_length": 8},
            name="stft",
        ),
        OpSpec(
            signal_ops.fftshift,
            lambda x, axes=None: np.fft.fftshift(x, axes),
            shapes=[(3, 4), (5,)],
            name="fftshift",
        ),
        OpSpec(
            signal_ops.ifftshift,
            lambda x, axes=None: np.fft.ifftshift(x, axes),
            shapes=[(3, 5)],
            kwargs={"axes": [1]},
            name="ifftshift",
        ),
    ]
)


@pytest.mark.parametrize("spec", COMPLEX_SPECS + REAL_SPECS + COMPOSITE_SPECS, ids=lambda s: s.id())
def test_op(spec):
    check_op(spec)


def test_dtypes_and_shapes():
    x32 = tf.ones([2, 6])
    assert signal_ops.rfft(x32).dtype == tf.complex64
    assert signal_ops.rfft(tf.ones([6], tf.float64)).dtype == tf.complex128
    assert signal_ops.irfft(tf.ones([2, 4], tf.complex64)).shape == (2, 6)
    assert signal_ops.irfft(tf.ones([4], tf.complex128), [5]).dtype == tf.float64
    assert signal_ops.fft([1.0, 2.0]).dtype == tf.complex64
    assert signal_ops.rfft(np.array([1.0, 2.0])).dtype == tf.complex64
    assert signal_ops.rfft2d(tf.ones([3, 5, 4]), [4, 6]).shape == (3, 4, 4)


def test_traced_shapes_with_unknown_dims():
    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)])
    def spectrum(x):
        z = signal_ops.rfft(x, [8])
        assert z.shape.as_list() == [None, 5]
        return signal_ops.irfft(z, [8])

    out = spectrum(tf.ones([2, 8]))
    np.testing.assert_allclose(out.numpy(), np.ones([2, 8]), atol=1e-6)


def test_stft_inverse_round_trip():
    signal = np.random.default_rng(0).standard_normal((2, 256)).astype(np.float32)
    frame_length, frame_step = 64, 16
    spectrum = signal_ops.stft(signal, frame_length, frame_step)
    restored = signal_ops.inverse_stft(
        spectrum,
        frame_length,
        frame_step,
        window_fn=signal_ops.inverse_stft_window_fn(frame_step),
    ).numpy()
    inner = slice(frame_length, 256 - frame_length)
    np.testing.assert_allclose(restored[:, inner], signal[:, inner], atol=1e-5)


@pytest.mark.parametrize("type_", [1, 2, 3, 4])
def test_idct_inverts_dct(type_):
    x = np.random.default_rng(1).standard_normal((3, 7))
    norm = None if type_ == 1 else "ortho"
    restored = signal_ops.idct(signal_ops.dct(x, type=type_, norm=norm), type=type_, norm=norm)
    scale = 2 * (7 - 1) if type_ == 1 else 1
    np.testing.assert_allclose(restored.numpy() / scale, x, atol=1e-10)


@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("length", [1, 2, 7, 8])
def test_windows(length, periodic):
    n = np.arange(length)
    denominator = length - 1 + (1 if periodic and length % 2 == 0 else 0)
    angle = 2 * np.pi * n / max(denominator, 1)
    hann = 0.5 - 0.5 * np.cos(angle) if length > 1 else np.ones(1)
    hamming = 0.54 - 0.46 * np.cos(angle) if length > 1 else np.ones(1)
    np.testing.assert_allclose(signal_ops.hann_window(length, periodic).numpy(), hann, atol=1e-6)
    np.testing.assert_allclose(
        signal_ops.hamming_window(length, periodic, tf.float64).numpy(), hamming, atol=1e-12
    )
    np.testing.assert_allclose(
        signal_ops.kaiser_window(length, 4.0).numpy(), np.kaiser(length, 4.0), atol=1e-6
    )
    vorbis = np.sin(np.pi / 2 * np.sin(np.pi * (n + 0.5) / length) ** 2)
    np.testing.assert_allclose(signal_ops.vorbis_window(length).numpy(), vorbis, atol=1e-6)


def test_mel_matrix_matches_htk_formula():
    weights = signal_ops.linear_to_mel_weight_matrix(
        num_mel_bins=10, num_spectrogram_bins=33, sample_rate=16000, dtype=tf.float64
    ).numpy()

    def mel(f):
        return 1127.0 * np.log1p(f / 700.0)

    edges = np.linspace(mel(125.0), mel(3800.0), 12)
    bins = mel(np.linspace(0.0, 8000.0, 33))[1:, None]
    lower = (bins - edges[None, :-2]) / (edges[1:-1] - edges[:-2])
    upper = (edges[None, 2:] - bins) / (edges[2:] - edges[1:-1])
    want = np.concatenate([np.zeros((1, 10)), np.maximum(0.0, np.minimum(lower, upper))])
    assert weights.shape == (33, 10) and weights.dtype == np.float64
    np.testing.assert_allclose(weights, want, atol=1e-12)


def test_graph_def_attrs():
    @tf.function
    def spectrum(x):
        return signal_ops.rfft(x)

    nodes = spectrum.get_concrete_function(tf.TensorSpec([4], tf.float64)).graph.as_graph_def().node
    (node,) = [n for n in nodes if n.op == "RFFT"]
    assert node.attr["Treal"].type == tf.float64.as_datatype_enum
    assert node.attr["Tcomplex"].type == tf.complex128.as_datatype_enum


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: signal_ops.fft(tf.constant(1.0 + 0j)),
            tf.errors.InvalidArgumentError,
            "rank of at least 1",
        ),
        (
            lambda: signal_ops.fft2d(tf.ones([3], tf.complex64)),
            tf.errors.InvalidArgumentError,
            "rank of at least 2",
        ),
        (lambda: signal_ops.fft(tf.ones([3])), tf.errors.InvalidArgumentError, "Tcomplex"),
        (
            lambda: signal_ops.rfft(tf.ones([2]), [1, 2]),
            tf.errors.InvalidArgumentError,
            "fft_length must have shape [1]",
        ),
        (lambda: signal_ops.rfft(tf.ones([2]), [-1]), ValueError, "must be >= 0"),
        (
            lambda: signal_ops.rfft(tf.ones([2]), tf.constant([-1])),
            tf.errors.InvalidArgumentError,
            "must >= 0",
        ),
        (lambda: signal_ops.rfft(tf.constant([1, 2])), ValueError, "RFFT requires"),
        (lambda: signal_ops.dct(tf.ones([4]), type=1, norm="ortho"), ValueError, "Type-I"),
        (lambda: signal_ops.dct(tf.ones([1]), type=1), ValueError, "greater than one"),
        (lambda: signal_ops.dct(tf.ones([4]), type=5), ValueError, "Types I, II"),
        (lambda: signal_ops.dct(tf.ones([4]), n=0), ValueError, "positive integer"),
        (lambda: signal_ops.dct(tf.ones([4]), norm="x"), ValueError, "Unknown normalization"),
        (lambda: signal_ops.dct(tf.ones([4, 3]), axis=2), ValueError, "axis 2 is out of range"),
        (lambda: signal_ops.frame(tf.ones([]), 2, 1), ValueError, "rank at least 1"),
        (lambda: signal_ops.overlap_and_add(tf.ones([3]), 1), ValueError, "rank at least 2"),
        (lambda: signal_ops.hann_window(4, dtype=tf.int32), ValueError, "floating point"),
        (lambda: signal_ops.linear_to_mel_weight_matrix(0), ValueError, "num_mel_bins"),
        (
            lambda: signal_ops.linear_to_mel_weight_matrix(upper_edge_hertz=5000.0),
            ValueError,
            "Nyquist",
        ),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message.replace("[", r"\[").replace("]", r"\]")):
        call()


def test_no_gradient_for_3d_real_ffts():
    x = tf.ones([2, 2, 2], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.real(signal_ops.rfft3d(x))
    assert tape.gradient(y, x) is None


def test_kaiser_bessel_derived_window_is_power_complementary():
    window = signal_ops.kaiser_bessel_derived_window(16, 6.0, tf.float64).numpy()
    np.testing.assert_allclose(window[:8] ** 2 + window[8:] ** 2, np.ones(8), atol=1e-12)


GRAPH_CASES = {
    "frame": lambda v: signal_ops.frame(v, 7, 3, pad_end=True),
    "frame_axis0": lambda v: signal_ops.frame(v, 2, 1, axis=0),
    "overlap_and_add": lambda v: signal_ops.overlap_and_add(tf.reshape(v, [2, 8, 5]), 2),
    "stft_round_trip": lambda v: signal_ops.inverse_stft(
        signal_ops.stft(v, 16, 4, pad_end=True), 16, 4
    ),
    "dct1": lambda v: signal_ops.dct(v, 1),
    "dct2": lambda v: signal_ops.dct(v, 2, norm="ortho"),
    "dct3": lambda v: signal_ops.dct(v, 3, n=9),
    "dct4": lambda v: signal_ops.dct(v, 4),
    "mfccs": signal_ops.mfccs_from_log_mel_spectrograms,
    "fftshift": signal_ops.fftshift,
    "irfft2d": lambda v: signal_ops.irfft2d(signal_ops.rfft2d(v)),
}


@pytest.mark.parametrize("shape", [[None, None], None], ids=["unknown-dims", "unknown-rank"])
@pytest.mark.parametrize("name", sorted(GRAPH_CASES))
def test_traced_with_unknown_shapes(name, shape):
    fn = GRAPH_CASES[name]
    x = tf.constant(np.random.default_rng(3).standard_normal((2, 40)).astype(np.float32))
    traced = tf.function(fn, input_signature=[tf.TensorSpec(shape, tf.float32)])
    want = fn(x).numpy()
    got = traced(x).numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-5)


@pytest.mark.parametrize("dct_type", [1, 2, 3, 4])
def test_dct_over_another_axis_equals_a_transposed_dct(dct_type):
    x = tf.constant(np.random.default_rng(4).standard_normal((5, 3, 4)), tf.float64)
    along_0 = signal_ops.dct(x, type=dct_type, axis=0)
    expected = tf.transpose(signal_ops.dct(tf.transpose(x, [2, 1, 0]), type=dct_type), [2, 1, 0])
    np.testing.assert_allclose(along_0.numpy(), expected.numpy(), rtol=1e-12)
    back = signal_ops.idct(along_0, type=dct_type, axis=0)
    scale = 2 * (5 - 1) if dct_type == 1 else 2 * 5
    np.testing.assert_allclose(back.numpy(), x.numpy() * scale, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("op_name", ["RFFT", "IRFFT", "RFFT2D", "IRFFT2D"])
def test_real_fft_of_an_empty_input_is_zeros(op_name):
    # TF's kernels skip their length checks for an input with no elements.
    rank = 2 if op_name.endswith("2D") else 1
    dtype = tf.complex64 if op_name.startswith("I") else tf.float32
    lengths = [6] * rank
    out = getattr(tf.raw_ops, op_name)(input=tf.zeros([0] + [1] * rank, dtype), fft_length=lengths)
    assert out.shape[0] == 0
    out = getattr(tf.raw_ops, op_name)(input=tf.zeros([0] * rank, dtype), fft_length=lengths)
    assert not out.numpy().any()
