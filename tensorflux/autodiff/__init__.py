"""tf.autodiff."""
