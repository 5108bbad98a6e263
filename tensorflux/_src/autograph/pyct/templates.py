"""Code templates: Python source with placeholder names, filled in with AST nodes.

    templates.replace("target = ag__.ld(value)", target=name_node, value=expr_node)

A placeholder name is replaced by a string (renames it), an expression node (copied, with its
load/store context set to the placeholder's), or, when it stands alone as a statement, a list of
statements spliced in its place. Template nodes get no location of their own; callers give them
the user's with `origin.fill_locations`.
"""

from __future__ import annotations

import ast
import copy
import textwrap

from tensorflux._src.autograph.pyct import origin


def _with_context(node: ast.expr, ctx: ast.expr_context) -> ast.expr:
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Starred)):
        node.ctx = ctx
    if isinstance(node, (ast.Tuple, ast.List)):
        node.ctx = ctx
        for element in node.elts:
            _with_context(element, ctx)
    if isinstance(node, ast.Starred):
        _with_context(node.value, ctx)
    return node


class _Replacer(ast.NodeTransformer):
    def __init__(self, replacements: dict):
        self._replacements = replacements

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Name) and isinstance(
            self._replacements.get(node.value.id), list
        ):
            return [copy.deepcopy(statement) for statement in self._replacements[node.value.id]]
        return self.generic_visit(node)

    def visit_Name(self, node):
        if node.id not in self._replacements:
            return node
        value = self._replacements[node.id]
        if isinstance(value, str):
            node.id = value
            return node
        return _with_context(copy.deepcopy(value), node.ctx)

    def visit_FunctionDef(self, node):
        value = self._replacements.get(node.name)
        if isinstance(value, str):
            node.name = value
        for argument in node.args.args:
            value = self._replacements.get(argument.arg)
            if isinstance(value, str):
                argument.arg = value
        return self.generic_visit(node)


def replace(template: str, **replacements) -> list[ast.stmt]:
    """The statements of `template` with its placeholder names replaced."""
    module = origin.strip_locations(ast.parse(textwrap.dedent(template)))
    statements = []
    for statement in module.body:
        result = _Replacer(replacements).visit(statement)
        statements.extend(result if isinstance(result, list) else [result])
    return statements


def replace_as_expression(template: str, **replacements) -> ast.expr:
    """The single expression `template` stands for, with its placeholders replaced."""
    (statement,) = replace(template, **replacements)
    return statement.value
