"""`assert test, message` → `ag__.assert_stmt(test, lambda: message)`."""

from __future__ import annotations

from tensorflux._src.autograph.converters import base
from tensorflux._src.autograph.pyct import origin, templates


class AssertTransformer(base.Transformer):
    def visit_Assert(self, node):  # noqa: N802 - ast's visitor naming
        if node.msg is None:
            statements = templates.replace("ag__.assert_stmt(test)", test=node.test)
        else:
            statements = templates.replace(
                "ag__.assert_stmt(test, lambda: message)", test=node.test, message=node.msg
            )
        return [origin.fill_locations(statement, node) for statement in statements]


def transform(node, ctx):
    return AssertTransformer(ctx).visit(node)
