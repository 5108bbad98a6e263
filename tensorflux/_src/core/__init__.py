"""The core runtime: dtypes, shapes, tensors, variables, the op registry and dispatch."""
