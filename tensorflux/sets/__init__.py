"""tf.sets: set operations along the last dimension of dense and sparse tensors."""

from tensorflux._src.ops.set_ops import difference as difference
from tensorflux._src.ops.set_ops import intersection as intersection
from tensorflux._src.ops.set_ops import size as size
from tensorflux._src.ops.set_ops import union as union
