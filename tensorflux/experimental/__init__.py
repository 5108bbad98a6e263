"""tf.experimental: the experimental names tensorflux has."""

from tensorflux._src.data.iterator import Optional as Optional
from tensorflux._src.data.iterator import OptionalSpec as OptionalSpec
from tensorflux._src.ops.ragged.dynamic_ragged_shape import DynamicRaggedShape as DynamicRaggedShape
