"""Every `>>>` example in the implementation's docstrings runs and prints what it shows.

The examples run in a fresh interpreter (some set global state, such as the random seed), with
each module's own names plus `tf`, `np` and `sys` in scope.
"""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

RUNNER = """
import doctest, importlib, pkgutil, sys
import numpy as np
import tensorflux as tf
import tensorflux._src as src

class Runner(doctest.DocTestRunner):
    def report_failure(self, out, test, example, got):
        problems.append(f"{test.name}: {example.source.strip()}\\n  want: {example.want.strip()}\\n  got:  {got.strip()}")

    def report_unexpected_exception(self, out, test, example, exc_info):
        problems.append(f"{test.name}: {example.source.strip()}\\n  raised: {exc_info[1]!r}")

problems, count = [], 0
for info in pkgutil.walk_packages(src.__path__, "tensorflux._src."):
    module = importlib.import_module(info.name)
    runner = Runner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = {**vars(module), "tf": tf, "np": np, "sys": sys}
    for test in doctest.DocTestFinder(exclude_empty=True).find(module, globs=globs):
        if test.examples and test.name.startswith(info.name):
            count += runner.run(test, out=lambda text: None).attempted
print(count)
print("\\n".join(problems))
"""


def test_docstring_examples_run_as_shown():
    done = subprocess.run(
        [sys.executable, "-c", RUNNER], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    count, _, problems = done.stdout.partition("\n")
    assert int(count) > 500  # the examples were found
    assert problems.strip() == "", problems
