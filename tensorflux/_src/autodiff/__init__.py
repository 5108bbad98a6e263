"""Automatic differentiation: tapes, backprop over recorded ops, custom and forward-mode gradients."""
