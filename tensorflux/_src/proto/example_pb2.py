"""tf.train.Example and SequenceExample (example.proto, feature.proto) with TF's field numbers.

Built from descriptors at first use (no generated code, no protoc), in package
`tensorflux.proto` so a real TensorFlow can share the process: `example_pb2.Example`,
`messages()["Feature"]`. Only field numbers and wire types reach the wire, so TF reads what
these write and the other way round.
"""

from __future__ import annotations

import functools

PACKAGE = "tensorflux.proto"

# message -> [(field, number, type, label)]: type a scalar or a message name; label "repeated",
# "map" (map<string, type>) or "" (singular). Repeated scalars of proto3 are packed on the wire.
FIELDS = {
    "BytesList": [("value", 1, "bytes", "repeated")],
    "FloatList": [("value", 1, "float", "repeated")],
    "Int64List": [("value", 1, "int64", "repeated")],
    "Feature": [
        ("bytes_list", 1, "BytesList", ""),
        ("float_list", 2, "FloatList", ""),
        ("int64_list", 3, "Int64List", ""),
    ],
    "Features": [("feature", 1, "Feature", "map")],
    "FeatureList": [("feature", 1, "Feature", "repeated")],
    "FeatureLists": [("feature_list", 1, "FeatureList", "map")],
    "Example": [("features", 1, "Features", "")],
    "SequenceExample": [
        ("context", 1, "Features", ""),
        ("feature_lists", 2, "FeatureLists", ""),
    ],
}
ONEOFS = {"Feature": "kind"}  # every field of these messages is in the one oneof
NAMES = tuple(FIELDS)


@functools.cache
def messages() -> dict:
    """The message classes by name ("Example", "Feature", ...)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    field_proto = descriptor_pb2.FieldDescriptorProto
    scalar = {
        "bytes": field_proto.TYPE_BYTES,
        "float": field_proto.TYPE_FLOAT,
        "int64": field_proto.TYPE_INT64,
        "string": field_proto.TYPE_STRING,
    }
    optional, repeated = field_proto.LABEL_OPTIONAL, field_proto.LABEL_REPEATED
    file = descriptor_pb2.FileDescriptorProto(
        name="tensorflux/example.proto", package=PACKAGE, syntax="proto3"
    )
    for message_name, fields in FIELDS.items():
        proto = file.message_type.add(name=message_name)
        if message_name in ONEOFS:
            proto.oneof_decl.add(name=ONEOFS[message_name])
        for name, number, kind, label in fields:
            entry = proto.field.add(name=name, number=number)
            entry.label = optional if label == "" else repeated
            if message_name in ONEOFS:
                entry.oneof_index = 0
            if label == "map":  # map<string, kind>: a repeated nested entry message
                entry_name = "".join(part.capitalize() for part in name.split("_")) + "Entry"
                map_entry = proto.nested_type.add(name=entry_name)
                map_entry.options.map_entry = True
                map_entry.field.add(
                    name="key", number=1, type=field_proto.TYPE_STRING, label=optional
                )
                map_entry.field.add(
                    name="value",
                    number=2,
                    label=optional,
                    type=field_proto.TYPE_MESSAGE,
                    type_name=f".{PACKAGE}.{kind}",
                )
                entry.type = field_proto.TYPE_MESSAGE
                entry.type_name = f".{PACKAGE}.{message_name}.{entry_name}"
            elif kind in scalar:
                entry.type = scalar[kind]
            else:
                entry.type, entry.type_name = field_proto.TYPE_MESSAGE, f".{PACKAGE}.{kind}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{PACKAGE}.{name}"))
        for name in NAMES
    }


class _ListFactory(type):
    """The public FloatList/Int64List/BytesList: a constructor in front of the message class.

    upb converts a NumPy array element by element through `__float__`/`__index__` (about 100 us
    for 784 floats); `ndarray.tolist()` does it in C first, 5x faster for the common
    `FloatList(value=array)`. Everything else (isinstance, FromString, DESCRIPTOR) is the
    message class's.
    """

    def __call__(cls, *args, **kwargs):
        value = kwargs.get("value")
        if value is not None and hasattr(value, "tolist"):
            kwargs["value"] = value.tolist()
        return cls._message_class(*args, **kwargs)

    def __instancecheck__(cls, instance) -> bool:
        return isinstance(instance, cls._message_class)

    def __subclasscheck__(cls, subclass) -> bool:
        return issubclass(subclass, cls._message_class)

    def __getattr__(cls, name):
        return getattr(cls._message_class, name)

    def __repr__(cls):
        return repr(cls._message_class)


@functools.cache
def public_classes() -> dict:
    """The classes tf.train exposes: the messages, with fast NumPy-taking list constructors."""
    classes = dict(messages())
    for name in ("BytesList", "FloatList", "Int64List"):
        message_class = classes[name]
        classes[name] = _ListFactory(
            name, (), {"_message_class": message_class, "__doc__": message_class.__doc__}
        )
    return classes


def __getattr__(name: str):
    if name in FIELDS:
        return messages()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
