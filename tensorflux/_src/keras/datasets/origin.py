"""Where the dataset loaders download from, and which hash they check.

`TENSORFLUX_KERAS_DATASETS_ORIGIN`, when set, replaces tf_keras's origins: a loader that would
fetch `https://host/path/file.ext` fetches `<base>/file.ext`, and skips the pinned hash.
"""

import os
import posixpath
import urllib.parse

ORIGIN_ENV_VAR = "TENSORFLUX_KERAS_DATASETS_ORIGIN"

TF_KERAS_DATASETS_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def resolve(default_origin, file_hash=None):
    """Returns `(origin, file_hash)`: the defaults, or the override's URL and no hash."""
    base = os.environ.get(ORIGIN_ENV_VAR)
    if not base:
        return default_origin, file_hash
    filename = posixpath.basename(urllib.parse.urlsplit(default_origin).path)
    return base.rstrip("/") + "/" + filename, None


def prepare_cache_dir(cache_dir):
    """Expands and creates a user-given cache folder; None stays None (the Keras home)."""
    if cache_dir:
        cache_dir = os.path.expanduser(cache_dir)
        os.makedirs(cache_dir, exist_ok=True)
    return cache_dir
