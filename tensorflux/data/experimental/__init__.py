"""tf.data.experimental."""

from tensorflux._src.data.assert_cardinality_op import assert_cardinality as assert_cardinality
from tensorflux._src.data.bucket_by_sequence_length_op import (
    experimental_bucket_by_sequence_length as bucket_by_sequence_length,
)
from tensorflux._src.data.csv import CsvDataset as CsvDataset
from tensorflux._src.data.csv import make_csv_dataset as make_csv_dataset
from tensorflux._src.data.dataset import AUTOTUNE as AUTOTUNE
from tensorflux._src.data.dataset import INFINITE as INFINITE_CARDINALITY
from tensorflux._src.data.dataset import UNKNOWN as UNKNOWN_CARDINALITY
from tensorflux._src.data.group_by_window_op import group_by_window as group_by_window
from tensorflux._src.data.ignore_errors_op import ignore_errors as ignore_errors
from tensorflux._src.data.options import AutoShardPolicy as AutoShardPolicy
from tensorflux._src.data.options import AutotuneAlgorithm as AutotuneAlgorithm
from tensorflux._src.data.options import AutotuneOptions as AutotuneOptions
from tensorflux._src.data.options import DistributeOptions as DistributeOptions
from tensorflux._src.data.options import ExternalStatePolicy as ExternalStatePolicy
from tensorflux._src.data.options import OptimizationOptions as OptimizationOptions
from tensorflux._src.data.options import ThreadingOptions as ThreadingOptions
from tensorflux._src.data.ragged_batch_op import dense_to_ragged_batch as dense_to_ragged_batch
from tensorflux._src.data.random_op import RandomDataset as RandomDataset
from tensorflux._src.data.random_op import counter as Counter  # noqa: N812 - TF's name
from tensorflux._src.data.sampling_op import (
    experimental_choose_from_datasets as choose_from_datasets,
)
from tensorflux._src.data.sampling_op import (
    experimental_sample_from_datasets as sample_from_datasets,
)
from tensorflux._src.data.scan_op import scan as scan
from tensorflux._src.data.shard_op import SHARD_HINT as SHARD_HINT
from tensorflux._src.data.structure import DatasetSpec as DatasetSpec
from tensorflux._src.data.structured_function import disable_debug_mode as disable_debug_mode
from tensorflux._src.data.structured_function import enable_debug_mode as enable_debug_mode
from tensorflux._src.data.take_while_op import take_while as take_while
from tensorflux._src.data.unbatch_op import unbatch as unbatch
from tensorflux._src.data.unique_op import unique as unique
