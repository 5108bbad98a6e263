"""`continue` → a flag set to True; the rest of the iteration runs only while it is False."""

from __future__ import annotations

import ast

from tensorflux._src.autograph.converters import base, jumps
from tensorflux._src.autograph.pyct import origin, templates


class ContinueTransformer(base.Transformer):
    def _visit_loop(self, node):
        node = self.generic_visit(node)
        if not jumps.contains(node.body, ast.Continue, into_loops=False):
            return node
        flag = self.ctx.namer.new("continue_")

        def replacement(statement):
            return [
                origin.fill_locations(s, statement) for s in templates.replace(f"{flag} = True")
            ]

        rewriter = jumps.JumpRewriter(ast.Continue, replacement, flag, into_loops=False)
        reset = origin.fill_locations(templates.replace(f"{flag} = False")[0], node.body[0])
        node.body = [reset, *rewriter.rewrite(node.body)]
        return node

    visit_While = _visit_loop  # noqa: N815 - ast's visitor naming
    visit_For = _visit_loop  # noqa: N815


def transform(node, ctx):
    return ContinueTransformer(ctx).visit(node)
