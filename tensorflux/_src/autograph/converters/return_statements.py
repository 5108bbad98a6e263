"""`return` inside a branch or loop → `do_return`/`retval_` assignments and one final return.

Functions whose returns are all at the top level of their body are left as they are.
"""

from __future__ import annotations

import ast

from tensorflux._src.autograph.converters import context, jumps
from tensorflux._src.autograph.pyct import activity, origin, templates

_COMPOUND = (ast.If, ast.For, ast.While, ast.With, ast.Try)


def _has_nested_return(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(statement, _COMPOUND) and jumps.contains([statement], ast.Return, True)
        for statement in function.body
    )


def transform(node: ast.FunctionDef, ctx):
    if not _has_nested_return(node):
        return node
    flag = ctx.namer.new("do_return")
    retval = ctx.namer.new("retval_")

    def replacement(statement: ast.Return):
        value = statement.value if statement.value is not None else ast.Constant(value=None)
        return [
            origin.fill_locations(s, statement)
            for s in templates.replace(f"{flag} = True\n{retval} = value", value=value)
        ]

    for loop in activity.walk_scope(node):
        if isinstance(loop, (ast.For, ast.While)) and jumps.contains(loop.body, ast.Return, True):
            if isinstance(loop, ast.While):
                loop.test = ast.BoolOp(op=ast.And(), values=[context.flag_test(flag), loop.test])
            else:
                context.combine_extra_test(loop, context.flag_test(flag))
    body = jumps.JumpRewriter(ast.Return, replacement, flag, into_loops=True).rewrite(node.body)
    prologue = templates.replace(f"{flag} = False\n{retval} = ag__.UndefinedReturnValue()")
    epilogue = templates.replace(f"return ag__.retval({retval})")
    last = node.body[-1]
    node.body = [
        *(origin.fill_locations(s, node.body[0]) for s in prologue),
        *body,
        *(origin.fill_locations(s, last) for s in epilogue),
    ]
    return node
