"""tf.debugging."""
