"""AutoGraph: converts Python control flow in user functions into calls that build graph ops.

`pyct/` holds Python-code tools that know nothing about tensors, `converters/` one AST pass per
Python construct, `operators/` the runtime the converted code calls (as `ag__`), `transpiler.py`
runs the passes and compiles the result, and `api.py` holds the public `tf.autograph` functions.
"""
