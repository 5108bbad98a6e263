"""The logger tensorflux reports through: named "tensorflow", so TF users' settings apply."""

import logging

logger = logging.getLogger("tensorflow")


def get_logger() -> logging.Logger:
    """`tf.get_logger`: the logger tensorflux writes its warnings to.

    >>> tf.get_logger().name
    'tensorflow'
    """
    return logger
