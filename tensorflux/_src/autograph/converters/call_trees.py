"""Calls → `ag__.converted_call(f, args, kwargs)`, so called user functions get converted too.

`print`, `range` and `len` (when not shadowed) become `ag__.print_`, `ag__.range_` and
`ag__.len_`. A zero-argument `super()` gets its class and instance spelled out, since converted
code lives outside the class body that gives `super()` its `__class__` cell.
"""

from __future__ import annotations

import ast

from tensorflux._src.autograph.converters import base
from tensorflux._src.autograph.pyct import activity, templates

BUILTINS = {"print": "print_", "range": "range_", "len": "len_"}


class CallTreeTransformer(base.Transformer):
    def __init__(self, ctx):
        super().__init__(ctx)
        function = ctx.function
        arguments = function.args
        self._local_names = set(activity.assigned_names(function.body)) | {
            argument.arg
            for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
        }

    def _is_builtin(self, name: str) -> bool:
        return (
            name not in self._local_names
            and name not in self.ctx.namespace
            and name not in self.ctx.free_names
        )

    def visit_Call(self, node):  # noqa: N802 - ast's visitor naming
        node = self.generic_visit(node)
        function = node.func
        if isinstance(function, ast.Attribute) and _is_ag(function.value):
            return node
        if isinstance(function, ast.Name):
            if function.id in BUILTINS and self._is_builtin(function.id):
                node.func = ast.Attribute(
                    value=ast.Name(id="ag__", ctx=ast.Load()), attr=BUILTINS[function.id],
                    ctx=ast.Load(),
                )  # fmt: skip
                return node
            if function.id == "super":
                return self._super(node)
        if not self.ctx.recursive:
            return node
        positional = ast.Tuple(elts=node.args, ctx=ast.Load())
        keywords = (
            ast.Dict(
                keys=[keyword.arg and ast.Constant(value=keyword.arg) for keyword in node.keywords],
                values=[keyword.value for keyword in node.keywords],
            )
            if node.keywords
            else ast.Constant(value=None)
        )
        return templates.replace_as_expression(
            "ag__.converted_call(function, args, kwargs)",
            function=function, args=positional, kwargs=keywords,
        )  # fmt: skip

    def _super(self, node: ast.Call) -> ast.Call:
        arguments = self.ctx.function.args
        first = (arguments.posonlyargs + arguments.args)[:1]
        if node.args or "__class__" not in self.ctx.free_names or not first:
            return node
        node.args = [
            ast.Name(id="__class__", ctx=ast.Load()),
            ast.Name(id=first[0].arg, ctx=ast.Load()),
        ]
        return node


def _is_ag(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "ag__"


def transform(node, ctx):
    return CallTreeTransformer(ctx).visit(node)
