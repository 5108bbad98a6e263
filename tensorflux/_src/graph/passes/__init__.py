"""Graph optimization passes, one per module; `pipeline.optimize` runs them in order."""
