"""`if`, `while` and `for` → `ag__.if_stmt`, `ag__.while_stmt` and `ag__.for_stmt` calls.

Each block becomes a local function that declares the variables the statement modifies
`nonlocal`; `get_state`/`set_state` read and write those variables as a tuple, so the runtime can
run the blocks as Python code or trace them into `tf.cond`/`tf.while_loop`. Variables a statement
may define that are not defined before it start as `ag__.Undefined('name')`.
"""

from __future__ import annotations

import ast

from tensorflux._src.autograph.pyct import activity, origin, templates

_CONTROL_FLOW = (ast.If, ast.While, ast.For)


def _names_tuple(names) -> ast.Tuple:
    return ast.Tuple(elts=[ast.Constant(value=name) for name in names], ctx=ast.Load())


def _state_tuple(names, ctx) -> ast.Tuple:
    elements = []
    for name in names:
        element = ast.Name(id=name, ctx=ctx)
        element.ag_no_ld = True
        elements.append(element)
    return ast.Tuple(elts=elements, ctx=ctx)


class ControlFlowTransformer:
    def __init__(self, ctx):
        self.ctx = ctx
        self._state_argument = ctx.namer.new("vars_")
        self._iterate_argument = ctx.namer.new("itr")

    def transform(self, function: ast.FunctionDef) -> ast.FunctionDef:
        arguments = function.args
        defined = {
            argument.arg
            for argument in (
                *arguments.posonlyargs,
                *arguments.args,
                *arguments.kwonlyargs,
                *filter(None, (arguments.vararg, arguments.kwarg)),
            )
        }
        defined.update(self.ctx.free_names)
        function.body = self._block(function.body, defined)
        return function

    def _block(self, statements, defined: set) -> list[ast.stmt]:
        out = []
        for statement in statements:
            if not isinstance(statement, _CONTROL_FLOW):
                if isinstance(statement, ast.With):
                    statement.body = self._block(statement.body, defined)
                elif isinstance(statement, ast.Try):
                    statement.body = self._block(statement.body, defined)
                    for handler in statement.handlers:
                        handler.body = self._block(handler.body, defined)
                    statement.orelse = self._block(statement.orelse, defined)
                    statement.finalbody = self._block(statement.finalbody, defined)
                defined.update(activity.assigned_names([statement]))
                out.append(statement)
                continue
            parts = (
                [statement.target, *statement.body]
                if isinstance(statement, ast.For)
                else statement.body + statement.orelse
            )
            modified = activity.assigned_names(parts)
            # A local list or dict whose items the statement assigns is state too, as in TF.
            modified += [
                name
                for name in activity.subscripted_names(parts)
                if name in defined and name not in self.ctx.free_names and name not in modified
            ]
            for name in modified:
                if name not in defined and name not in self.ctx.global_names:
                    self.ctx.maybe_undefined.add(name)
                    out.extend(
                        origin.fill_locations(s, statement)
                        for s in templates.replace(f"{name} = ag__.Undefined({name!r})")
                    )
            defined.update(modified)
            state = [name for name in modified if name not in self.ctx.global_names]
            global_names = [name for name in modified if name in self.ctx.global_names]
            if isinstance(statement, ast.If):
                converted = self._if(statement, state, global_names, defined)
            elif isinstance(statement, ast.While):
                converted = self._while(statement, state, global_names, defined)
            else:
                converted = self._for(statement, state, global_names, defined)
            out.extend(origin.fill_locations(s, statement) for s in converted)
        return out

    def _state_functions(self, state) -> tuple[list[ast.stmt], str, str]:
        get_state = self.ctx.namer.new("get_state")
        set_state = self.ctx.namer.new("set_state")
        getter = templates.replace(
            "def get_state():\n    return values", get_state=get_state,
            values=_state_tuple(state, ast.Load()),
        )  # fmt: skip
        if state:
            setter = templates.replace(
                "def set_state(vars_):\n    declarations\n    targets = vars_",
                set_state=set_state, vars_=self._state_argument,
                declarations=[ast.Nonlocal(names=list(state))],
                targets=_state_tuple(state, ast.Store()),
            )  # fmt: skip
        else:
            setter = templates.replace(
                "def set_state(vars_):\n    pass", set_state=set_state, vars_=self._state_argument
            )
        return [*getter, *setter], get_state, set_state

    def _body_function(self, name: str, parameters, state, global_names, body) -> ast.FunctionDef:
        declarations = []
        if state:
            declarations.append(ast.Nonlocal(names=list(state)))
        if global_names:
            declarations.append(ast.Global(names=list(global_names)))
        function = ast.FunctionDef(
            name=name,
            args=ast.arguments(
                posonlyargs=[], args=[ast.arg(arg=p) for p in parameters], kwonlyargs=[],
                kw_defaults=[], defaults=[],
            ),
            body=[*declarations, *(body or [ast.Pass()])],
            decorator_list=[],
            returns=None,
            type_params=[],
        )  # fmt: skip
        function.ag_generated = True
        return function

    def _test_function(self, name: str, test: ast.expr) -> ast.FunctionDef:
        (function,) = templates.replace("def name():\n    return test", name=name, test=test)
        function.ag_generated = True
        return function

    def _if(self, node: ast.If, state, global_names, defined) -> list[ast.stmt]:
        state_functions, get_state, set_state = self._state_functions(state)
        if_name, else_name = self.ctx.namer.new("if_body"), self.ctx.namer.new("else_body")
        body = self._block(node.body, set(defined))
        orelse = self._block(node.orelse, set(defined))
        if_body = self._body_function(if_name, [], state, global_names, body)
        else_body = self._body_function(else_name, [], state, global_names, orelse)
        call = templates.replace(
            "ag__.if_stmt(test, if_body, else_body, get_state, set_state, names)",
            test=node.test, if_body=if_name, else_body=else_name, get_state=get_state,
            set_state=set_state, names=_names_tuple(state),
        )  # fmt: skip
        return [*state_functions, if_body, else_body, *call]

    def _while(self, node: ast.While, state, global_names, defined) -> list[ast.stmt]:
        state_functions, get_state, set_state = self._state_functions(state)
        body_name, test_name = self.ctx.namer.new("loop_body"), self.ctx.namer.new("loop_test")
        body = self._block(node.body, set(defined))
        loop_body = self._body_function(body_name, [], state, global_names, body)
        loop_test = self._test_function(test_name, node.test)
        call = templates.replace(
            "ag__.while_stmt(loop_test, loop_body, get_state, set_state, names)",
            loop_test=test_name, loop_body=body_name, get_state=get_state, set_state=set_state,
            names=_names_tuple(state),
        )  # fmt: skip
        return [*state_functions, loop_body, loop_test, *call]

    def _for(self, node: ast.For, state, global_names, defined) -> list[ast.stmt]:
        iterate_names = activity.assigned_names([node.target])
        state_functions, get_state, set_state = self._state_functions(state)
        body_name = self.ctx.namer.new("loop_body")
        extra_test = getattr(node, "ag_extra_test", None)
        extra_name = ast.Constant(value=None)
        if extra_test is not None:
            extra_name = self.ctx.namer.new("extra_test")
        bind_iterate = templates.replace(
            "target = itr", target=node.target, itr=self._iterate_argument
        )
        body = bind_iterate + self._block(node.body, set(defined))
        loop_body = self._body_function(
            body_name, [self._iterate_argument], state, global_names, body
        )
        generated = [*state_functions, loop_body]
        if extra_test is not None:
            generated.append(self._test_function(extra_name, extra_test))
        call = templates.replace(
            "ag__.for_stmt(iterable, extra_test, loop_body, get_state, set_state, names, iterates)",
            iterable=node.iter, extra_test=extra_name, loop_body=body_name, get_state=get_state,
            set_state=set_state, names=_names_tuple(state), iterates=_names_tuple(iterate_names),
        )  # fmt: skip
        return [*generated, *call]


def transform(node, ctx):
    return ControlFlowTransformer(ctx).transform(node)
