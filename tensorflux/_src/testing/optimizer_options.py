"""For tests: graph optimizer switches set while a `with` block runs, as they were after."""

from __future__ import annotations

import contextlib

from tensorflux._src.core import config


@contextlib.contextmanager
def optimizer_options(**switches):
    """Functions traced inside run with `switches` (`tf.config.optimizer` names) set.

    >>> with optimizer_options(remapping=False):
    ...     unfused = tf.function(lambda x: x * 2 + 1).get_concrete_function(tf.ones([2]))
    """
    saved = config.get_experimental_options()
    config.set_experimental_options(switches)
    try:
        yield
    finally:
        # A switch never set reads as its default: on, or off for the `disable_` ones.
        config.set_experimental_options(
            {name: saved.get(name, not name.startswith("disable_")) for name in switches}
        )
