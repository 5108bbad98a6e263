"""GraphDef, NodeDef, AttrValue, TensorProto, TensorShapeProto, VersionDef and the function
library (FunctionDef, OpDef signatures), with TF's field numbers.

Built from descriptors at first use (no generated code, no protoc): `messages()["GraphDef"]`.
"""

from __future__ import annotations

import functools

# DataType values (types.proto): the enum every message here refers to.
DATA_TYPES = {
    "DT_INVALID": 0, "DT_FLOAT": 1, "DT_DOUBLE": 2, "DT_INT32": 3, "DT_UINT8": 4, "DT_INT16": 5,
    "DT_INT8": 6, "DT_STRING": 7, "DT_COMPLEX64": 8, "DT_INT64": 9, "DT_BOOL": 10,
    "DT_QINT8": 11, "DT_QUINT8": 12, "DT_QINT32": 13, "DT_BFLOAT16": 14, "DT_QINT16": 15,
    "DT_QUINT16": 16, "DT_UINT16": 17, "DT_COMPLEX128": 18, "DT_HALF": 19, "DT_RESOURCE": 20,
    "DT_VARIANT": 21, "DT_UINT32": 22, "DT_UINT64": 23, "DT_FLOAT8_E5M2": 24,
    "DT_FLOAT8_E4M3FN": 25,
}  # fmt: skip

PACKAGE = "tensorflux.proto"

# message -> [(field, number, type, label)], type a scalar name or a message/enum name;
# label "repeated", "map" (string keys, values of the type), or "" (singular). `oneof` groups below.
FIELDS = {
    "TensorShapeProto.Dim": [("size", 1, "int64", ""), ("name", 2, "string", "")],
    "TensorShapeProto": [("dim", 2, "TensorShapeProto.Dim", "repeated"), ("unknown_rank", 3, "bool", "")],
    "TensorProto": [
        ("dtype", 1, "DataType", ""), ("tensor_shape", 2, "TensorShapeProto", ""),
        ("version_number", 3, "int32", ""), ("tensor_content", 4, "bytes", ""),
        ("float_val", 5, "float", "repeated"), ("double_val", 6, "double", "repeated"),
        ("int_val", 7, "int32", "repeated"), ("string_val", 8, "bytes", "repeated"),
        ("scomplex_val", 9, "float", "repeated"), ("int64_val", 10, "int64", "repeated"),
        ("bool_val", 11, "bool", "repeated"), ("dcomplex_val", 12, "double", "repeated"),
        ("half_val", 13, "int32", "repeated"), ("uint32_val", 16, "uint32", "repeated"),
        ("uint64_val", 17, "uint64", "repeated"),
    ],
    "NameAttrList": [("name", 1, "string", ""), ("attr", 2, "AttrValue", "map")],
    "AttrValue.ListValue": [
        ("s", 2, "bytes", "repeated"), ("i", 3, "int64", "repeated"), ("f", 4, "float", "repeated"),
        ("b", 5, "bool", "repeated"), ("type", 6, "DataType", "repeated"),
        ("shape", 7, "TensorShapeProto", "repeated"), ("tensor", 8, "TensorProto", "repeated"),
        ("func", 9, "NameAttrList", "repeated"),
    ],
    "AttrValue": [
        ("list", 1, "AttrValue.ListValue", ""), ("s", 2, "bytes", ""), ("i", 3, "int64", ""),
        ("f", 4, "float", ""), ("b", 5, "bool", ""), ("type", 6, "DataType", ""),
        ("shape", 7, "TensorShapeProto", ""), ("tensor", 8, "TensorProto", ""),
        ("placeholder", 9, "string", ""), ("func", 10, "NameAttrList", ""),
    ],
    "NodeDef": [
        ("name", 1, "string", ""), ("op", 2, "string", ""), ("input", 3, "string", "repeated"),
        ("device", 4, "string", ""), ("attr", 5, "AttrValue", "map"),
    ],
    "VersionDef": [
        ("producer", 1, "int32", ""), ("min_consumer", 2, "int32", ""),
        ("bad_consumers", 3, "int32", "repeated"),
    ],
    "OpDef.ArgDef": [
        ("name", 1, "string", ""), ("description", 2, "string", ""), ("type", 3, "DataType", ""),
        ("type_attr", 4, "string", ""), ("number_attr", 5, "string", ""),
        ("type_list_attr", 6, "string", ""), ("is_ref", 16, "bool", ""),
    ],
    "OpDef": [
        ("name", 1, "string", ""), ("input_arg", 2, "OpDef.ArgDef", "repeated"),
        ("output_arg", 3, "OpDef.ArgDef", "repeated"), ("is_stateful", 17, "bool", ""),
    ],
    "FunctionDef": [
        ("signature", 1, "OpDef", ""), ("node_def", 3, "NodeDef", "repeated"),
        ("ret", 4, "string", "map"), ("attr", 5, "AttrValue", "map"),
    ],
    "FunctionDefLibrary": [("function", 1, "FunctionDef", "repeated")],
    "GraphDef": [
        ("node", 1, "NodeDef", "repeated"), ("library", 2, "FunctionDefLibrary", ""),
        ("version", 3, "int32", ""), ("versions", 4, "VersionDef", ""),
    ],
}  # fmt: skip
ONEOFS = {"AttrValue": ("value", [n for n, *_ in FIELDS["AttrValue"]])}


@functools.cache
def messages() -> dict:
    """The message classes by name ("GraphDef", "AttrValue.ListValue", ...)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    field = descriptor_pb2.FieldDescriptorProto
    scalar = {
        "int32": field.TYPE_INT32, "int64": field.TYPE_INT64, "uint32": field.TYPE_UINT32,
        "uint64": field.TYPE_UINT64, "float": field.TYPE_FLOAT, "double": field.TYPE_DOUBLE,
        "bool": field.TYPE_BOOL, "string": field.TYPE_STRING, "bytes": field.TYPE_BYTES,
    }  # fmt: skip
    file = descriptor_pb2.FileDescriptorProto(
        name="tensorflux/graph.proto", package=PACKAGE, syntax="proto3"
    )
    enum = file.enum_type.add(name="DataType")
    for name, number in DATA_TYPES.items():
        enum.value.add(name=name, number=number)
    protos: dict = {}
    for full_name in sorted(FIELDS, key=lambda n: n.count(".")):  # parents before nested
        parent, _, leaf = full_name.rpartition(".")
        owner = protos[parent].nested_type if parent else file.message_type
        protos[full_name] = owner.add(name=leaf)
    for full_name, fields in FIELDS.items():
        proto = protos[full_name]
        oneof = ONEOFS.get(full_name)
        if oneof:
            proto.oneof_decl.add(name=oneof[0])
        for name, number, kind, label in fields:
            entry = proto.field.add(name=name, number=number)
            entry.label = (
                field.LABEL_REPEATED if label in ("repeated", "map") else field.LABEL_OPTIONAL
            )
            if label == "map":  # map<string, kind>: a repeated nested entry message
                entry_name = "".join(p.capitalize() for p in name.split("_")) + "Entry"
                map_entry = proto.nested_type.add(name=entry_name)
                map_entry.options.map_entry = True
                map_entry.field.add(
                    name="key", number=1, type=field.TYPE_STRING, label=field.LABEL_OPTIONAL
                )
                value = map_entry.field.add(name="value", number=2, label=field.LABEL_OPTIONAL)
                if kind in scalar:
                    value.type = scalar[kind]
                else:
                    value.type, value.type_name = field.TYPE_MESSAGE, f".{PACKAGE}.{kind}"
                entry.type, entry.type_name = (
                    field.TYPE_MESSAGE,
                    f".{PACKAGE}.{full_name}.{entry_name}",
                )
            elif kind in scalar:
                entry.type = scalar[kind]
            elif kind == "DataType":
                entry.type, entry.type_name = field.TYPE_ENUM, f".{PACKAGE}.DataType"
            else:
                entry.type, entry.type_name = field.TYPE_MESSAGE, f".{PACKAGE}.{kind}"
            if oneof and name in oneof[1]:
                entry.oneof_index = 0
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{PACKAGE}.{name}"))
        for name in FIELDS
    }
