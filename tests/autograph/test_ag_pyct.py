"""pyct: parsing with the file's line numbers, templates, binding analysis, fresh names."""

import ast
import inspect

import pytest

from tensorflux._src.autograph.pyct import activity, naming, origin, parser, templates


class Holder:
    def method(self, x):
        text = """
no indentation here
"""
        return text, x


def sample(a, b=1):
    c = a + b
    for i in range(c):
        (d, [e]) = i, [i]  # noqa: F841 - bindings the analysis must find
    import os.path as p

    def inner():
        hidden = 1
        return hidden

    return [k for k in range(3)], p, inner


def test_parse_keeps_file_lines():
    node, filename = parser.parse_function(sample)
    assert filename == __file__
    assert node.lineno == inspect.getsourcelines(sample)[1]
    assert node.body[0].lineno == node.lineno + 1


def test_parse_method_with_undented_string():
    node, _ = parser.parse_function(Holder.method)
    assert node.name == "method"
    assert node.lineno == inspect.getsourcelines(Holder.method)[1]


def test_parse_rejects_lambdas():
    with pytest.raises(TypeError, match="defined with `def`"):
        parser.parse_function(lambda: 1)


def test_assigned_names_skip_nested_scopes():
    node, _ = parser.parse_function(sample)
    assert activity.assigned_names(node.body) == ["c", "i", "d", "e", "p", "inner"]


def test_declared_globals():
    function = ast.parse("def f():\n    global a, b\n    def g():\n        global z").body[0]
    assert activity.declared_globals(function) == {"a", "b"}


def test_templates_replace_names_expressions_and_statements():
    body = [ast.parse("y = 1").body[0], ast.parse("z = 2").body[0]]
    statements = templates.replace(
        "def name(arg):\n    body\n    target = value",
        name="renamed", arg="x", body=body,
        target=ast.Tuple(elts=[ast.Name(id="p"), ast.Name(id="q")]),
        value=ast.parse("x + 1", mode="eval").body,
    )  # fmt: skip
    (function,) = statements
    origin.fill_locations(function, body[0])
    assert ast.unparse(function) == "def renamed(x):\n    y = 1\n    z = 2\n    p, q = x + 1"
    assert isinstance(function.body[2].targets[0].elts[0].ctx, ast.Store)
    expression = templates.replace_as_expression("f(a)", a=ast.Constant(value=3))
    assert ast.unparse(expression) == "f(3)"


def test_fill_locations_uses_nearest_ancestor():
    user = ast.parse("x = 1\n\n\ny = 2").body[1]
    (statement,) = templates.replace("if cond:\n    body", cond=ast.Constant(True), body=[user])
    origin.fill_locations(statement, ast.parse("pass").body[0])
    assert statement.lineno == 1 and statement.body[0].lineno == 4


def test_namer_avoids_used_names():
    namer = naming.Namer(ast.parse("def f(if_body):\n    if_body_1 = 0"))
    assert [namer.new("if_body"), namer.new("if_body"), namer.new("other")] == [
        "if_body_2",
        "if_body_3",
        "other",
    ]
