"""tf.dtypes."""

from tensorflux._src.core.dtypes import DType as DType
from tensorflux._src.core.dtypes import as_dtype as as_dtype
from tensorflux._src.ops.array_ops import saturate_cast as saturate_cast
from tensorflux._src.ops.math_ops import cast as cast
