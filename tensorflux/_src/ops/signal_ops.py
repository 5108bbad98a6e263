"""tf.signal: FFT ops (FFT..IRFFT3D), framing, STFT, windows, mel matrices and DCTs."""

from __future__ import annotations

import math

import numpy as np

from tensorflux._src.core import dtypes, errors
from tensorflux._src.core.convert import convert_to_tensor
from tensorflux._src.core.dispatch import apply
from tensorflux._src.core.registry import OpDef, register
from tensorflux._src.core.shape import TensorShape
from tensorflux._src.core.spec import TensorSpec
from tensorflux._src.core.tensor import Tensor
from tensorflux._src.ops import _rules as rules
from tensorflux._src.ops import array_ops, indexing_ops, math_ops, reduction_ops, segment_ops

_COMPLEX = frozenset((dtypes.complex64, dtypes.complex128))
_REAL = frozenset((dtypes.float32, dtypes.float64))
_COMPLEX_OF = {dtypes.float32: dtypes.complex64, dtypes.float64: dtypes.complex128}
_REAL_OF = {dtypes.complex64: dtypes.float32, dtypes.complex128: dtypes.float64}
_RFFT_ATTRS = {real: {"Treal": real, "Tcomplex": _COMPLEX_OF[real]} for real in _REAL}
_FFT_ATTRS = {c: {"Tcomplex": c} for c in _COMPLEX}


def _shape_text(dims) -> str:
    return "[" + ",".join(str(d) for d in dims) + "]"


def _check_rank(array, rank: int) -> None:
    if array.ndim < rank:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Input must have rank of at least {rank} but got: {_shape_text(array.shape)}",
        )


def _kernel_fft_lengths(xp, fft_length, rank: int) -> tuple:
    lengths = np.asarray(fft_length.get() if xp is not np else fft_length)
    if lengths.shape != (rank,):
        raise errors.InvalidArgumentError(None, None, f"fft_length must have shape [{rank}]")
    for i, length in enumerate(lengths):
        if length < 0:
            raise errors.InvalidArgumentError(
                None, None, f"fft_length[{i}] must >= 0, but got: {length}"
            )
    return tuple(int(n) for n in lengths)


def _infer_rank(spec, rank: int, op_name: str) -> None:
    if spec.shape.rank is not None and spec.shape.rank < rank:
        raise ValueError(
            f"Shape must be at least rank {rank} but is rank {spec.shape.rank} for "
            f"'{{{{node {op_name}}}}} = {op_name}[]' with input shapes: {spec.shape}."
        )


def _inner_size(t: Tensor, rank: int):
    """The number of elements in the last `rank` dims: an int when static, else a tensor."""
    dims = t.shape.as_list()[-rank:] if t.shape.rank is not None else [None]
    if None not in dims:
        return math.prod(dims)
    return reduction_ops.reduce_prod(array_ops.shape(t)[-rank:])


def _pad_or_crop(t: Tensor, target, rank: int) -> Tensor:
    """Crops or zero-pads the last `rank` dims of `t` to the int32 sizes `target`."""
    target_value = rules.constant_value(target) if isinstance(target, Tensor) else target
    if (
        t.shape.rank is not None
        and target_value is not None
        and t.shape.as_list()[-rank:] == [int(n) for n in np.ravel(target_value)]
    ):
        return t
    target = convert_to_tensor(target, dtype=dtypes.int32)
    shape = array_ops.shape(t)
    outer = array_ops.size(shape) - rank
    keep = math_ops.minimum(shape[-rank:], target)
    size = array_ops.concat([array_ops.fill(array_ops.reshape(outer, [1]), -1), keep], 0)
    cropped = array_ops.slice(t, array_ops.zeros_like(shape), size)
    inner_pads = array_ops.stack([array_ops.zeros_like(keep), target - keep], axis=1)
    outer_pads = array_ops.zeros(array_ops.stack([outer, 2]), dtypes.int32)
    return array_ops.pad(cropped, array_ops.concat([outer_pads, inner_pads], 0))


# ---- FFT, IFFT, FFT2D, IFFT2D, FFT3D, IFFT3D ----------------------------------------------------
def _complex_fft_kernel(rank: int, inverse: bool):
    def kernel(xp, input, Tcomplex=None):
        _check_rank(input, rank)
        axes = tuple(range(-rank, 0))
        if input.size == 0:
            return xp.zeros(input.shape, input.dtype)
        transform = xp.fft.ifftn if inverse else xp.fft.fftn
        return transform(input, axes=axes).astype(input.dtype, copy=False)

    return kernel


def _complex_fft_infer(op_name: str, rank: int):
    def infer(input, Tcomplex=None):
        _infer_rank(input, rank, op_name)
        return TensorSpec(input.shape, input.dtype)

    return infer


def _complex_fft_grad(rank: int, inverse: bool):
    def grad(op, dy):
        size = math_ops.cast(_inner_size(dy, rank), dy.dtype)
        if inverse:
            return [_FFT_FUNCTIONS[rank](dy) / size]
        return [_IFFT_FUNCTIONS[rank](dy) * size]

    return grad


def _register_complex_fft(name: str, rank: int, inverse: bool) -> OpDef:
    return register(
        OpDef(
            name=name,
            kernel=_complex_fft_kernel(rank, inverse),
            infer=_complex_fft_infer(name, rank),
            grad=_complex_fft_grad(rank, inverse),
            inputs=("input",),
            outputs=("output",),
            attrs=("Tcomplex",),
            allowed=_COMPLEX,
            type_attr="Tcomplex",
        )
    )


FFT = _register_complex_fft("FFT", 1, inverse=False)
IFFT = _register_complex_fft("IFFT", 1, inverse=True)
FFT2D = _register_complex_fft("FFT2D", 2, inverse=False)
IFFT2D = _register_complex_fft("IFFT2D", 2, inverse=True)
FFT3D = _register_complex_fft("FFT3D", 3, inverse=False)
IFFT3D = _register_complex_fft("IFFT3D", 3, inverse=True)


def _complex_input(input) -> Tensor:
    if isinstance(input, Tensor):
        return input
    return convert_to_tensor(input, dtype_hint=dtypes.complex64)


def _apply_complex(op: OpDef, input) -> Tensor:
    x = _complex_input(input)
    return apply(op, [x], _FFT_ATTRS.get(x.dtype, rules.NO_ATTRS))


def fft(input, name=None) -> Tensor:
    """The discrete Fourier transform over the innermost dimension of a complex tensor.

    >>> tf.signal.fft(tf.constant([1.0, 0.0, 0.0, 0.0], tf.complex64)).numpy()
    array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j], dtype=complex64)
    """
    return _apply_complex(FFT, input)


def ifft(input, name=None) -> Tensor:
    """The inverse discrete Fourier transform over the innermost dimension.

    >>> tf.signal.ifft(tf.constant([4.0, 0.0, 0.0, 0.0], tf.complex64)).numpy()
    array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j], dtype=complex64)
    """
    return _apply_complex(IFFT, input)


def fft2d(input, name=None) -> Tensor:
    """The 2-D discrete Fourier transform over the 2 innermost dimensions.

    >>> tf.signal.fft2d(tf.ones([2, 2], tf.complex64)).numpy()[0, 0]
    np.complex64(4+0j)
    """
    return _apply_complex(FFT2D, input)


def ifft2d(input, name=None) -> Tensor:
    """The inverse 2-D discrete Fourier transform over the 2 innermost dimensions.

    >>> tf.signal.ifft2d(tf.ones([2, 2], tf.complex64)).numpy()[0, 0]
    np.complex64(1+0j)
    """
    return _apply_complex(IFFT2D, input)


def fft3d(input, name=None) -> Tensor:
    """The 3-D discrete Fourier transform over the 3 innermost dimensions.

    >>> tf.signal.fft3d(tf.ones([2, 2, 2], tf.complex64)).numpy()[0, 0, 0]
    np.complex64(8+0j)
    """
    return _apply_complex(FFT3D, input)


def ifft3d(input, name=None) -> Tensor:
    """The inverse 3-D discrete Fourier transform over the 3 innermost dimensions.

    >>> tf.signal.ifft3d(tf.ones([2, 2, 2], tf.complex64)).numpy()[0, 0, 0]
    np.complex64(1+0j)
    """
    return _apply_complex(IFFT3D, input)


_FFT_FUNCTIONS = {1: fft, 2: fft2d, 3: fft3d}
_IFFT_FUNCTIONS = {1: ifft, 2: ifft2d, 3: ifft3d}


# ---- RFFT, IRFFT, RFFT2D, IRFFT2D, RFFT3D, IRFFT3D ----------------------------------------------
def _half_length(fft_length: int) -> int:
    """The number of non-negative frequencies; TF gives none at all for a length-0 FFT."""
    return fft_length // 2 + 1 if fft_length else 0


def _needed_lengths(lengths, inverse: bool) -> tuple:
    """The inner input dims a real FFT reads: an inverse reads only the last axis's half."""
    if not inverse:
        return tuple(lengths)
    return (*lengths[:-1], _half_length(lengths[-1]))


def _check_input_covers(input, needed) -> None:
    """TF's kernels crop but never pad (the Python wrappers insert a Pad op)."""
    first = input.ndim - len(needed)
    for axis, (have, want) in enumerate(zip(input.shape[first:], needed), start=first):
        if have < want:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Input dimension {axis} must have length of at least {want} but got: {have}",
            )


def _real_fft_kernel(rank: int, inverse: bool):
    def kernel(xp, input, fft_length, Treal=None, Tcomplex=None):
        _check_rank(input, rank)
        lengths = _kernel_fft_lengths(xp, fft_length, rank)
        axes = tuple(range(-rank, 0))
        if inverse:
            out_dtype = _REAL_OF[dtypes.from_numpy(input.dtype)].as_numpy_dtype
            out_shape = input.shape[:-rank] + lengths
        else:
            out_dtype = _COMPLEX_OF[dtypes.from_numpy(input.dtype)].as_numpy_dtype
            out_shape = input.shape[:-rank] + lengths[:-1] + (_half_length(lengths[-1]),)
        # TF checks that the input covers fft_length only when it has elements to read.
        if input.size:
            _check_input_covers(input, _needed_lengths(lengths, inverse))
        if input.size == 0 or 0 in lengths:
            return xp.zeros(out_shape, out_dtype)
        if inverse:
            return xp.fft.irfftn(input, s=lengths, axes=axes).astype(out_dtype, copy=False)
        return xp.fft.rfftn(input, s=lengths, axes=axes).astype(out_dtype, copy=False)

    return kernel


def _real_fft_infer(op_name: str, rank: int, inverse: bool):
    def infer(input, fft_length, Treal=None, Tcomplex=None):
        _infer_rank(input, rank, op_name)
        out_dtype = Treal if inverse else Tcomplex
        if out_dtype is None:
            out_dtype = _REAL_OF[input.dtype] if inverse else _COMPLEX_OF[input.dtype]
        if input.shape.rank is None:
            return TensorSpec(TensorShape(None), out_dtype)
        outer = input.shape.as_list()[:-rank]
        lengths = rules.static_value(fft_length)
        if lengths is None:
            return TensorSpec(TensorShape(outer + [None] * rank), out_dtype)
        inner = [int(n) for n in np.ravel(lengths)]
        if not inverse:
            inner[-1] = _half_length(inner[-1])
        return TensorSpec(TensorShape(outer + inner), out_dtype)

    return infer


def _rfft_grad(rank: int):
    def grad(op, dy):
        x, fft_length = op.inputs
        # y = rfft(x) keeps the non-negative frequencies of the last axis: the adjoint is the
        # full inverse transform of dy zero-padded to fft_length, real part, times its size.
        padded = _pad_or_crop(dy, fft_length, rank)
        size = math_ops.cast(reduction_ops.reduce_prod(fft_length), x.dtype)
        dx = math_ops.real(_IFFT_FUNCTIONS[rank](padded)) * size
        return [_pad_or_crop(dx, array_ops.shape(x)[-rank:], rank), None]

    return grad


def _irfft_grad(rank: int):
    def grad(op, dy):
        spectrum, fft_length = op.inputs
        # Bins with a conjugate partner (all but DC and, for even lengths, Nyquist) are counted
        # twice by the Hermitian inverse, hence the weight 2.
        last = fft_length[-1]
        bins = math_ops.range_(last // 2 + 1)
        once = math_ops.cast(math_ops.equal(bins, 0), dy.dtype) + math_ops.cast(
            math_ops.equal(bins * 2, last), dy.dtype
        )
        size = math_ops.cast(reduction_ops.reduce_prod(fft_length), dy.dtype)
        weights = math_ops.cast((2.0 - math_ops.minimum(once, 1.0)) / size, spectrum.dtype)
        dspectrum = _RFFT_FUNCTIONS[rank](dy, fft_length) * weights
        return [_pad_or_crop(dspectrum, array_ops.shape(spectrum)[-rank:], rank), None]

    return grad


def _register_real_fft(name: str, rank: int, inverse: bool) -> OpDef:
    gradient = _irfft_grad(rank) if inverse else _rfft_grad(rank)
    return register(
        OpDef(
            name=name,
            kernel=_real_fft_kernel(rank, inverse),
            infer=_real_fft_infer(name, rank, inverse),
            grad=gradient if rank < 3 else None,  # TF registers none for RFFT3D, IRFFT3D
            inputs=("input", "fft_length"),
            outputs=("output",),
            attrs=("Treal", "Tcomplex"),
            allowed=_COMPLEX if inverse else _REAL,
            type_attr="Tcomplex" if inverse else "Treal",
        )
    )


RFFT = _register_real_fft("RFFT", 1, inverse=False)
IRFFT = _register_real_fft("IRFFT", 1, inverse=True)
RFFT2D = _register_real_fft("RFFT2D", 2, inverse=False)
IRFFT2D = _register_real_fft("IRFFT2D", 2, inverse=True)
RFFT3D = _register_real_fft("RFFT3D", 3, inverse=False)
IRFFT3D = _register_real_fft("IRFFT3D", 3, inverse=True)


def _fft_length_arg(fft_length, default) -> Tensor:
    if fft_length is None:
        fft_length = default()
    if isinstance(fft_length, Tensor):
        return (
            fft_length
            if fft_length.dtype == dtypes.int32
            else math_ops.cast(fft_length, dtypes.int32)
        )
    for length in np.ravel(fft_length):
        if not isinstance(length, Tensor) and length < 0:
            raise ValueError(f"Dimension {length} must be >= 0")
    return convert_to_tensor(fft_length, dtype=dtypes.int32)


def _real_transform(op: OpDef, rank: int, input_tensor, fft_length) -> Tensor:
    if not isinstance(input_tensor, Tensor):
        input_tensor = convert_to_tensor(input_tensor, dtype_hint=dtypes.float32)
    if input_tensor.dtype not in _REAL:
        raise ValueError(
            f"{op.name} requires tf.float32 or tf.float64 inputs, got: {input_tensor!s}"
        )
    _check_static_rank(input_tensor, rank)

    def default():
        dims = _static_inner_dims(input_tensor, rank)
        return dims if None not in dims else array_ops.shape(input_tensor)[-rank:]

    lengths = _fft_length_arg(fft_length, default)
    input_tensor = _pad_for_kernel(input_tensor, lengths, rank, inverse=False)
    return apply(op, [input_tensor, lengths], _RFFT_ATTRS[input_tensor.dtype])


def _inverse_real_transform(op: OpDef, rank: int, input_tensor, fft_length) -> Tensor:
    if not isinstance(input_tensor, Tensor):
        input_tensor = convert_to_tensor(input_tensor, dtype_hint=dtypes.complex64)
    if input_tensor.dtype not in _COMPLEX:
        raise ValueError(
            f"{op.name} requires tf.complex64 or tf.complex128 inputs, got: {input_tensor!s}"
        )
    _check_static_rank(input_tensor, rank)

    def default():
        dims = _static_inner_dims(input_tensor, rank)
        if None not in dims:
            return [*dims[:-1], max(0, 2 * (dims[-1] - 1))]
        inner = array_ops.shape(input_tensor)[-rank:]
        return array_ops.concat([inner[:-1], math_ops.maximum(0, 2 * (inner[-1:] - 1))], 0)

    lengths = _fft_length_arg(fft_length, default)
    input_tensor = _pad_for_kernel(input_tensor, lengths, rank, inverse=True)
    real = _REAL_OF[input_tensor.dtype]
    return apply(op, [input_tensor, lengths], _RFFT_ATTRS[real])


def _pad_for_kernel(x: Tensor, lengths: Tensor, rank: int, inverse: bool) -> Tensor:
    """Zero-pads inner dims shorter than the kernel reads, as TF's wrappers do."""
    known = rules.constant_value(lengths)
    dims = _static_inner_dims(x, rank)
    if known is not None and None not in dims:
        needed = _needed_lengths([int(n) for n in known], inverse)
        if all(have >= want for have, want in zip(dims, needed)):
            return x
        missing = [max(0, want - have) for have, want in zip(dims, needed)]
        paddings = [[0, 0]] * (x.shape.rank - rank) + [[0, pad] for pad in missing]
        return array_ops.pad(x, paddings)
    if inverse:
        needed = array_ops.concat([lengths[:-1], lengths[-1:] // 2 + 1], 0)
    else:
        needed = lengths
    shape = array_ops.shape(x)
    missing = math_ops.maximum(0, needed - shape[-rank:])
    outer = array_ops.zeros(array_ops.stack([array_ops.size(shape) - rank, 2]), dtypes.int32)
    inner = array_ops.stack([array_ops.zeros_like(missing), missing], axis=1)
    return array_ops.pad(x, array_ops.concat([outer, inner], 0))


def _static_inner_dims(x: Tensor, rank: int) -> list:
    return x.shape.as_list()[-rank:] if x.shape.rank is not None else [None]


def _check_static_rank(x: Tensor, rank: int) -> None:
    if x.shape.rank is not None and x.shape.rank < rank:
        raise ValueError(f"Shape {x.shape} must have rank at least {rank}")


def rfft(input_tensor, fft_length=None, name=None) -> Tensor:
    """The FFT of a real signal over its innermost dimension (non-negative frequencies only).

    >>> tf.signal.rfft(tf.constant([1.0, 1.0, 1.0, 1.0])).numpy()
    array([4.+0.j, 0.+0.j, 0.+0.j], dtype=complex64)
    """
    return _real_transform(RFFT, 1, input_tensor, fft_length)


def irfft(input_tensor, fft_length=None, name=None) -> Tensor:
    """The inverse of `rfft`: a real signal of length `fft_length` from its half spectrum.

    >>> tf.signal.irfft(tf.constant([4.0, 0.0, 0.0], tf.complex64)).numpy()
    array([1., 1., 1., 1.], dtype=float32)
    """
    return _inverse_real_transform(IRFFT, 1, input_tensor, fft_length)


def rfft2d(input_tensor, fft_length=None, name=None) -> Tensor:
    """The 2-D FFT of a real signal over its 2 innermost dimensions.

    >>> tf.signal.rfft2d(tf.ones([2, 4])).shape
    TensorShape([2, 3])
    """
    return _real_transform(RFFT2D, 2, input_tensor, fft_length)


def irfft2d(input_tensor, fft_length=None, name=None) -> Tensor:
    """The inverse of `rfft2d`.

    >>> tf.signal.irfft2d(tf.ones([2, 3], tf.complex64)).shape
    TensorShape([2, 4])
    """
    return _inverse_real_transform(IRFFT2D, 2, input_tensor, fft_length)


def rfft3d(input_tensor, fft_length=None, name=None) -> Tensor:
    """The 3-D FFT of a real signal over its 3 innermost dimensions.

    >>> tf.signal.rfft3d(tf.ones([2, 2, 4])).shape
    TensorShape([2, 2, 3])
    """
    return _real_transform(RFFT3D, 3, input_tensor, fft_length)


def irfft3d(input_tensor, fft_length=None, name=None) -> Tensor:
    """The inverse of `rfft3d`.

    >>> tf.signal.irfft3d(tf.ones([2, 2, 3], tf.complex64)).shape
    TensorShape([2, 2, 4])
    """
    return _inverse_real_transform(IRFFT3D, 3, input_tensor, fft_length)


_RFFT_FUNCTIONS = {1: rfft, 2: rfft2d, 3: rfft3d}


# ---- fftshift, ifftshift ------------------------------------------------------------------------
def _shift(x, axes, sign: int) -> Tensor:
    x = convert_to_tensor(x)
    if axes is None:
        rank = x.shape.rank
        axes = list(range(rank)) if rank is not None else math_ops.range_(array_ops.rank(x))
    static = x.shape.as_list() if x.shape.rank is not None else None
    if isinstance(axes, int) and static is not None and static[axes] is not None:
        return array_ops.roll(x, sign * (static[axes] // 2), axes)
    if isinstance(axes, (list, tuple)) and static is not None:
        dims = [static[axis] for axis in axes]
        if None not in dims:
            return array_ops.roll(x, [sign * (d // 2) for d in dims], list(axes))
    shifts = indexing_ops.gather(array_ops.shape(x), axes) // 2
    return array_ops.roll(x, shifts * sign, axes)


def fftshift(x, axes=None, name=None) -> Tensor:
    """Moves the zero-frequency bin to the center of the given axes (all by default).

    >>> tf.signal.fftshift(tf.constant([0, 1, 2, -2, -1])).numpy()
    array([-2, -1,  0,  1,  2], dtype=int32)
    """
    return _shift(x, axes, 1)


def ifftshift(x, axes=None, name=None) -> Tensor:
    """The inverse of `fftshift`.

    >>> tf.signal.ifftshift(tf.constant([-2, -1, 0, 1, 2])).numpy()
    array([ 0,  1,  2, -2, -1], dtype=int32)
    """
    return _shift(x, axes, -1)


# ---- frame, overlap_and_add ---------------------------------------------------------------------
def _int_arg(value):
    """A Python int when the value is known now, else the scalar tensor."""
    known = rules.constant_value(value) if isinstance(value, Tensor) else value
    return int(known) if known is not None else value


def _dim(x: Tensor, axis: int):
    static = x.shape.as_list()[axis] if x.shape.rank is not None else None
    return static if static is not None else array_ops.shape(x)[axis]


def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Slices `axis` of `signal` into frames of `frame_length` spaced `frame_step` apart.

    >>> tf.signal.frame(tf.range(6), 3, 2).numpy()
    array([[0, 1, 2],
           [2, 3, 4]], dtype=int32)
    """
    signal = convert_to_tensor(signal)
    rank = signal.shape.rank
    if rank is not None and rank < 1:
        raise ValueError(f"Shape {signal.shape} must have rank at least 1")
    frame_length = _int_arg(frame_length)
    frame_step = _int_arg(frame_step)
    length = _dim(signal, axis)
    if isinstance(length, int) and isinstance(frame_length, int) and isinstance(frame_step, int):
        return _frame_static(signal, length, frame_length, frame_step, pad_end, pad_value, axis)
    if pad_end:
        num_frames = -(-length // frame_step)
        pad = math_ops.maximum(0, frame_length + frame_step * (num_frames - 1) - length)
        if not isinstance(pad, Tensor) or rules.constant_value(pad) != 0:
            signal = _pad_axis(signal, pad, axis, pad_value)
    else:
        num_frames = math_ops.maximum(0, 1 + (length - frame_length) // frame_step)
    starts = math_ops.range_(num_frames) * frame_step
    indices = array_ops.expand_dims(starts, 1) + math_ops.range_(frame_length)
    return indexing_ops.gather(signal, indices, axis=axis)


def _frame_static(signal, length, frame_length, frame_step, pad_end, pad_value, axis):
    """`frame` when all sizes are known: the gather indices are a constant."""
    if pad_end:
        num_frames = -(-length // frame_step)
        pad = max(0, frame_length + frame_step * (num_frames - 1) - length)
        if pad:
            signal = _pad_axis(signal, pad, axis, pad_value)
    else:
        num_frames = max(0, 1 + (length - frame_length) // frame_step)
    indices = np.arange(num_frames, dtype=np.int32)[:, None] * frame_step + np.arange(
        frame_length, dtype=np.int32
    )
    return indexing_ops.gather(signal, convert_to_tensor(indices), axis=axis)


def _pad_axis(x: Tensor, pad, axis: int, pad_value) -> Tensor:
    """Pads `axis` of `x` at the end by `pad` elements of `pad_value`."""
    if x.shape.rank is not None:
        rank = x.shape.rank
        axis = axis % rank
        paddings = [[0, 0]] * axis + [[0, pad]] + [[0, 0]] * (rank - axis - 1)
        if isinstance(pad, Tensor):
            paddings = array_ops.stack([array_ops.stack(p) for p in paddings])
    else:
        rank = array_ops.rank(x)
        axis = axis % rank
        hot = math_ops.cast(math_ops.equal(math_ops.range_(rank), axis), dtypes.int32)
        paddings = array_ops.stack([array_ops.zeros_like(hot), hot * pad], axis=1)
    return array_ops.pad(x, paddings, constant_values=math_ops.cast(pad_value, x.dtype))


def overlap_and_add(signal, frame_step, name=None) -> Tensor:
    """Sums frames `[..., frames, frame_length]` placed `frame_step` apart into one signal.

    >>> tf.signal.overlap_and_add(tf.ones([3, 2]), 1).numpy()
    array([1., 2., 2., 1.], dtype=float32)
    """
    signal = convert_to_tensor(signal)
    if signal.shape.rank is not None and signal.shape.rank < 2:
        raise ValueError(f"Shape {signal.shape} must have rank at least 2")
    frame_step = _int_arg(frame_step)
    num_frames, frame_length = _dim(signal, -2), _dim(signal, -1)
    output_length = frame_length + frame_step * (num_frames - 1)
    outer_shape = array_ops.shape(signal)[:-2]
    batch = reduction_ops.reduce_prod(outer_shape)  # not -1: frames may be empty
    frames = array_ops.reshape(signal, array_ops.stack([batch, num_frames * frame_length]))
    positions = array_ops.reshape(
        array_ops.expand_dims(math_ops.range_(num_frames) * frame_step, 1)
        + math_ops.range_(frame_length),
        [-1],
    )
    summed = segment_ops.unsorted_segment_sum(array_ops.transpose(frames), positions, output_length)
    result = array_ops.reshape(
        array_ops.transpose(summed),
        array_ops.concat([outer_shape, array_ops.reshape(output_length, [1])], 0),
    )
    if signal.shape.rank is not None:
        static_length = output_length if isinstance(output_length, int) else None
        result.set_shape(signal.shape[:-2].concatenate([static_length]))
    return result


# ---- windows ------------------------------------------------------------------------------------
def _window_dtype(dtype) -> dtypes.DType:
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Found {dtype}")
    return dtype


def _raised_cosine_window(window_length, periodic, dtype, a: float, b: float) -> Tensor:
    dtype = _window_dtype(dtype)
    length = _int_arg(window_length)
    if isinstance(length, int) and length == 1:
        return array_ops.ones([1], dtype)
    even = 1 - length % 2
    if isinstance(length, int) and isinstance(periodic, (bool, int)):
        np_dtype = dtype.as_numpy_dtype
        denominator = np_dtype(length + int(periodic) * even - 1)
        angle = np_dtype(2.0 * np.pi) * np.arange(length, dtype=np_dtype) / denominator
        return convert_to_tensor((np_dtype(a) - np_dtype(b) * np.cos(angle)).astype(np_dtype))
    if isinstance(periodic, Tensor):
        periodic = math_ops.cast(periodic, dtypes.int32)
    denominator = math_ops.cast(length + periodic * even - 1, dtype)
    count = math_ops.cast(math_ops.range_(length), dtype)
    return a - b * math_ops.cos(2.0 * np.pi * count / denominator)


def hann_window(window_length, periodic=True, dtype=dtypes.float32, name=None) -> Tensor:
    """A Hann window: 0.5 - 0.5 cos(2πn / N), periodic (N = length) or symmetric (length - 1).

    >>> tf.signal.hann_window(4).numpy()
    array([0. , 0.5, 1. , 0.5], dtype=float32)
    """
    return _raised_cosine_window(window_length, periodic, dtype, 0.5, 0.5)


def hamming_window(window_length, periodic=True, dtype=dtypes.float32, name=None) -> Tensor:
    """A Hamming window: 0.54 - 0.46 cos(2πn / N).

    >>> tf.signal.hamming_window(3, periodic=False, dtype=tf.float64).numpy()
    array([0.08, 1.  , 0.08])
    """
    return _raised_cosine_window(window_length, periodic, dtype, 0.54, 0.46)


def kaiser_window(window_length, beta=12.0, dtype=dtypes.float32, name=None) -> Tensor:
    """A Kaiser window: I0(β sqrt(1 - (2n/(N-1) - 1)²)) / I0(β).

    >>> tf.signal.kaiser_window(3, beta=0.0).numpy()
    array([1., 1., 1.], dtype=float32)
    """
    dtype = _window_dtype(dtype)
    length = int(_int_arg(window_length))
    beta = float(rules.constant_value(beta) if isinstance(beta, Tensor) else beta)
    if length == 1:
        return array_ops.ones([1], dtype)
    if length < 1:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Requires start <= limit when delta > 0: {(1 - length) / 2}/{(length - 1) / 2 + 0.1:g}"
            " [Op:Range]",
        )
    half = (length - 1) / 2.0
    ratio = (np.arange(length, dtype=np.float64) - half) / half
    window = np.i0(beta * np.sqrt(np.maximum(0.0, 1.0 - ratio * ratio))) / np.i0(beta)
    return convert_to_tensor(window.astype(dtype.as_numpy_dtype))


def kaiser_bessel_derived_window(
    window_length, beta=12.0, dtype=dtypes.float32, name=None
) -> Tensor:
    """A Kaiser-Bessel-derived window: square roots of a Kaiser window's normalized running
    sums, mirrored (used by the MDCT).

    >>> tf.signal.kaiser_bessel_derived_window(2).numpy()
    array([0.70710677, 0.70710677], dtype=float32)
    """
    half = int(_int_arg(window_length)) // 2
    kaiser = kaiser_window(half + 1, beta, dtype)
    running = reduction_ops.cumsum(kaiser)
    rising = math_ops.sqrt(running[:-1] / running[-1])
    return array_ops.concat([rising, array_ops.reverse(rising, [0])], 0)


def vorbis_window(window_length, dtype=dtypes.float32, name=None) -> Tensor:
    """A Vorbis power-complementary window: sin(π/2 sin²(π(n + ½) / N)).

    >>> tf.signal.vorbis_window(2).numpy()
    array([0.70710677, 0.70710677], dtype=float32)
    """
    dtype = _window_dtype(dtype)
    length = _int_arg(window_length)
    count = math_ops.cast(math_ops.range_(length), dtype) + 0.5
    inner = math_ops.sin(np.pi * count / math_ops.cast(length, dtype))
    return math_ops.sin(np.pi / 2.0 * math_ops.square(inner))


# ---- stft, inverse_stft -------------------------------------------------------------------------
def _enclosing_power_of_two(length):
    if isinstance(length, int):
        return int(2 ** math.ceil(math.log2(length))) if length > 0 else 1
    exponent = math_ops.ceil(math_ops.log(math_ops.cast(length, dtypes.float64)) / np.log(2.0))
    return math_ops.cast(2.0**exponent, dtypes.int32)


def stft(
    signals,
    frame_length,
    frame_step,
    fft_length=None,
    window_fn=hann_window,
    pad_end=False,
    name=None,
) -> Tensor:
    """The short-time Fourier transform of real `signals` `[..., samples]`.

    >>> tf.signal.stft(tf.ones([100]), frame_length=30, frame_step=10).shape
    TensorShape([8, 17])
    """
    signals = convert_to_tensor(signals)
    if signals.shape.rank is not None and signals.shape.rank < 1:
        raise ValueError(f"Shape {signals.shape} must have rank at least 1")
    frame_length = _int_arg(frame_length)
    fft_length = _enclosing_power_of_two(frame_length) if fft_length is None else fft_length
    framed = frame(signals, frame_length, frame_step, pad_end=pad_end)
    if window_fn is not None:
        framed = framed * window_fn(frame_length, dtype=framed.dtype)
    return rfft(framed, array_ops.reshape(_int_arg(fft_length), [1]))


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """A window function for `inverse_stft` that undoes `forward_window_fn`'s overlap gain.

    >>> window_fn = tf.signal.inverse_stft_window_fn(2)
    >>> window_fn(4, tf.float32).shape
    TensorShape([4])
    """

    def window_fn(frame_length, dtype):
        forward = forward_window_fn(frame_length, dtype=dtype)
        squared = math_ops.square(forward)
        length = _int_arg(frame_length)
        step = _int_arg(frame_step)
        overlaps = -(-length // step)
        squared = _pad_axis(squared, overlaps * step - length, 0, 0)
        blocks = array_ops.reshape(squared, array_ops.stack([overlaps, step]))
        denominator = reduction_ops.reduce_sum(blocks, 0, keepdims=True)
        denominator = array_ops.reshape(
            array_ops.tile(denominator, array_ops.stack([overlaps, 1])), [-1]
        )
        return forward / denominator[:length]

    return window_fn


def inverse_stft(
    stfts,
    frame_length,
    frame_step,
    fft_length=None,
    window_fn=hann_window,
    name=None,
) -> Tensor:
    """Reconstructs signals from `stft` output `[..., frames, fft_length // 2 + 1]`.

    >>> spectrum = tf.signal.stft(tf.ones([64]), 16, 4)
    >>> tf.signal.inverse_stft(spectrum, 16, 4).shape
    TensorShape([64])
    """
    stfts = convert_to_tensor(stfts)
    if stfts.shape.rank is not None and stfts.shape.rank < 2:
        raise ValueError(f"Shape {stfts.shape} must have rank at least 2")
    frame_length = _int_arg(frame_length)
    fft_length = _enclosing_power_of_two(frame_length) if fft_length is None else fft_length
    frames = irfft(stfts, array_ops.reshape(_int_arg(fft_length), [1]))
    frames = _pad_or_crop(frames, array_ops.reshape(frame_length, [1]), 1)
    if window_fn is not None:
        frames = frames * window_fn(frame_length, dtype=frames.dtype)
    return overlap_and_add(frames, frame_step)


# ---- mel filterbank, MFCCs ----------------------------------------------------------------------
_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def _hertz_to_mel(frequencies: Tensor) -> Tensor:
    return _MEL_HIGH_FREQUENCY_Q * math_ops.log(1.0 + frequencies / _MEL_BREAK_FREQUENCY_HERTZ)


def _validate_mel_arguments(
    num_mel_bins, sample_rate, lower_edge_hertz, upper_edge_hertz, dtype
) -> None:
    if isinstance(num_mel_bins, int) and num_mel_bins <= 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {num_mel_bins}")
    if lower_edge_hertz < 0.0:
        raise ValueError(f"lower_edge_hertz must be non-negative. Got: {lower_edge_hertz}")
    if lower_edge_hertz >= upper_edge_hertz:
        raise ValueError(
            f"lower_edge_hertz {lower_edge_hertz:.1f} >= upper_edge_hertz {upper_edge_hertz:.1f}"
        )
    if not isinstance(sample_rate, Tensor):
        if sample_rate <= 0.0:
            raise ValueError(f"sample_rate must be positive. Got: {sample_rate}")
        if upper_edge_hertz > sample_rate / 2:
            raise ValueError(
                "upper_edge_hertz must not be larger than the Nyquist frequency (sample_rate / "
                f"2). Got {upper_edge_hertz} for sample_rate: {sample_rate}"
            )
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Got: {dtype}")


def linear_to_mel_weight_matrix(
    num_mel_bins=20,
    num_spectrogram_bins=129,
    sample_rate=8000,
    lower_edge_hertz=125.0,
    upper_edge_hertz=3800.0,
    dtype=dtypes.float32,
    name=None,
) -> Tensor:
    """A `[num_spectrogram_bins, num_mel_bins]` matrix of triangular HTK mel filters.

    Row 0 (the DC bin) is zero; each column is a triangle over mel-spaced band edges.

    >>> tf.signal.linear_to_mel_weight_matrix().shape
    TensorShape([129, 20])
    """
    dtype = dtypes.as_dtype(dtype)
    _validate_mel_arguments(num_mel_bins, sample_rate, lower_edge_hertz, upper_edge_hertz, dtype)
    sample_rate = math_ops.cast(sample_rate, dtype)
    lower_edge_hertz = math_ops.cast(lower_edge_hertz, dtype)
    upper_edge_hertz = math_ops.cast(upper_edge_hertz, dtype)
    linear_frequencies = array_ops.linspace(
        math_ops.cast(0.0, dtype), sample_rate / 2.0, num_spectrogram_bins
    )[1:]
    spectrogram_bins_mel = array_ops.expand_dims(_hertz_to_mel(linear_frequencies), 1)
    band_edges_mel = frame(
        array_ops.linspace(
            _hertz_to_mel(lower_edge_hertz), _hertz_to_mel(upper_edge_hertz), num_mel_bins + 2
        ),
        frame_length=3,
        frame_step=1,
    )
    lower_edge_mel, center_mel, upper_edge_mel = (
        array_ops.reshape(band_edges_mel[:, i], [1, num_mel_bins]) for i in range(3)
    )
    lower_slopes = (spectrogram_bins_mel - lower_edge_mel) / (center_mel - lower_edge_mel)
    upper_slopes = (upper_edge_mel - spectrogram_bins_mel) / (upper_edge_mel - center_mel)
    weights = math_ops.maximum(
        math_ops.cast(0.0, dtype), math_ops.minimum(lower_slopes, upper_slopes)
    )
    return array_ops.pad(weights, [[1, 0], [0, 0]])


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None) -> Tensor:
    """MFCCs: the orthonormal type-II DCT of log-mel spectrograms `[..., num_mel_bins]`.

    >>> tf.signal.mfccs_from_log_mel_spectrograms(tf.ones([2, 4])).shape
    TensorShape([2, 4])
    """
    log_mel_spectrograms = convert_to_tensor(log_mel_spectrograms)
    num_mel_bins = _dim(log_mel_spectrograms, -1)
    if isinstance(num_mel_bins, int) and num_mel_bins == 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {log_mel_spectrograms!s}")
    coefficients = dct(log_mel_spectrograms, type=2)
    scale = math_ops.rsqrt(math_ops.cast(num_mel_bins, coefficients.dtype) * 2.0)
    return coefficients * scale


# ---- dct, idct ----------------------------------------------------------------------------------
def _validate_dct_arguments(input, dct_type, n, axis, norm) -> None:
    if n is not None and n < 1:
        raise ValueError("n should be a positive integer or None")
    if dct_type not in (1, 2, 3, 4):
        raise ValueError("Types I, II, III and IV (I)DCT are supported.")
    if dct_type == 1:
        if norm == "ortho":
            raise ValueError("Normalization is not supported for the Type-I DCT.")
        length = input.shape.as_list()[-1] if input.shape.rank else None
        if length is not None and length < 2:
            raise ValueError("Type-I DCT requires the dimension to be greater than one.")
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")


def _angles(length, dtype, scale: float, offset: float = 0.0) -> Tensor:
    """scale * (k + offset) / length for k in range(length), in `dtype`."""
    if isinstance(length, int):
        angles = (np.arange(length) + offset) * scale / max(length, 1)
        return convert_to_tensor(angles.astype(dtype.as_numpy_dtype))
    count = math_ops.cast(math_ops.range_(length), dtype) + offset
    return count * scale / math_ops.cast(length, dtype)


def dct(input, type=2, n=None, axis=-1, norm=None, name=None) -> Tensor:
    """The discrete cosine transform (types I-IV) over the innermost dimension.

    Unnormalized results follow scipy's convention (a factor 2 on the sums); `norm="ortho"`
    makes types II-IV orthonormal. Unlike TF (which accepts only -1), `axis` may name any
    dimension of a tensor of known rank.

    >>> tf.signal.dct(tf.constant([1.0, 1.0])).numpy()
    array([4., 0.], dtype=float32)
    """
    x = convert_to_tensor(input)
    rank = x.shape.rank
    if axis != -1 and not (rank is not None and axis == rank - 1):
        if rank is None or not -rank <= axis < rank:
            raise ValueError(f"axis {axis} is out of range for a tensor of rank {rank}")
        perm = list(range(rank))
        perm[axis], perm[-1] = perm[-1], perm[axis]
        inner = dct(array_ops.transpose(x, perm), type=type, n=n, axis=-1, norm=norm)
        return array_ops.transpose(inner, perm)
    _validate_dct_arguments(x, type, n, axis, norm)
    if not x.dtype.is_floating:
        raise TypeError(f"Cannot convert 0.0 to EagerTensor of dtype {x.dtype.name}")
    if n is not None:
        x = _pad_or_crop(x, [n], 1)
    dtype = x.dtype
    length = _dim(x, -1)
    if type == 1:
        mirrored = array_ops.concat([x, array_ops.reverse(x[..., 1:-1], [-1])], -1)
        return math_ops.real(rfft(mirrored))
    if type == 2:
        spectrum = rfft(x, array_ops.reshape(2 * length, [1]))[..., :length]
        theta = _angles(length, dtype, np.pi / 2.0)
        result = 2.0 * (
            math_ops.cos(theta) * math_ops.real(spectrum)
            + math_ops.sin(theta) * math_ops.imag(spectrum)
        )
        if norm == "ortho":
            result = result * math_ops.rsqrt(2.0 * math_ops.cast(length, dtype))
            result = array_ops.concat([result[..., :1] * np.sqrt(0.5), result[..., 1:]], -1)
        return result
    if type == 3:
        if norm == "ortho":
            size = math_ops.cast(length, dtype)
            x = array_ops.concat(
                [x[..., :1] * math_ops.rsqrt(size), x[..., 1:] * math_ops.rsqrt(2.0 * size)],
                -1,
            )
        theta = _angles(length, dtype, np.pi / 2.0)
        twisted = math_ops.complex(x * math_ops.cos(theta), x * math_ops.sin(theta))
        signal = irfft(twisted, array_ops.reshape(2 * length, [1]))[..., :length]
        return signal * math_ops.cast(2 * length, dtype)
    phi = _angles(length, dtype, np.pi / 2.0)
    twisted = math_ops.complex(x * math_ops.cos(phi), -x * math_ops.sin(phi))
    spectrum = fft(array_ops.concat([twisted, array_ops.zeros_like(twisted)], -1))[..., :length]
    psi = _angles(length, dtype, np.pi / 2.0, offset=0.5)
    result = 2.0 * (
        math_ops.cos(psi) * math_ops.real(spectrum) + math_ops.sin(psi) * math_ops.imag(spectrum)
    )
    if norm == "ortho":
        result = result * math_ops.rsqrt(2.0 * math_ops.cast(length, dtype))
    return result


_INVERSE_DCT_TYPE = {1: 1, 2: 3, 3: 2, 4: 4}


def idct(input, type=2, n=None, axis=-1, norm=None, name=None) -> Tensor:
    """The inverse DCT: `dct` of the inverse type (I↔I, II↔III, IV↔IV); with `norm=None` it is
    scaled by 2N (2(N-1) for type I) relative to the true inverse.

    >>> tf.signal.idct(tf.constant([4.0, 0.0])).numpy()
    array([4., 4.], dtype=float32)
    """
    _validate_dct_arguments(convert_to_tensor(input), type, n, axis, norm)
    return dct(input, type=_INVERSE_DCT_TYPE[type], n=n, axis=axis, norm=norm)
