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
from tensorflux._src.data.device_op import copy_to_device as copy_to_device
from tensorflux._src.data.device_op import prefetch_to_device as prefetch_to_device
from tensorflux._src.data.experimental_wrappers import cardinality as cardinality
from tensorflux._src.data.experimental_wrappers import enumerate_dataset as enumerate_dataset
from tensorflux._src.data.experimental_wrappers import get_next_as_optional as get_next_as_optional
from tensorflux._src.data.experimental_wrappers import get_single_element as get_single_element
from tensorflux._src.data.experimental_wrappers import get_structure as get_structure
from tensorflux._src.data.experimental_wrappers import load as load
from tensorflux._src.data.experimental_wrappers import map_and_batch as map_and_batch
from tensorflux._src.data.experimental_wrappers import parallel_interleave as parallel_interleave
from tensorflux._src.data.experimental_wrappers import save as save
from tensorflux._src.data.experimental_wrappers import shuffle_and_repeat as shuffle_and_repeat
from tensorflux._src.data.from_list_op import from_list as from_list
from tensorflux._src.data.group_by_reducer_op import Reducer as Reducer
from tensorflux._src.data.group_by_reducer_op import group_by_reducer as group_by_reducer
from tensorflux._src.data.group_by_window_op import group_by_window as group_by_window
from tensorflux._src.data.ignore_errors_op import ignore_errors as ignore_errors
from tensorflux._src.data.iterator import Optional as Optional
from tensorflux._src.data.options import AutoShardPolicy as AutoShardPolicy
from tensorflux._src.data.options import AutotuneAlgorithm as AutotuneAlgorithm
from tensorflux._src.data.options import AutotuneOptions as AutotuneOptions
from tensorflux._src.data.options import DistributeOptions as DistributeOptions
from tensorflux._src.data.options import ExternalStatePolicy as ExternalStatePolicy
from tensorflux._src.data.options import OptimizationOptions as OptimizationOptions
from tensorflux._src.data.options import ThreadingOptions as ThreadingOptions
from tensorflux._src.data.pad_to_cardinality_op import pad_to_cardinality as pad_to_cardinality
from tensorflux._src.data.parse_example_op import (
    make_batched_features_dataset as make_batched_features_dataset,
)
from tensorflux._src.data.parse_example_op import parse_example_dataset as parse_example_dataset
from tensorflux._src.data.ragged_batch_op import dense_to_ragged_batch as dense_to_ragged_batch
from tensorflux._src.data.random_access import at as at
from tensorflux._src.data.random_op import RandomDataset as RandomDataset
from tensorflux._src.data.random_op import counter as Counter  # noqa: N812 - TF's name
from tensorflux._src.data.rejection_resample_op import (
    experimental_rejection_resample as rejection_resample,
)
from tensorflux._src.data.sampling_op import (
    experimental_choose_from_datasets as choose_from_datasets,
)
from tensorflux._src.data.sampling_op import (
    experimental_sample_from_datasets as sample_from_datasets,
)
from tensorflux._src.data.scan_op import scan as scan
from tensorflux._src.data.shard_op import SHARD_HINT as SHARD_HINT
from tensorflux._src.data.snapshot_op import experimental_snapshot as snapshot
from tensorflux._src.data.sparse_batch_op import dense_to_sparse_batch as dense_to_sparse_batch
from tensorflux._src.data.sql import SqlDataset as SqlDataset
from tensorflux._src.data.structure import DatasetSpec as DatasetSpec
from tensorflux._src.data.structured_function import disable_debug_mode as disable_debug_mode
from tensorflux._src.data.structured_function import enable_debug_mode as enable_debug_mode
from tensorflux._src.data.take_while_op import take_while as take_while
from tensorflux._src.data.unbatch_op import unbatch as unbatch
from tensorflux._src.data.unique_op import unique as unique
from tensorflux._src.data.writers import TFRecordWriter as TFRecordWriter
