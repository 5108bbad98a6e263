"""tf.dtypes."""

from tensorflux._src.core.dtypes import DType as DType
from tensorflux._src.core.dtypes import as_dtype as as_dtype
from tensorflux._src.core.dtypes import bfloat16 as bfloat16
from tensorflux._src.core.dtypes import bool as bool
from tensorflux._src.core.dtypes import complex64 as complex64
from tensorflux._src.core.dtypes import complex128 as complex128
from tensorflux._src.core.dtypes import double as double
from tensorflux._src.core.dtypes import float16 as float16
from tensorflux._src.core.dtypes import float32 as float32
from tensorflux._src.core.dtypes import float64 as float64
from tensorflux._src.core.dtypes import half as half
from tensorflux._src.core.dtypes import int8 as int8
from tensorflux._src.core.dtypes import int16 as int16
from tensorflux._src.core.dtypes import int32 as int32
from tensorflux._src.core.dtypes import int64 as int64
from tensorflux._src.core.dtypes import resource as resource
from tensorflux._src.core.dtypes import string as string
from tensorflux._src.core.dtypes import uint8 as uint8
from tensorflux._src.core.dtypes import uint16 as uint16
from tensorflux._src.core.dtypes import uint32 as uint32
from tensorflux._src.core.dtypes import uint64 as uint64
from tensorflux._src.core.dtypes import variant as variant
from tensorflux._src.ops.array_ops import saturate_cast as saturate_cast
from tensorflux._src.ops.math_ops import cast as cast
from tensorflux._src.ops.math_ops import complex as complex
