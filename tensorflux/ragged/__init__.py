"""tf.ragged: ragged tensors (rows of different lengths) and their operations."""

from tensorflux._src.ops.ragged import ragged_dispatch as _ragged_dispatch
from tensorflux._src.ops.ragged.ragged_ops import boolean_mask as boolean_mask
from tensorflux._src.ops.ragged.ragged_ops import constant as constant
from tensorflux._src.ops.ragged.ragged_ops import map_flat_values as map_flat_values
from tensorflux._src.ops.ragged.ragged_ops import range as range
from tensorflux._src.ops.ragged.ragged_ops import (
    row_splits_to_segment_ids as row_splits_to_segment_ids,
)
from tensorflux._src.ops.ragged.ragged_ops import (
    segment_ids_to_row_splits as segment_ids_to_row_splits,
)
from tensorflux._src.ops.ragged.ragged_ops import stack as stack
from tensorflux._src.ops.ragged.ragged_ops import (
    stack_dynamic_partitions as stack_dynamic_partitions,
)
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensor as RaggedTensor
from tensorflux._src.ops.ragged.ragged_tensor import RaggedTensorSpec as RaggedTensorSpec
