"""tf.signal against real TensorFlow: values, dtypes, shapes, gradients and error classes.

Skipped unless TensorFlow is importable (run these with TF's own interpreter)."""

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
import tf_oracle  # noqa: E402

import tensorflux as tfx  # noqa: E402
import tensorflux.signal  # noqa: E402 - makes tfx.signal available

RNG = np.random.default_rng(0)


def _array(shape, dtype="float32"):
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        return (RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def _compare(fn, arrays, rtol=1e-5, atol=1e-5):
    tf_oracle.compare(tfx, tf_real, fn, arrays, rtol, atol)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("fft", (5,)),
        ("fft", (2, 6)),
        ("ifft", (3, 7)),
        ("fft2d", (2, 3, 4)),
        ("ifft2d", (5, 5)),
        ("fft3d", (2, 3, 4)),
        ("ifft3d", (2, 2, 3, 5)),
        ("fft2d", (4,)),
        ("fft", ()),
    ],
)
def test_complex_ffts(name, shape, dtype):
    _compare(lambda m, x: getattr(m.signal, name)(x), [_array(shape, dtype)], 1e-4, 1e-4)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    ("name", "shape", "fft_length"),
    [
        ("rfft", (6,), None),
        ("rfft", (2, 7), None),
        ("rfft", (2, 8), [5]),
        ("rfft", (2, 5), [12]),
        ("rfft", (3, 6), [6]),
        ("rfft2d", (3, 4), None),
        ("rfft2d", (2, 5, 6), [3, 9]),
        ("rfft3d", (2, 3, 4), None),
        ("rfft3d", (2, 3, 4), [4, 2, 3]),
        ("rfft2d", (4,), None),
    ],
)
def test_real_ffts(name, shape, fft_length, dtype):
    _compare(
        lambda m, x: getattr(m.signal, name)(x, fft_length), [_array(shape, dtype)], 1e-4, 1e-4
    )


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize(
    ("name", "shape", "fft_length"),
    [
        ("irfft", (4,), None),
        ("irfft", (2, 5), [7]),
        ("irfft", (2, 5), [8]),
        ("irfft", (2, 5), [4]),
        ("irfft", (3, 4), [13]),
        ("irfft2d", (3, 4), None),
        ("irfft2d", (2, 5, 6), [3, 7]),
        ("irfft3d", (2, 3, 4), None),
        ("irfft3d", (2, 3, 4), [4, 5, 9]),
    ],
)
def test_inverse_real_ffts(name, shape, fft_length, dtype):
    _compare(
        lambda m, x: getattr(m.signal, name)(x, fft_length), [_array(shape, dtype)], 1e-4, 1e-4
    )


def _gradient(module, fn, x):
    with module.GradientTape() as tape:
        tape.watch(x)
        y = fn(module, x)
        if y.dtype.is_complex:
            weights = np.arange(1.0, 1.0 + np.prod(y.shape.as_list())).reshape(y.shape.as_list())
            loss = module.reduce_sum(module.math.real(y) * weights) + module.reduce_sum(
                module.math.imag(y) * weights[..., ::-1]
            )
        else:
            loss = module.reduce_sum(y * y)
    return tape.gradient(loss, x)


@pytest.mark.parametrize(
    ("fn", "shape", "dtype"),
    [
        (lambda m, x: m.signal.fft(x), (2, 5), "complex128"),
        (lambda m, x: m.signal.ifft2d(x), (3, 4), "complex128"),
        (lambda m, x: m.signal.fft3d(x), (2, 3, 2), "complex64"),
        (lambda m, x: m.signal.rfft(x), (2, 6), "float64"),
        (lambda m, x: m.signal.rfft(x), (7,), "float64"),
        (lambda m, x: m.signal.rfft2d(x), (3, 4), "float64"),
        (lambda m, x: m.signal.irfft(x), (2, 4), "complex128"),
        (lambda m, x: m.signal.irfft(x, [7]), (4,), "complex128"),
        (lambda m, x: m.signal.irfft2d(x, [3, 6]), (3, 4), "complex128"),
        (lambda m, x: m.signal.irfft2d(x), (2, 2, 3), "complex64"),
        (lambda m, x: m.signal.stft(x, 8, 4), (32,), "float64"),
        (lambda m, x: m.signal.dct(x, type=2, norm="ortho"), (2, 6), "float64"),
        (lambda m, x: m.signal.dct(x, type=4), (5,), "float64"),
        (lambda m, x: m.signal.overlap_and_add(x, 2), (3, 4), "float64"),
    ],
)
def test_gradients(fn, shape, dtype):
    _compare(lambda m, x: _gradient(m, fn, x), [_array(shape, dtype)], 1e-4, 1e-4)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("norm", [None, "ortho"])
@pytest.mark.parametrize("type_", [1, 2, 3, 4])
@pytest.mark.parametrize("n", [None, 3, 10])
def test_dct(type_, norm, n, dtype):
    x = _array((2, 7), dtype)
    _compare(lambda m, v: m.signal.dct(v, type=type_, n=n, norm=norm), [x], 1e-4, 1e-4)
    _compare(lambda m, v: m.signal.idct(v, type=type_, n=n, norm=norm), [x], 1e-4, 1e-4)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_mel_bins": 40, "num_spectrogram_bins": 257, "sample_rate": 16000},
        {"num_mel_bins": 64, "num_spectrogram_bins": 513, "sample_rate": 22050,
         "lower_edge_hertz": 0.0, "upper_edge_hertz": 11025.0},
        {"num_mel_bins": 8, "num_spectrogram_bins": 65, "sample_rate": 8000.0,
         "lower_edge_hertz": 300.0, "upper_edge_hertz": 3000.0},
    ],
)  # fmt: skip
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_mel_matrix(kwargs, dtype):
    # float32 differs by TF's (Eigen's) log rounding: an ulp of a mel value moves a weight by
    # up to ~1e-5 where band edges are close (many bins).
    atol = 1e-6 if dtype == "float64" else 2e-5
    _compare(
        lambda m: m.signal.linear_to_mel_weight_matrix(**kwargs, dtype=getattr(m, dtype)),
        [],
        1e-6,
        atol,
    )


def test_mfccs():
    _compare(lambda m, x: m.signal.mfccs_from_log_mel_spectrograms(x), [_array((3, 5, 20))])
    _compare(lambda m, x: m.signal.mfccs_from_log_mel_spectrograms(x), [_array((13,), "float64")])


@pytest.mark.parametrize("name", ["hann_window", "hamming_window"])
@pytest.mark.parametrize("length", [0, 1, 2, 5, 16])
@pytest.mark.parametrize("periodic", [True, False])
def test_raised_cosine_windows(name, length, periodic):
    _compare(lambda m: getattr(m.signal, name)(length, periodic), [], 1e-6, 1e-6)
    _compare(lambda m: getattr(m.signal, name)(length, periodic, m.float64), [], 1e-12, 1e-12)


@pytest.mark.parametrize("length", [1, 2, 5, 16])
def test_other_windows(length):
    _compare(lambda m: m.signal.kaiser_window(length), [], 1e-5, 1e-6)
    _compare(lambda m: m.signal.kaiser_window(length, 3.0, m.float64), [], 1e-10, 1e-12)
    _compare(lambda m: m.signal.vorbis_window(length), [], 1e-6, 1e-6)
    _compare(lambda m: m.signal.kaiser_bessel_derived_window(length, 5.0), [], 1e-6, 1e-6)
    _compare(
        lambda m: m.signal.kaiser_bessel_derived_window(length + 1, 3.0, m.float64),
        [],
        1e-12,
        1e-12,
    )


@pytest.mark.parametrize(
    ("shape", "kwargs"),
    [
        ((10,), {"frame_length": 4, "frame_step": 3}),
        ((2, 10), {"frame_length": 4, "frame_step": 3, "pad_end": True, "pad_value": 7.0}),
        ((3, 10, 2), {"frame_length": 4, "frame_step": 2, "axis": 1}),
        ((10, 3), {"frame_length": 5, "frame_step": 5, "axis": 0, "pad_end": True}),
        ((2,), {"frame_length": 4, "frame_step": 3}),
        ((), {"frame_length": 2, "frame_step": 1}),
    ],
)
def test_frame(shape, kwargs):
    _compare(lambda m, x: m.signal.frame(x, **kwargs), [_array(shape)])


@pytest.mark.parametrize(("shape", "step"), [((3, 4), 2), ((2, 5, 6), 3), ((4, 3), 3), ((3,), 1)])
def test_overlap_and_add(shape, step):
    _compare(lambda m, x: m.signal.overlap_and_add(x, step), [_array(shape)])


@pytest.mark.parametrize(
    ("shape", "args", "kwargs"),
    [
        ((100,), (30, 10), {}),
        ((2, 100), (30, 10), {"pad_end": True}),
        ((2, 64), (16, 4), {"fft_length": 20}),
        ((50,), (16, 8), {"window_fn": None}),
        ((2, 64), (15, 5), {"fft_length": 8}),
    ],
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_stft(shape, args, kwargs, dtype):
    _compare(lambda m, x: m.signal.stft(x, *args, **kwargs), [_array(shape, dtype)], 1e-4, 1e-4)


@pytest.mark.parametrize(
    ("frame_length", "frame_step", "fft_length"), [(32, 8, None), (20, 5, 32), (40, 10, 32)]
)
def test_inverse_stft(frame_length, frame_step, fft_length):
    signal = _array((2, 160))

    def round_trip(m, x):
        spectrum = m.signal.stft(x, frame_length, frame_step, fft_length)
        window_fn = m.signal.inverse_stft_window_fn(frame_step)
        return [
            m.signal.inverse_stft(spectrum, frame_length, frame_step, fft_length),
            m.signal.inverse_stft(spectrum, frame_length, frame_step, fft_length, window_fn),
        ]

    _compare(round_trip, [signal], 1e-4, 1e-4)


@pytest.mark.parametrize(
    ("name", "shape", "axes"),
    [
        ("fftshift", (5,), None),
        ("fftshift", (4, 5), None),
        ("fftshift", (4, 5, 3), [0, 2]),
        ("ifftshift", (5, 4), 1),
        ("ifftshift", (3, 5), None),
    ],
)
def test_shifts(name, shape, axes):
    _compare(lambda m, x: getattr(m.signal, name)(x, axes), [_array(shape)])


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.signal.fft(m.ones([3])),
        lambda m: m.signal.rfft(m.ones([3]), [1, 2]),
        lambda m: m.signal.rfft(m.ones([3]), [-2]),
        lambda m: m.signal.rfft(m.constant([1, 2])),
        lambda m: m.signal.irfft(m.ones([3])),
        lambda m: m.signal.dct(m.ones([4]), type=1, norm="ortho"),
        lambda m: m.signal.dct(m.ones([1]), type=1),
        lambda m: m.signal.dct(m.ones([4]), type=0),
        lambda m: m.signal.dct(m.ones([4]), n=-1),
        lambda m: m.signal.dct(m.ones([4]), norm="l2"),
        lambda m: m.signal.idct(m.ones([4]), type=1, norm="ortho"),
        lambda m: m.signal.hann_window(4, dtype=m.int32),
        lambda m: m.signal.linear_to_mel_weight_matrix(-1),
        lambda m: m.signal.linear_to_mel_weight_matrix(lower_edge_hertz=-5.0),
        lambda m: m.signal.linear_to_mel_weight_matrix(
            lower_edge_hertz=900.0, upper_edge_hertz=800.0
        ),
        lambda m: m.signal.linear_to_mel_weight_matrix(sample_rate=-1),
        lambda m: m.signal.linear_to_mel_weight_matrix(dtype=m.int32),
        lambda m: m.signal.overlap_and_add(m.ones([4]), 2),
        lambda m: m.signal.mfccs_from_log_mel_spectrograms(m.ones([3, 0])),
        lambda m: m.signal.kaiser_window(0),
        lambda m: m.signal.rfft(m.ones([4], m.float16)),
        lambda m: m.signal.fftshift(m.ones([])),
    ],
)
def test_errors(fn):
    _compare(lambda m: fn(m), [])


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.signal.rfft(m.zeros([3, 0])),
        lambda m: m.signal.rfft(m.zeros([0, 4])),
        lambda m: m.signal.irfft(m.zeros([3, 0], m.complex64)),
        lambda m: m.signal.irfft(m.zeros([0, 3], m.complex128)),
        lambda m: m.signal.fft(m.zeros([3, 0], m.complex64)),
        lambda m: m.signal.rfft(m.ones([3, 2]), [1]),
        lambda m: m.signal.irfft(m.ones([3, 2], m.complex64), [1]),
        lambda m: m.signal.overlap_and_add(m.ones([0, 4]), 2),
        lambda m: m.signal.stft(m.ones([10]), 16, 4),
        lambda m: m.signal.stft(m.ones([10]), 16, 4, pad_end=True),
        lambda m: m.signal.frame([1, 2, 3, 4, 5], 4, 1, pad_end=True, pad_value=9),
        lambda m: m.signal.frame(m.ones([5]), m.constant(4), m.constant(1)),
        lambda m: m.signal.dct(m.ones([3]), n=1),
        lambda m: m.signal.dct(m.ones([1]), type=3, norm="ortho"),
        lambda m: m.signal.dct(m.ones([0])),
        lambda m: m.signal.hann_window(m.constant(5)),
        lambda m: m.signal.hann_window(0),
        lambda m: m.signal.linear_to_mel_weight_matrix(sample_rate=m.constant(8000.0)),
        lambda m: m.signal.linear_to_mel_weight_matrix(num_spectrogram_bins=1),
        lambda m: m.signal.fft([1.0, 2.0]),
        lambda m: m.signal.rfft(np.array([1.0, 2.0, 3.0])),
    ],
)
def test_edge_cases(fn):
    _compare(lambda m: fn(m), [])


def _run_graph_def_in_tf(graph_def, output, feeds):
    parsed = tf_real.compat.v1.GraphDef.FromString(graph_def.SerializeToString())
    graph = tf_real.Graph()
    with graph.as_default():
        tf_real.compat.v1.import_graph_def(parsed, name="")
    with tf_real.compat.v1.Session(graph=graph) as session:
        return session.run(output, feeds)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_graph_def_runs_in_tf(dtype):
    def spectra(x):
        z = tfx.signal.rfft2d(x, [4, 6])
        w = tfx.signal.ifft(tfx.signal.fft2d(z))
        frames = tfx.signal.stft(tfx.reshape(x, [-1]), 8, 4)
        return tfx.concat(
            [
                tfx.reshape(tfx.signal.irfft(w, [7]), [-1]),
                tfx.reshape(tfx.abs(frames), [-1]),
                tfx.reshape(tfx.signal.irfft3d(tfx.signal.fft3d(w), [2, 4, 5]), [-1]),
            ],
            0,
        )

    x = _array((2, 3, 5), dtype)
    concrete = tfx.function(spectra).get_concrete_function(tfx.constant(x))
    ours = concrete(tfx.constant(x)).numpy()
    theirs = _run_graph_def_in_tf(
        concrete.graph.as_graph_def(), concrete.outputs[0].name, {"x:0": x}
    )
    assert theirs.dtype == ours.dtype
    np.testing.assert_allclose(theirs, ours, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    ("name", "shape", "fft_length"),
    [
        ("RFFT", (2, 3), [8]),
        ("RFFT", (2, 3), [2]),
        ("RFFT2D", (2, 3, 5), [4, 5]),
        ("IRFFT", (2, 3), [6]),
        ("IRFFT", (2, 3), [2]),
        ("IRFFT2D", (2, 3, 5), [2, 8]),
        ("IRFFT2D", (2, 3, 5), [3, 10]),
        ("IRFFT3D", (2, 3, 5), [2, 3, 7]),
    ],
)
def test_raw_real_fft_kernels_crop_but_never_pad(name, shape, fft_length):
    """The ops as a GraphDef runs them: TF's kernels crop, and only the wrappers pad."""
    from tensorflux._src.core.dispatch import apply
    from tensorflux._src.ops import signal_ops

    dtype = "complex64" if name.startswith("I") else "float32"
    x = _array(shape, dtype)
    real, complex_ = (tfx.float32, tfx.complex64)

    def run(module, value):
        if module is tf_real:
            return getattr(tf_real.raw_ops, name)(input=value, fft_length=fft_length)
        attrs = {"Treal": real, "Tcomplex": complex_}
        lengths = tfx.constant(fft_length, tfx.int32)
        return apply(getattr(signal_ops, name), [value, lengths], attrs)

    _compare(run, [x], 1e-4, 1e-4)
