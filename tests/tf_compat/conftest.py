"""The comparisons with real TensorFlow run against TF's reference CPU kernels: its oneDNN
kernels report some bad input with other error classes, and only the first TF import in the
process decides which kernels it uses."""

import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
