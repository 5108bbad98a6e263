"""Reading configs written by Keras 3: rewrites them into the tf_keras 2.x form tensorflux reads.

Keras 3 differs in: functional inbound nodes (`{"args": [keras tensors], "kwargs": {}}` with
`keras_history` instead of `[layer, node, tensor, kwargs]` lists), single input/output refs
written flat (`["x", 0, 0]`), `batch_shape` for `batch_input_shape`, DTypePolicy dicts for dtype
names, `shared_object_id` markers, and arguments tf_keras does not have (written as None).
"""

from __future__ import annotations

# Keras-3-only arguments, dropped when they hold their "off" value (None).
_KERAS3_ONLY_ARGUMENTS = frozenset(
    (
        "quantization_config",
        "lora_rank",
        "lora_alpha",
        "input_axes",
        "output_axes",
        "loss_scale_factor",
        "gradient_accumulation_steps",
    )
)


def is_keras3(keras_version) -> bool:
    return str(keras_version).split(".")[0] == "3"


def convert_config(value):
    """`value` (any part of a Keras 3 config) in tf_keras's form."""
    if isinstance(value, list):
        return [convert_config(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("class_name") in ("DTypePolicy", "FloatDTypePolicy") and isinstance(
        value.get("config"), dict
    ):
        name = value["config"].get("name")
        return (
            name
            if name in ("float16", "float32", "float64", "bfloat16")
            else {
                "module": "keras.mixed_precision",
                "class_name": "Policy",
                "config": {"name": name},
                "registered_name": None,
            }
        )
    converted = {}
    for key, item in value.items():
        if key == "shared_object_id" or (key in _KERAS3_ONLY_ARGUMENTS and item is None):
            continue
        converted[key] = convert_config(item)
    inner = converted.get("config")
    if isinstance(inner, dict):
        if converted.get("class_name") == "InputLayer" and "batch_shape" in inner:
            inner["batch_input_shape"] = inner.pop("batch_shape")
        if "inbound_nodes" in converted:
            converted["inbound_nodes"] = [_convert_node(n) for n in converted["inbound_nodes"]]
        if "input_layers" in inner and "output_layers" in inner:
            inner["input_layers"] = _as_ref_list(inner["input_layers"])
            inner["output_layers"] = _as_ref_list(inner["output_layers"])
        if converted.get("class_name") == "Sequential":
            inner.pop("dtype", None)
    return converted


def _is_ref(value) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], int)
    )


def _as_ref_list(refs):
    """Keras 3 writes a single input or output as one flat ref; tf_keras always as a list."""
    return [refs] if _is_ref(refs) else refs


def _history(value):
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        return list(value["config"]["keras_history"])
    return None


def _convert_node(node):
    """`{"args": [...], "kwargs": {...}}` -> `[[layer, node, tensor, kwargs], ...]`."""
    if not isinstance(node, dict):
        return node
    args = node.get("args", [])
    kwargs = {}
    for key, item in node.get("kwargs", {}).items():
        history = _history(item)
        kwargs[key] = history if history is not None else convert_config(item)
    first = args[0] if args else None
    extra = [_plain_arg(a) for a in args[1:]]
    if extra:
        kwargs["__extra_args__"] = extra
    tensors = [_history(t) for t in (first if isinstance(first, list) else [first])]
    entries = [[*ref, {}] for ref in tensors if ref is not None]
    if entries:
        entries[-1][3] = kwargs
    return entries


def _plain_arg(value):
    history = _history(value)
    if history is not None:
        return history
    if isinstance(value, list):
        return [_plain_arg(v) for v in value]
    return convert_config(value)
