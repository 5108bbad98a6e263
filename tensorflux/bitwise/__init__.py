"""tf.bitwise."""
