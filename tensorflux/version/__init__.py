"""tf.version: the TensorFlow API version tensorflux implements, and tensorflux's own."""

VERSION = "2.21.0"  # the TF API tensorflux follows; programs that check tf.__version__ read this
GIT_VERSION = "tensorflux"
COMPILER_VERSION = "none"
GRAPH_DEF_VERSION = 2146
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0
TENSORFLUX_VERSION = "0.1.0"
