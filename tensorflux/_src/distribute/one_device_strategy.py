"""`tf.distribute.OneDeviceStrategy`: everything on one named device, one replica.

Variables made in its scope are plain `tf.Variable`s on the device (as in TF); `run` calls the
function in a replica context on the device.

>>> strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
>>> strategy.run(lambda: tf.constant(1.0)).numpy()
np.float32(1.0)
"""

from __future__ import annotations

from tensorflux._src.distribute import cross_device_ops
from tensorflux._src.distribute.strategy import Strategy, StrategyExtended


class OneDeviceStrategy(Strategy):
    """Runs on the single device `device` (e.g. "/gpu:0" or "/cpu:0")."""

    def __init__(self, device):
        if not isinstance(device, str):
            raise TypeError(f"`device` must be a string, got {device!r}")
        super().__init__(StrategyExtended(self, (cross_device_ops._canonical(device),)))
