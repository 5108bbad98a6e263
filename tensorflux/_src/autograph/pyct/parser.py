"""Source of a live function as an AST whose line numbers are those of the file it came from."""

from __future__ import annotations

import ast
import inspect
import textwrap


def parse_function(fn) -> tuple[ast.FunctionDef, str]:
    """The `def` node of `fn` and the file it was read from.

    Line numbers in the tree are the file's own, so code compiled from it (with the same file
    name) reports the user's lines in tracebacks.
    """
    lines, first_line = inspect.getsourcelines(fn)
    filename = inspect.getsourcefile(fn) or inspect.getfile(fn)
    source = "".join(lines)
    try:
        module = ast.parse(textwrap.dedent(source))
        line_shift = first_line - 1
        node = module.body[0]
    except SyntaxError:
        # A method whose body holds a less-indented multi-line string can't be dedented; nesting
        # it under an `if` keeps its indentation valid instead.
        module = ast.parse("if 1:\n" + source)
        line_shift = first_line - 2
        node = module.body[0].body[0]
    if not isinstance(node, ast.FunctionDef):
        raise TypeError(f"Can only convert functions defined with `def`, got {fn!r}.")
    ast.increment_lineno(node, line_shift)
    return node, filename
