"""RaggedTensor, its TypeSpec, tf.ragged operations and their dispatch from public tf ops."""

from tensorflux._src.ops.ragged import ragged_dispatch as ragged_dispatch
