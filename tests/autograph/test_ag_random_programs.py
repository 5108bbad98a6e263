"""Random small programs (nested if/elif/else, for, while, break, continue, return, and/or/not,
conditional expressions): each converted program gives the original's result and log."""

import importlib.util
import random
import re

import pytest

import tensorflux as tf
from tensorflux import autograph
from tensorflux._src.core import context

VARIABLES = ("a", "b", "c")


class ProgramWriter:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.lines = []
        self.loops = 0

    def expr(self, depth=0):
        choice = self.rng.randrange(6 if depth < 2 else 2)
        if choice == 0:
            return self.rng.choice(VARIABLES)
        if choice == 1:
            return str(self.rng.randrange(-3, 6))
        if choice == 2:
            return f"({self.expr(depth + 1)} + {self.expr(depth + 1)})"
        if choice == 3:
            return f"({self.expr(depth + 1)} * {self.expr(depth + 1)})"
        if choice == 4:
            return f"({self.expr(depth + 1)} - {self.expr(depth + 1)})"
        return f"({self.expr(depth + 1)} if {self.cond(depth + 1)} else {self.expr(depth + 1)})"

    def cond(self, depth=0):
        choice = self.rng.randrange(5 if depth < 2 else 2)
        if choice == 0:
            return f"{self.expr(depth + 1)} > {self.expr(depth + 1)}"
        if choice == 1:
            return f"{self.expr(depth + 1)} % 2 == 0"
        if choice == 2:
            return f"not ({self.cond(depth + 1)})"
        if choice == 3:
            return f"({self.cond(depth + 1)} and {self.cond(depth + 1)})"
        return f"({self.cond(depth + 1)} or {self.cond(depth + 1)})"

    def block(self, indent, depth, in_loop):
        for _ in range(self.rng.randint(1, 3)):
            self.statement(indent, depth, in_loop)

    def statement(self, indent, depth, in_loop):
        pad = "    " * indent
        kinds = ["assign", "assign", "log"]
        if depth < 3:
            kinds += ["if", "for", "while"]
        if in_loop:
            kinds += ["break", "continue"]
        kinds.append("return")
        kind = self.rng.choice(kinds)
        if kind == "assign":
            self.lines.append(f"{pad}{self.rng.choice(VARIABLES)} = {self.expr()} % 17")
        elif kind == "log":
            self.lines.append(f"{pad}log.append({self.expr()})")
        elif kind in ("break", "continue"):
            self.lines.append(f"{pad}if {self.cond()}:")
            self.lines.append(f"{pad}    {kind}")
        elif kind == "return":
            self.lines.append(f"{pad}if {self.cond()}:")
            self.lines.append(f"{pad}    return {self.expr()}, log")
        elif kind == "if":
            self.lines.append(f"{pad}if {self.cond()}:")
            self.block(indent + 1, depth + 1, in_loop)
            if self.rng.random() < 0.4:
                self.lines.append(f"{pad}elif {self.cond()}:")
                self.block(indent + 1, depth + 1, in_loop)
            if self.rng.random() < 0.5:
                self.lines.append(f"{pad}else:")
                self.block(indent + 1, depth + 1, in_loop)
        elif kind == "for":
            self.loops += 1
            self.lines.append(f"{pad}for i{self.loops} in range({self.rng.randint(0, 4)}):")
            self.lines.append(f"{pad}    log.append(i{self.loops})")
            self.block(indent + 1, depth + 1, True)
            if self.rng.random() < 0.3:
                self.lines.append(f"{pad}else:")
                self.lines.append(f"{pad}    log.append('else')")
        else:
            self.loops += 1
            counter = f"w{self.loops}"
            self.lines.append(f"{pad}{counter} = 0")
            self.lines.append(f"{pad}while {counter} < {self.rng.randint(1, 4)} and {self.cond()}:")
            self.lines.append(f"{pad}    {counter} += 1")
            self.block(indent + 1, depth + 1, True)

    def program(self, name):
        self.lines = [f"def {name}(a, b):", "    c = 0", "    log = []"]
        self.block(1, 0, False)
        self.lines.append("    return (a, b, c), log")
        return "\n".join(self.lines)


def traceable(source: str) -> str:
    """The program without Python side effects or early returns, which a graph can't repeat:
    one value returned at the end, as tf.function code would."""
    source = re.sub(r"log\.append\(.*\)$", "pass", source, flags=re.M)
    source = source.replace("return (a, b, c), log", "return (a, b, c)")
    return re.sub(r"return .*, log$", "c = c + 1", source, flags=re.M)


def load(tmp_path_factory, name: str, sources) -> list:
    path = tmp_path_factory.mktemp("autograph") / f"{name}.py"
    path.write_text("\n\n\n".join(sources) + "\n")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [getattr(module, f"program_{seed}") for seed in range(len(sources))]


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    sources = [ProgramWriter(seed).program(f"program_{seed}") for seed in range(150)]
    return load(tmp_path_factory, "ag_random_programs", sources)


@pytest.fixture(scope="module")
def traceable_programs(tmp_path_factory):
    sources = [traceable(ProgramWriter(seed).program(f"program_{seed}")) for seed in range(60)]
    return load(tmp_path_factory, "ag_traceable_programs", sources)


def test_random_programs_match_python(programs):
    for program in programs:
        converted = autograph.to_graph(program)
        for a, b in ((0, 0), (1, 4), (5, -2), (3, 3)):
            assert converted(a, b) == program(a, b), (program.__name__, a, b)


def test_random_programs_on_eager_tensors(programs):
    def plain(value):
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value if isinstance(value, str) else int(value)

    for program in programs[:40]:
        expected = plain(program(2, 5))
        actual = autograph.to_graph(program)(tf.constant(2), tf.constant(5))
        assert plain(actual) == expected, program.__name__


def test_random_programs_traced(traceable_programs, fake_graph):
    for program in traceable_programs:
        converted = autograph.to_graph(program)
        for a, b in ((2, 5), (0, 0), (5, -2)):
            context.state.graph = None
            expected = program(a, b)
            context.state.graph = fake_graph
            actual = converted(tf.constant(a), tf.constant(b))
            assert [int(value) for value in actual] == list(expected), (program.__name__, a, b)
    assert "while_loop" in fake_graph.calls and "cond" in fake_graph.calls
