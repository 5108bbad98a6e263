"""The one-time log of whether this machine's GPUs run the 'mixed_float16' policy quickly.

Float16 math is fast only on Nvidia GPUs of compute capability 7.0 or more; the first
'mixed_float16' policy of a process logs whether the machine has such GPUs, as tf_keras does.
"""

from __future__ import annotations

import itertools

from tensorflux._src.core import config, log

_PREFIX = "Mixed precision compatibility check (mixed_float16): "
_SUFFIX = (
    "If you will use compatible GPU(s) not attached to this host, e.g. by running a "
    "multi-worker model, you can ignore this warning. This message will only be logged once"
)
_logged = False


def _grouped(device_names):
    """Runs of the same name merged: ['A', 'B', 'B'] -> ['A', 'B (x2)']."""
    grouped = []
    for name, run in itertools.groupby(device_names):
        count = len(list(run))
        grouped.append(name if count == 1 else f"{name} (x{count})")
    return grouped


def _describe(details) -> tuple[str, bool]:
    """A GPU as the log names it, and whether it runs float16 quickly."""
    name = details.get("device_name", "Unknown GPU")
    capability = details.get("compute_capability")
    if not capability:
        return f"{name}, no compute capability (probably not an Nvidia GPU)", False
    major, minor = capability
    return f"{name}, compute capability {major}.{minor}", tuple(capability) >= (7, 0)


def _report(gpu_details) -> None:
    described = [_describe(details) for details in gpu_details]
    fast = [name for name, ok in described if ok]
    slow = [name for name, ok in described if not ok]
    logger = log.logger
    if not described:
        logger.warning(
            "%sWARNING\nThe dtype policy mixed_float16 may run slowly because this machine does "
            "not have a GPU. Only Nvidia GPUs with compute capability of at least 7.0 run "
            "quickly with mixed_float16.\n%s",
            _PREFIX,
            _SUFFIX,
        )
    elif slow:
        if fast:
            intro = (
                "Some of your GPUs may run slowly with dtype policy mixed_float16 because they "
                "do not all have compute capability of at least 7.0. Your GPUs:\n"
            )
        elif len(slow) == 1:
            intro = (
                "Your GPU may run slowly with dtype policy mixed_float16 because it does not "
                "have compute capability of at least 7.0. Your GPU:\n"
            )
        else:
            intro = (
                "Your GPUs may run slowly with dtype policy mixed_float16 because they do not "
                "have compute capability of at least 7.0. Your GPUs:\n"
            )
        devices = "".join(f"  {name}\n" for name in _grouped(fast + slow))
        logger.warning(
            "%sWARNING\n%s%sSee https://developer.nvidia.com/cuda-gpus for a list of GPUs and "
            "their compute capabilities.\n%s",
            _PREFIX,
            intro,
            devices,
            _SUFFIX,
        )
    elif len(fast) == 1:
        logger.info(
            "%sOK\nYour GPU will likely run quickly with dtype policy mixed_float16 as it has "
            "compute capability of at least 7.0. Your GPU: %s",
            _PREFIX,
            fast[0],
        )
    else:
        logger.info(
            "%sOK\nYour GPUs will likely run quickly with dtype policy mixed_float16 as they all "
            "have compute capability of at least 7.0",
            _PREFIX,
        )


def log_device_compatibility_check(policy_name) -> None:
    """On its first call, logs whether the GPUs suit 'mixed_float16' (nothing for other
    policies: the first mixed policy of a process decides, as in tf_keras)."""
    global _logged
    if _logged:
        return
    _logged = True
    if policy_name != "mixed_float16":
        return
    gpus = config.list_physical_devices("GPU")
    _report([config.get_device_details(gpu) for gpu in gpus])
