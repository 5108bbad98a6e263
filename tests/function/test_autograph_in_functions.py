"""AutoGraph inside tf.function: the seed's fizzbuzz and Python control flow over tensors
becoming If and While nodes (oracle: the same function run eagerly, and 001 §4.4-§4.6)."""

import tensorflux as tf


def test_seed_fizzbuzz(capsys):
    @tf.function
    def fizzbuzz(n):
        for i in tf.range(1, n + 1):
            if tf.math.floormod(i, 15) == 0:
                tf.print("FizzBuzz")
            elif tf.math.floormod(i, 3) == 0:
                tf.print("Fizz")
            elif tf.math.floormod(i, 5) == 0:
                tf.print("Buzz")
            else:
                tf.print(i)

    fizzbuzz(tf.constant(15))
    printed = capsys.readouterr().err.split()
    assert printed == ["1", "2", "Fizz", "4", "Buzz", "Fizz", "7", "8", "Fizz", "Buzz", "11",
                       "Fizz", "13", "14", "FizzBuzz"]  # fmt: skip
    assert fizzbuzz.experimental_get_tracing_count() == 1


def test_if_and_while_over_tensors_become_graph_nodes():
    @tf.function
    def collatz_steps(n):
        steps = 0
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps

    assert int(collatz_steps(tf.constant(6))) == 8
    assert int(collatz_steps(tf.constant(27))) == 111
    ops = {
        n.type for n in collatz_steps.get_concrete_function(tf.constant(6)).graph.get_operations()
    }
    assert ops & {"While", "StatelessWhile"}


def test_python_conditions_stay_python():
    @tf.function
    def scale(x, double):
        if double:
            return x * 2
        return x

    assert scale(tf.constant(3), True).numpy() == 6 and scale(tf.constant(3), False).numpy() == 3


def test_autograph_to_code_shows_converted_source():
    def absolute(x):
        if x < 0:
            x = -x
        return x

    code = tf.autograph.to_code(absolute)
    assert "def " in code and "ag__" in code
