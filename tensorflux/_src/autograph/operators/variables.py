"""Placeholders for variables that have no value yet, and the checks on reading them."""

from __future__ import annotations


class Undefined:
    """The value of a variable that a branch or loop may define but that is not defined yet."""

    __slots__ = ("error", "symbol_name")

    def __init__(self, symbol_name: str, error=None):
        self.symbol_name = symbol_name
        # (class, message, note) of the error a read raises instead of UnboundLocalError: set
        # when only one branch of a traced `if` defined the variable, which is an error only if
        # the variable is read afterwards.
        self.error = error

    def __repr__(self):
        return f"Undefined({self.symbol_name!r})"


class UndefinedReturnValue:
    """The return value of a converted function before any `return` ran."""

    __slots__ = ()

    def __repr__(self):
        return "UndefinedReturnValue()"


def ld(value):
    """A read of a variable that may be undefined: raises Python's error when it is."""
    if isinstance(value, Undefined):
        if value.error is not None:
            error_type, message, note = value.error
            error = error_type(message)
            error.add_note(note)
            raise error
        raise UnboundLocalError(
            f"cannot access local variable '{value.symbol_name}' where it is not associated "
            "with a value"
        )
    return value


def retval(value):
    """The value a converted function returns: None when no `return` ran."""
    return None if isinstance(value, UndefinedReturnValue) else value
