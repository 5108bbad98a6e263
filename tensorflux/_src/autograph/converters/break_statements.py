"""`break` → a flag set to True; the rest of the iteration is guarded and the loop tests the flag.

A loop's `else` block moves after the loop, run only when no break happened.
"""

from __future__ import annotations

import ast

from tensorflux._src.autograph.converters import base, context, jumps
from tensorflux._src.autograph.pyct import origin, templates


class BreakTransformer(base.Transformer):
    def _visit_loop(self, node):
        node = self.generic_visit(node)
        orelse, node.orelse = node.orelse, []
        if not jumps.contains(node.body, ast.Break, into_loops=False):
            return [node, *orelse]
        flag = self.ctx.namer.new("break_")

        def replacement(statement):
            return [
                origin.fill_locations(s, statement) for s in templates.replace(f"{flag} = True")
            ]

        node.body = jumps.JumpRewriter(ast.Break, replacement, flag, into_loops=False).rewrite(
            node.body
        )
        if isinstance(node, ast.While):
            node.test = ast.BoolOp(op=ast.And(), values=[context.flag_test(flag), node.test])
        else:
            context.combine_extra_test(node, context.flag_test(flag))
        result = [*templates.replace(f"{flag} = False"), node]
        if orelse:
            result.append(ast.If(test=context.flag_test(flag), body=orelse, orelse=[]))
        return [origin.fill_locations(statement, node) for statement in result]

    visit_While = _visit_loop  # noqa: N815 - ast's visitor naming
    visit_For = _visit_loop  # noqa: N815


def transform(node, ctx):
    return BreakTransformer(ctx).visit(node)
