"""Where Keras messages go: stdout while interactive logging is on (the default), else the
`tensorflow` Python logger at INFO level. The switch is per thread, as in tf_keras."""

import logging
import sys
import threading

_INTERACTIVE_LOGGING = threading.local()


def enable_interactive_logging():
    """Sends Keras messages (progress bars, "Found N files ...") to stdout."""
    _INTERACTIVE_LOGGING.enable = True


def disable_interactive_logging():
    """Sends Keras messages to the `tensorflow` logger instead of stdout."""
    _INTERACTIVE_LOGGING.enable = False


def is_interactive_logging_enabled():
    """Whether Keras messages go to stdout (True unless disabled in this thread).

    >>> tf.keras.utils.is_interactive_logging_enabled()
    True
    """
    return getattr(_INTERACTIVE_LOGGING, "enable", True)


def print_msg(message, line_break=True):
    """Writes `message` to stdout, or logs it when interactive logging is off."""
    if is_interactive_logging_enabled():
        sys.stdout.write(message + "\n" if line_break else message)
        sys.stdout.flush()
    else:
        logging.getLogger("tensorflow").info(message)
