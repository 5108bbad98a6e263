"""tf.data.experimental."""

from tensorflux._src.data.csv import CsvDataset as CsvDataset
from tensorflux._src.data.csv import make_csv_dataset as make_csv_dataset
from tensorflux._src.data.dataset import AUTOTUNE as AUTOTUNE
from tensorflux._src.data.dataset import INFINITE as INFINITE_CARDINALITY
from tensorflux._src.data.dataset import UNKNOWN as UNKNOWN_CARDINALITY
from tensorflux._src.data.options import AutoShardPolicy as AutoShardPolicy
from tensorflux._src.data.options import AutotuneAlgorithm as AutotuneAlgorithm
from tensorflux._src.data.options import AutotuneOptions as AutotuneOptions
from tensorflux._src.data.options import DistributeOptions as DistributeOptions
from tensorflux._src.data.options import ExternalStatePolicy as ExternalStatePolicy
from tensorflux._src.data.options import OptimizationOptions as OptimizationOptions
from tensorflux._src.data.options import ThreadingOptions as ThreadingOptions
from tensorflux._src.data.random_op import RandomDataset as RandomDataset
from tensorflux._src.data.random_op import counter as Counter  # noqa: N812 - TF's name
from tensorflux._src.data.sampling_op import (
    experimental_choose_from_datasets as choose_from_datasets,
)
from tensorflux._src.data.sampling_op import (
    experimental_sample_from_datasets as sample_from_datasets,
)
from tensorflux._src.data.structure import DatasetSpec as DatasetSpec
from tensorflux._src.data.structured_function import disable_debug_mode as disable_debug_mode
from tensorflux._src.data.structured_function import enable_debug_mode as enable_debug_mode
