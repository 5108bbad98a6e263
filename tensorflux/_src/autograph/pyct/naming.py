"""Fresh names that collide with nothing the user's function already uses."""

from __future__ import annotations

import ast


class Namer:
    """Hands out names unused in a tree: `base`, then `base_1`, `base_2`, ..."""

    def __init__(self, tree: ast.AST):
        self._used = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                self._used.add(node.id)
            elif isinstance(node, ast.arg):
                self._used.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                self._used.add(node.name)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                self._used.update(node.names)

    def new(self, base: str) -> str:
        name = base
        counter = 0
        while name in self._used:
            counter += 1
            name = f"{base}_{counter}"
        self._used.add(name)
        return name
