"""tf.linalg: linear algebra."""

from tensorflux._src.ops.array_ops import matrix_transpose as matrix_transpose
from tensorflux._src.ops.linalg_ops import matmul as matmul
