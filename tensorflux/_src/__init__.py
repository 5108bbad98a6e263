"""tensorflux's implementation. Public names live in the `tensorflux` namespaces above."""
