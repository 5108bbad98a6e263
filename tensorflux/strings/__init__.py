"""tf.strings: string ops."""

from tensorflux._src.ops.string_ops import as_string as as_string
