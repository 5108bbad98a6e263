"""tf.distribute: distribution strategies, replica contexts and distributed values."""

from tensorflux._src.distribute.cross_device_ops import CrossDeviceOps as CrossDeviceOps
from tensorflux._src.distribute.cross_device_ops import (
    HierarchicalCopyAllReduce as HierarchicalCopyAllReduce,
)
from tensorflux._src.distribute.cross_device_ops import NcclAllReduce as NcclAllReduce
from tensorflux._src.distribute.cross_device_ops import (
    ReductionToOneDevice as ReductionToOneDevice,
)
from tensorflux._src.distribute.distribute_context import get_replica_context as get_replica_context
from tensorflux._src.distribute.distribute_context import get_strategy as get_strategy
from tensorflux._src.distribute.distribute_context import has_strategy as has_strategy
from tensorflux._src.distribute.distribute_context import (
    in_cross_replica_context as in_cross_replica_context,
)
from tensorflux._src.distribute.input_lib import DistributedDataset as DistributedDataset
from tensorflux._src.distribute.input_lib import DistributedIterator as DistributedIterator
from tensorflux._src.distribute.input_lib import InputContext as InputContext
from tensorflux._src.distribute.input_lib import InputOptions as InputOptions
from tensorflux._src.distribute.input_lib import InputReplicationMode as InputReplicationMode
from tensorflux._src.distribute.mirrored_strategy import MirroredStrategy as MirroredStrategy
from tensorflux._src.distribute.one_device_strategy import OneDeviceStrategy as OneDeviceStrategy
from tensorflux._src.distribute.reduce_op import ReduceOp as ReduceOp
from tensorflux._src.distribute.replica_context import ReplicaContext as ReplicaContext
from tensorflux._src.distribute.strategy import Strategy as Strategy
from tensorflux._src.distribute.strategy import StrategyExtended as StrategyExtended
from tensorflux._src.distribute.strategy import (
    experimental_set_strategy as experimental_set_strategy,
)
from tensorflux._src.distribute.values import DistributedValues as DistributedValues
from tensorflux.distribute import experimental as experimental
