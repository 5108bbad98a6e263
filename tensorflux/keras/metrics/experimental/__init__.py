"""tf.keras.metrics.experimental: metrics computed in Python."""

from tensorflux._src.keras.metrics.py_metric import PyMetric as PyMetric
