"""tf.keras.callbacks (tf_keras 2.x semantics): one callback class per module."""
