"""What the passes share while converting one function."""

from __future__ import annotations

import ast
import dataclasses

from tensorflux._src.autograph.pyct import naming


@dataclasses.dataclass
class Context:
    """The function being converted and facts the passes hand each other.

    `namespace` is the function's globals (to tell shadowed builtins apart), `namer` hands out
    fresh names, and `maybe_undefined` collects the names the control-flow pass bound to
    `ag__.Undefined`, whose reads the variables pass checks.
    """

    function: ast.FunctionDef
    namespace: dict
    free_names: tuple
    recursive: bool = True
    namer: naming.Namer = None
    maybe_undefined: set = dataclasses.field(default_factory=set)
    global_names: set = dataclasses.field(default_factory=set)

    def __post_init__(self):
        if self.namer is None:
            self.namer = naming.Namer(self.function)


def flag_test(flag: str) -> ast.expr:
    """`not flag`, the test that guards code after a rewritten break, continue or return."""
    return ast.UnaryOp(op=ast.Not(), operand=ast.Name(id=flag, ctx=ast.Load()))


def combine_extra_test(loop: ast.For, test: ast.expr) -> None:
    """Adds `test` (checked first) to the condition a `for` loop re-checks before each step."""
    existing = getattr(loop, "ag_extra_test", None)
    loop.ag_extra_test = (
        test if existing is None else ast.BoolOp(op=ast.And(), values=[test, existing])
    )
