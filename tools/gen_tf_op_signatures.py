"""Writes tensorflux/_src/graph/tf_op_signatures.py: TF's signature of every op tensorflux registers.

A GraphDef node must carry the attrs TF's OpDef declares, among them the ones TF infers from
the inputs (`T`, `N`, `Tidx`...) that our nodes leave implicit, and no others. The table holds,
per op, TF's input and output arguments (with the type attr, fixed type, count attr or type
list each takes), the names of its attrs and the keyword parameters of `tf.raw_ops.<Op>`, read
from real TensorFlow's op registry. Run it with the TensorFlow venv, from the repository root:

    /work/tfvenv/bin/python tools/gen_tf_op_signatures.py
"""

from __future__ import annotations

import inspect
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tensorflow as tf  # noqa: E402
from tensorflow.python.framework import op_def_registry  # noqa: E402

import tensorflux  # noqa: E402 - registers the ops
import tensorflux.keras  # noqa: E402, F401 - and Keras's
from tensorflux._src.core import registry  # noqa: E402

OUTPUT = ROOT / "tensorflux/_src/graph/tf_op_signatures.py"
HEADER = '''"""TF's signatures of the ops tensorflux registers (generated: do not edit by hand).

Written by tools/gen_tf_op_signatures.py from TensorFlow {version}'s op registry. Per op: its
input arguments, its output arguments, the names of its attrs, and the keyword parameters of
`tf.raw_ops.<Op>` in order. An argument is `name:kind`, the kind one of: a dtype (`int32`), a
type attr (`T`), a list of a type attr or a dtype with a count attr (`N*T`, `N*int64`), or a
type-list attr (`[Tout]`). A parameter is its Python name, then `:` and the argument or attr it
sets where TF's Python layer renames it, then `=` if it has a default.
"""

SIGNATURES = {{
'''


def _arg(arg) -> str:
    if arg.type_list_attr:
        kind = f"[{arg.type_list_attr}]"
    else:
        kind = arg.type_attr or tf.dtypes.as_dtype(arg.type).name
        if arg.number_attr:
            kind = f"{arg.number_attr}*{kind}"
    return f"{arg.name}:{kind}"


def _raw_op_parameters(op_def, function) -> list[str]:
    """`tf.raw_ops.<Op>`'s keyword parameters: the inputs in order, then the attrs a caller sets
    (those not inferred from the inputs), renamed where TF's Python layer renames them."""
    parameters = [p for p in inspect.signature(function).parameters.values() if p.name != "name"]
    inputs = [a.name for a in op_def.input_arg]
    inferred = {a.type_attr or a.type_list_attr for a in op_def.input_arg}
    inferred |= {a.number_attr for a in op_def.input_arg}
    settable = [a.name for a in op_def.attr if a.name not in inferred]
    unmatched = [a for a in settable if a not in {p.name for p in parameters[len(inputs) :]}]
    described = []
    for index, parameter in enumerate(parameters):
        if index < len(inputs):
            target = inputs[index]
        elif parameter.name in settable:
            target = parameter.name
        else:
            target = unmatched.pop(0)
        text = parameter.name if target == parameter.name else f"{parameter.name}:{target}"
        optional = parameter.default is not inspect.Parameter.empty
        described.append(text + ("=" if optional else ""))
    return described


def main() -> None:
    lines = [HEADER.format(version=tf.__version__)]
    for name in sorted(registry.registered_ops()):
        op_def = op_def_registry.get(name)
        if op_def is None:  # ours alone (lowered before a GraphDef is written)
            continue
        inputs = " ".join(_arg(a) for a in op_def.input_arg)
        outputs = " ".join(_arg(a) for a in op_def.output_arg)
        attrs = " ".join(a.name for a in op_def.attr)
        parameters = " ".join(_raw_op_parameters(op_def, getattr(tf.raw_ops, name)))
        line = f'    "{name}": ("{inputs}", "{outputs}", "{attrs}", "{parameters}"),\n'
        if len(line) > 101:  # as ruff formats it: one part per line
            fields = (inputs, outputs, attrs, parameters)
            parts = "".join(f'        "{part}",\n' for part in fields)
            line = f'    "{name}": (\n{parts}    ),\n'
        lines.append(line)
    lines.append("}\n")
    OUTPUT.write_text("".join(lines))
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(lines) - 2} ops")


if __name__ == "__main__":
    main()
