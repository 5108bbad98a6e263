"""`a if test else b` → `ag__.if_exp(test, lambda: a, lambda: b)`."""

from __future__ import annotations

from tensorflux._src.autograph.converters import base
from tensorflux._src.autograph.pyct import templates


class ConditionalExpressionTransformer(base.Transformer):
    def visit_IfExp(self, node):  # noqa: N802 - ast's visitor naming
        node = self.generic_visit(node)
        return templates.replace_as_expression(
            "ag__.if_exp(test, lambda: body, lambda: orelse)",
            test=node.test, body=node.body, orelse=node.orelse,
        )  # fmt: skip


def transform(node, ctx):
    return ConditionalExpressionTransformer(ctx).visit(node)
