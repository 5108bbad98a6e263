"""Reads of variables that may still be `ag__.Undefined` → `ag__.ld(name)`, which raises Python's
UnboundLocalError for them, as the original function would."""

from __future__ import annotations

import ast

from tensorflux._src.autograph.converters import base
from tensorflux._src.autograph.pyct import origin, templates


class VariableTransformer(base.Transformer):
    def visit_Name(self, node):  # noqa: N802 - ast's visitor naming
        if (
            isinstance(node.ctx, ast.Load)
            and node.id in self.ctx.maybe_undefined
            and not getattr(node, "ag_no_ld", False)
        ):
            return ast.copy_location(
                templates.replace_as_expression("ag__.ld(name)", name=node.id), node
            )
        return node

    def visit_AugAssign(self, node):  # noqa: N802
        node = self.generic_visit(node)
        target = node.target
        if isinstance(target, ast.Name) and target.id in self.ctx.maybe_undefined:
            check = templates.replace(f"{target.id} = ag__.ld({target.id})")
            return [*(origin.fill_locations(s, node) for s in check), node]
        return node


def transform(node, ctx):
    return VariableTransformer(ctx).visit(node)
