"""tf.train: Example protos (and, as they land, checkpoints and training utilities).

The message classes are built on first use, so `import tensorflux` never imports protobuf.
"""

_EXAMPLE_MESSAGES = (
    "BytesList",
    "Example",
    "Feature",
    "FeatureList",
    "FeatureLists",
    "Features",
    "FloatList",
    "Int64List",
    "SequenceExample",
)


def __getattr__(name: str):
    if name in _EXAMPLE_MESSAGES:
        from tensorflux._src.proto import example_pb2

        return example_pb2.public_classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_EXAMPLE_MESSAGES])
