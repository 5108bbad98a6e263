"""tf.function: tracing Python functions into graphs, the trace cache, ConcreteFunction."""
