"""The graph IR: nodes of registered ops over symbolic tensors, and its executor."""
