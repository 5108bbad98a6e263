"""The source map: generated nodes carry the location of the user code they stand for.

Converted code is compiled under the user's file name with the user's line numbers, so
tracebacks through it name the lines the user wrote.
"""

from __future__ import annotations

import ast

_FIELDS = ("lineno", "col_offset", "end_lineno", "end_col_offset")


def fill_locations(node: ast.AST, origin: ast.AST) -> ast.AST:
    """Gives every node under `node` that has no location the nearest located ancestor's one."""

    def visit(current: ast.AST, source: ast.AST) -> None:
        if "lineno" in current._attributes:
            if getattr(current, "lineno", None) is None:
                # One position, not the source's span: Python reports a call at the end line
                # of a multi-line callee, which would point past the user's statement.
                current.lineno = current.end_lineno = source.lineno
                current.col_offset = current.end_col_offset = source.col_offset
            else:
                source = current
        for child in ast.iter_child_nodes(current):
            visit(child, source)

    visit(node, origin)
    return node


def strip_locations(node: ast.AST) -> ast.AST:
    """Removes the locations of a parsed template so that `fill_locations` supplies the user's."""
    for current in ast.walk(node):
        for field in _FIELDS:
            if hasattr(current, field):
                setattr(current, field, None)
    return node
