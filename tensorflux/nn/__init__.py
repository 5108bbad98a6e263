"""tf.nn: neural-network ops."""
