"""tf.keras.preprocessing.sequence."""

from tensorflux._src.keras.utils.sequence_utils import pad_sequences as pad_sequences
