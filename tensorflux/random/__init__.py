"""tf.random."""
