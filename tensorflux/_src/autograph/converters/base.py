"""The base of the passes: a NodeTransformer that stays out of user functions nested inside."""

from __future__ import annotations

import ast

from tensorflux._src.autograph.pyct import activity


class Transformer(ast.NodeTransformer):
    """Visits the converted function's own scope: its body and the bodies AutoGraph generated.

    Nested user functions are converted on their own when called, so they are left alone.
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self._entered = False

    def visit_FunctionDef(self, node):
        if self._entered and not activity.is_generated(node):
            return node
        self._entered = True
        return self.generic_visit(node)

    def visit_ClassDef(self, node):
        return node
