"""tf.signal: Fourier transforms, framing, spectrograms, windows, mel filters and DCTs."""

from tensorflux._src.ops.signal_ops import dct as dct
from tensorflux._src.ops.signal_ops import fft as fft
from tensorflux._src.ops.signal_ops import fft2d as fft2d
from tensorflux._src.ops.signal_ops import fft3d as fft3d
from tensorflux._src.ops.signal_ops import fftshift as fftshift
from tensorflux._src.ops.signal_ops import frame as frame
from tensorflux._src.ops.signal_ops import hamming_window as hamming_window
from tensorflux._src.ops.signal_ops import hann_window as hann_window
from tensorflux._src.ops.signal_ops import idct as idct
from tensorflux._src.ops.signal_ops import ifft as ifft
from tensorflux._src.ops.signal_ops import ifft2d as ifft2d
from tensorflux._src.ops.signal_ops import ifft3d as ifft3d
from tensorflux._src.ops.signal_ops import ifftshift as ifftshift
from tensorflux._src.ops.signal_ops import inverse_stft as inverse_stft
from tensorflux._src.ops.signal_ops import inverse_stft_window_fn as inverse_stft_window_fn
from tensorflux._src.ops.signal_ops import irfft as irfft
from tensorflux._src.ops.signal_ops import irfft2d as irfft2d
from tensorflux._src.ops.signal_ops import irfft3d as irfft3d
from tensorflux._src.ops.signal_ops import (
    kaiser_bessel_derived_window as kaiser_bessel_derived_window,
)
from tensorflux._src.ops.signal_ops import kaiser_window as kaiser_window
from tensorflux._src.ops.signal_ops import (
    linear_to_mel_weight_matrix as linear_to_mel_weight_matrix,
)
from tensorflux._src.ops.signal_ops import (
    mfccs_from_log_mel_spectrograms as mfccs_from_log_mel_spectrograms,
)
from tensorflux._src.ops.signal_ops import overlap_and_add as overlap_and_add
from tensorflux._src.ops.signal_ops import rfft as rfft
from tensorflux._src.ops.signal_ops import rfft2d as rfft2d
from tensorflux._src.ops.signal_ops import rfft3d as rfft3d
from tensorflux._src.ops.signal_ops import stft as stft
from tensorflux._src.ops.signal_ops import vorbis_window as vorbis_window
