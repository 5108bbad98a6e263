"""Keras utilities (tf.keras.utils)."""
