"""Rewrites jumps (break, continue, return) into flag assignments and guards the code after them.

Shared by the break, continue and return passes. After a statement that may set the flag, the
rest of the block runs under `if not flag:`; when one branch of an `if` always jumps, the rest
of the block moves into the other branch instead, so both branches of a tensor condition define
the same values.
"""

from __future__ import annotations

import ast

from tensorflux._src.autograph.converters import context

NEVER, MAYBE, ALWAYS = 0, 1, 2
_LOOPS = (ast.For, ast.While)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class JumpRewriter:
    """Rewrites one kind of jump in a block.

    `jump_type` is the statement class, `replacement(stmt)` the statements that stand for it,
    `flag` the name tested by guards, and `into_loops` whether jumps in nested loops count (true
    for return, false for break and continue, which belong to their innermost loop).
    """

    def __init__(self, jump_type, replacement, flag: str, into_loops: bool):
        self._jump_type = jump_type
        self._replacement = replacement
        self._flag = flag
        self._into_loops = into_loops

    def kind(self, statements) -> int:
        """Whether the block never, maybe or always jumps."""
        result = NEVER
        for statement in statements:
            statement_kind = self._statement_kind(statement)
            if statement_kind == ALWAYS:
                return ALWAYS
            result = max(result, statement_kind)
        return result

    def _statement_kind(self, statement) -> int:
        if isinstance(statement, self._jump_type):
            return ALWAYS
        if isinstance(statement, ast.If):
            body, orelse = self.kind(statement.body), self.kind(statement.orelse)
            return ALWAYS if body == orelse == ALWAYS else min(MAYBE, max(body, orelse))
        if isinstance(statement, ast.With):
            return self.kind(statement.body)
        if isinstance(statement, ast.Try):
            blocks = [statement.body, statement.orelse, statement.finalbody]
            blocks += [handler.body for handler in statement.handlers]
            return min(MAYBE, max(self.kind(block) for block in blocks))
        if isinstance(statement, _LOOPS) and self._into_loops:
            return min(MAYBE, self.kind(statement.body))
        return NEVER

    def rewrite(self, statements) -> list[ast.stmt]:
        """The block with its jumps replaced and the code after them guarded."""
        out = []
        for index, statement in enumerate(statements):
            if isinstance(statement, self._jump_type):
                out.extend(self._replacement(statement))
                return out
            statement_kind = self._statement_kind(statement)
            if statement_kind == NEVER:
                out.append(statement)
                continue
            rest = statements[index + 1 :]
            if isinstance(statement, ast.If):
                body, orelse = self.kind(statement.body), self.kind(statement.orelse)
                if body == ALWAYS and orelse != ALWAYS:
                    statement.body = self.rewrite(statement.body)
                    statement.orelse = self.rewrite(statement.orelse + rest)
                    out.append(statement)
                    return out
                if orelse == ALWAYS and body != ALWAYS:
                    statement.orelse = self.rewrite(statement.orelse)
                    statement.body = self.rewrite(statement.body + rest)
                    out.append(statement)
                    return out
            self._rewrite_inside(statement)
            out.append(statement)
            if statement_kind == ALWAYS or not rest:
                return out
            guard = ast.If(test=context.flag_test(self._flag), body=self.rewrite(rest), orelse=[])
            out.append(ast.copy_location(guard, rest[0]))
            return out
        return out

    def _rewrite_inside(self, statement) -> None:
        if isinstance(statement, ast.If):
            statement.body = self.rewrite(statement.body)
            statement.orelse = self.rewrite(statement.orelse)
        elif isinstance(statement, (ast.With, *_LOOPS)):
            statement.body = self.rewrite(statement.body)
        elif isinstance(statement, ast.Try):
            statement.body = self.rewrite(statement.body)
            statement.orelse = self.rewrite(statement.orelse)
            statement.finalbody = self.rewrite(statement.finalbody)
            for handler in statement.handlers:
                handler.body = self.rewrite(handler.body)


def contains(statements, jump_type, into_loops: bool) -> bool:
    """Whether a jump of `jump_type` that belongs to this block occurs in it."""
    stack = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, jump_type):
            return True
        if isinstance(node, (*_SCOPES, ast.Lambda)):
            continue
        if isinstance(node, _LOOPS) and not into_loops:
            stack.extend(node.orelse)
            continue
        stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.AST))
    return False
