"""tf.keras.datasets: the tf_keras dataset loaders (downloaded once with `get_file`, cached).

Each loader downloads from tf_keras's origin and checks tf_keras's pinned file hash. Setting the
environment variable `TENSORFLUX_KERAS_DATASETS_ORIGIN` to a base URL (used by the tests, with a
local server) makes every loader fetch `<base>/<file name>` instead, without the pinned hashes,
since such a mirror serves its own files.
"""
