"""`a and b`, `a or b`, `not a` → `ag__.and_(a, lambda: b)`, `ag__.or_(a, lambda: b)`, `ag__.not_(a)`.

The right operand stays lazy, as in Python.
"""

from __future__ import annotations

import ast

from tensorflux._src.autograph.converters import base
from tensorflux._src.autograph.pyct import templates


class LogicalExpressionTransformer(base.Transformer):
    def visit_BoolOp(self, node):  # noqa: N802 - ast's visitor naming
        node = self.generic_visit(node)
        function = "and_" if isinstance(node.op, ast.And) else "or_"
        result = node.values[-1]
        for operand in reversed(node.values[:-1]):
            result = templates.replace_as_expression(
                f"ag__.{function}(left, lambda: right)", left=operand, right=result
            )
        return result

    def visit_UnaryOp(self, node):  # noqa: N802
        node = self.generic_visit(node)
        if not isinstance(node.op, ast.Not):
            return node
        return templates.replace_as_expression("ag__.not_(operand)", operand=node.operand)


def transform(node, ctx):
    return LogicalExpressionTransformer(ctx).visit(node)
