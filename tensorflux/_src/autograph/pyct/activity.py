"""Which names a piece of code binds, staying out of the scopes nested inside it."""

from __future__ import annotations

import ast

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def is_generated(node: ast.AST) -> bool:
    """True for functions AutoGraph wrote (branch and loop bodies), which share the user's scope."""
    return getattr(node, "ag_generated", False)


def _bound_by(node: ast.AST, names: dict) -> None:
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        names.setdefault(node.id, None)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names.setdefault(node.name, None)
        if not is_generated(node):
            return
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            names.setdefault((alias.asname or alias.name).split(".")[0], None)
    elif isinstance(node, ast.ExceptHandler) and node.name:
        names.setdefault(node.name, None)
    elif isinstance(node, (ast.Lambda, *_COMPREHENSIONS)):
        return
    for child in ast.iter_child_nodes(node):
        _bound_by(child, names)


def assigned_names(nodes) -> list[str]:
    """Names bound by `nodes` (statements or expressions), in order of first binding."""
    names: dict = {}
    for node in nodes:
        _bound_by(node, names)
    return list(names)


def subscripted_names(nodes) -> list[str]:
    """Names whose items `nodes` assign (`d[k] = v`, `rows[i][j] += 1`: `d`, `rows`), in order
    of first assignment, outside nested functions, lambdas and comprehensions."""
    names: dict = {}
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            base = node.value
            while isinstance(base, ast.Subscript):
                base = base.value
            if isinstance(base, ast.Name):
                names.setdefault(base.id, None)
        if isinstance(node, (*_SCOPES, *_COMPREHENSIONS)) and not is_generated(node):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return list(names)


def declared_globals(function: ast.FunctionDef) -> set[str]:
    """Names the function's own body declares `global`."""
    found = set()
    stack = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Global):
            found.update(node.names)
        elif not isinstance(node, _SCOPES):
            stack.extend(ast.iter_child_nodes(node))
    return found


def walk_scope(node: ast.AST):
    """Every node of `node`'s own scope: nested user functions, classes and lambdas excluded."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if isinstance(child, _SCOPES) and not is_generated(child):
                continue
            stack.append(child)
