"""Small real datasets bundled with the package, so examples and the demo run without a network."""

from tensorflux._src.datasets.digits import load_digits as load_digits
