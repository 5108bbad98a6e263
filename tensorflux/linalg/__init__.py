"""tf.linalg: linear algebra."""

from tensorflux._src.ops.array_ops import eye as eye
from tensorflux._src.ops.array_ops import matrix_transpose as matrix_transpose
from tensorflux._src.ops.linalg_ops import adjoint as adjoint
from tensorflux._src.ops.linalg_ops import band_part as band_part
from tensorflux._src.ops.linalg_ops import cross as cross
from tensorflux._src.ops.linalg_ops import einsum as einsum
from tensorflux._src.ops.linalg_ops import global_norm as global_norm
from tensorflux._src.ops.linalg_ops import matmul as matmul
from tensorflux._src.ops.linalg_ops import matrix_diag as diag
from tensorflux._src.ops.linalg_ops import matrix_diag_part as diag_part
from tensorflux._src.ops.linalg_ops import matrix_set_diag as set_diag
from tensorflux._src.ops.linalg_ops import matvec as matvec
from tensorflux._src.ops.linalg_ops import norm as norm
from tensorflux._src.ops.linalg_ops import normalize as normalize
from tensorflux._src.ops.linalg_ops import svd as svd
from tensorflux._src.ops.linalg_ops import tensor_diag as tensor_diag
from tensorflux._src.ops.linalg_ops import tensor_diag_part as tensor_diag_part
from tensorflux._src.ops.linalg_ops import tensordot as tensordot
from tensorflux._src.ops.linalg_ops import trace as trace
from tensorflux._src.ops.nn_ops import l2_normalize as l2_normalize
