"""Times tensorflux and, when it is installed in a separate venv, TensorFlow on the same workloads.

    python benchmarks/run.py [--repeat 15] [--tf-python PATH | --no-tf] [--profile]

Each framework runs in its own subprocess (TensorFlow with the interpreter of $TF_PYTHON,
default /work/tfvenv/bin/python; it is never installed into tensorflux's environment). Import
time is measured in fresh subprocesses. The table gives the medians, the ratio TF/tensorflux and
the goals; the full record (all samples, BLAS, threads, environment, machine) goes to
benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_TF_PYTHON = "/work/tfvenv/bin/python"
FRAMEWORKS = ("tensorflux", "tensorflow")
MIN_LOOP_SECONDS = 0.02
# Environment variables that change which BLAS kernels run, how many threads they use, or what
# an import costs.
THREAD_ENV = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "OPENBLAS_CORETYPE",
    "MKL_NUM_THREADS",
    "MKL_ENABLE_INSTRUCTIONS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "OMP_PROC_BIND",
    "OMP_WAIT_POLICY",
    "KMP_AFFINITY",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "TF_ENABLE_ONEDNN_OPTS",
    "CUDA_VISIBLE_DEVICES",
    "PYTHONPATH",
    "PYTHONDONTWRITEBYTECODE",
)
# case -> (goal text, check(tensorflux_s, tensorflow_s, numpy_s) -> bool or None); numpy_s is
# the case's NumPy baseline (workloads.NUMPY_BASELINES), None where it has none.
GOALS = {
    "import": ("<= 0.15 s", lambda tfx, tf, np_s: tfx <= 0.15),
    "add": ("<= 2.5 us", lambda tfx, tf, np_s: tfx <= 2.5e-6),
    "matmul": ("<= 8 us", lambda tfx, tf, np_s: tfx <= 8e-6),
    "tape_step": (
        ">= 10x faster than TF",
        lambda tfx, tf, np_s: None if tf is None else tf / tfx >= 10,
    ),
    "function_call": ("<= 15 us", lambda tfx, tf, np_s: tfx <= 15e-6),
    "function_loop": ("no slower than TF", lambda tfx, tf, np_s: None if tf is None else tfx <= tf),
    "function_train": (
        ">= 1.0x TF throughput",
        lambda tfx, tf, np_s: None if tf is None else tfx <= tf,
    ),
    "matmul_1024": ("within 5% of NumPy", lambda tfx, tf, np_s: tfx <= 1.05 * np_s),
    "conv2d_step": (">= 1.0x TF", lambda tfx, tf, np_s: None if tf is None else tfx <= tf),
    "max_pool_step": (">= 1.0x TF", lambda tfx, tf, np_s: None if tf is None else tfx <= tf),
    "batch_norm_step": (">= 1.0x TF", lambda tfx, tf, np_s: None if tf is None else tfx <= tf),
    "data_pipeline": (">= 2x TF", lambda tfx, tf, np_s: None if tf is None else 2 * tfx <= tf),
    "data_generator": (">= 1.0x TF", lambda tfx, tf, np_s: None if tf is None else tfx <= tf),
    "tfrecord_write": (">= 2x TF", lambda tfx, tf, np_s: None if tf is None else 2 * tfx <= tf),
    "tfrecord_read": (">= 1.0x TF", lambda tfx, tf, np_s: None if tf is None else tfx <= tf),
    "keras_mlp_fit": (">= 1.5x TF", lambda tfx, tf, np_s: None if tf is None else 1.5 * tfx <= tf),
    "keras_cnn_fit": (">= 1.0x TF", lambda tfx, tf, np_s: None if tf is None else tfx <= tf),
    "keras_resnet_step": (
        "<= 1.0x TF's time",
        lambda tfx, tf, np_s: None if tf is None else tfx <= tf,
    ),
    "keras_predict_one": ("<= 1 ms", lambda tfx, tf, np_s: tfx <= 1e-3),
    "keras_call_one": ("<= 0.3 ms", lambda tfx, tf, np_s: tfx <= 0.3e-3),
}


# ---- worker: runs inside the framework's interpreter --------------------------------------------


def time_loop(fn, number: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(number):
        fn()
    return (time.perf_counter_ns() - start) * 1e-9


def measure(fn, repeat: int) -> dict:
    """Per-call seconds: `repeat` loops of `number` calls, each loop at least MIN_LOOP_SECONDS."""
    time_loop(fn, 10)  # warm-up: first-call caches, lazy imports
    number = 1
    while (elapsed := time_loop(fn, number)) < MIN_LOOP_SECONDS:
        number = max(number * 2, int(number * 1.2 * MIN_LOOP_SECONDS / max(elapsed, 1e-9)))
    samples = [time_loop(fn, number) / number for _ in range(repeat)]
    return {
        "median_s": statistics.median(samples),
        "min_s": min(samples),
        "number": number,
        "repeat": repeat,
        "samples_s": samples,
    }


def blas_info() -> list[dict]:
    try:
        import threadpoolctl
    except ImportError:
        import numpy as np

        config = np.show_config(mode="dicts")
        blas = config.get("Build Dependencies", {}).get("blas", {})
        return [{"source": "numpy.show_config (threadpoolctl not installed)", **blas}]
    keys = ("internal_api", "version", "num_threads", "threading_layer", "architecture", "filepath")
    return [{k: pool.get(k) for k in keys} for pool in threadpoolctl.threadpool_info()]


def worker(framework: str, repeat: int, profile: bool, only: set) -> dict:
    import numpy as np
    import workloads

    start = time.perf_counter()
    tf = __import__(framework)
    import_seconds = time.perf_counter() - start
    info = {
        "framework": framework,
        "version": tf.__version__,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "import_in_worker_s": import_seconds,
        "blas": blas_info(),
    }
    if framework == "tensorflux":
        info["version"] = f"{package_version(framework)} (tf.__version__ {tf.__version__})"
    if framework == "tensorflow":
        info["tf_intra_op_threads"] = tf.config.threading.get_intra_op_parallelism_threads()
        info["tf_inter_op_threads"] = tf.config.threading.get_inter_op_parallelism_threads()
    cases = {}
    for name, (build, _) in workloads.EAGER_CASES.items():
        if only and name not in only:
            continue
        try:
            fn = build(tf)
            check = workloads.summarize(fn())
            cases[name] = {"check": check, **measure(fn, repeat)}
            if profile:
                cases[name]["profile"] = profile_text(fn, cases[name]["number"])
            if framework == "tensorflux" and name in workloads.NUMPY_BASELINES:
                # right after the case, so both see the machine in the same state
                cases[name]["numpy"] = measure(workloads.NUMPY_BASELINES[name](), repeat)
        except Exception as error:  # a missing op is reported in the table, not fatal
            cases[name] = {"error": f"{type(error).__name__}: {error}"}
        gc.collect()
    return {"info": info, "cases": cases}


def package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "source tree"


def profile_text(fn, number: int) -> str:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(time_loop, fn, max(number, 200))
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(12)
    return out.getvalue()


# ---- parent: runs the workers, measures imports, prints and saves ------------------------------


def subprocess_env(framework: str) -> dict:
    env = dict(os.environ)
    if framework == "tensorflux":
        env["PYTHONPATH"] = os.pathsep.join(p for p in (ROOT, env.get("PYTHONPATH")) if p)
    else:
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        # tf.keras is Keras 2 (tf_keras), the Keras tensorflux implements, as the seeds teach it.
        env.setdefault("TF_USE_LEGACY_KERAS", "1")
    return env


def import_times(python: str, module: str, framework: str, repeat: int) -> dict:
    """Median over fresh processes, after one warm-up process that caches the bytecode (as a
    pip install does; PYTHONDONTWRITEBYTECODE would otherwise make every run recompile)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    env = subprocess_env(framework)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    samples = []
    for _ in range(repeat + 1):
        done = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, env=env, cwd=HERE, check=True
        )
        samples.append(float(done.stdout.strip().splitlines()[-1]))
    samples = samples[1:]
    return {
        "median_s": statistics.median(samples),
        "min_s": min(samples),
        "repeat": repeat,
        "samples_s": samples,
    }


def run_worker(python: str, framework: str, args) -> dict:
    command = [
        python,
        os.path.abspath(__file__),
        "--worker",
        framework,
        "--repeat",
        str(args.repeat),
    ]
    if args.profile and framework == "tensorflux":
        command.append("--profile")
    if args.cases:
        command += ["--cases", args.cases]
    done = subprocess.run(
        command, capture_output=True, text=True, env=subprocess_env(framework), cwd=HERE
    )
    if done.returncode != 0:
        raise RuntimeError(f"{framework} worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine_info() -> dict:
    model = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            model = next(
                line.split(":", 1)[1].strip() for line in f if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": model,
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "platform": platform.platform(),
        "load_average_before": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "env": {k: os.environ[k] for k in THREAD_ENV if k in os.environ},
    }


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 0.1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e6:.2f} us"


def checks_agree(a: list[float], b: list[float]) -> bool:
    """Each output's (sum, absolute sum) pair agrees to 1e-3 of the absolute sum: a sum that
    cancels to about zero (a batch norm's input gradient) is compared at its terms' scale."""
    if len(a) != len(b):
        return False
    for i in range(0, len(a), 2):
        scale = 1e-3 * max(1.0, abs(a[i + 1]), abs(b[i + 1]))
        if abs(a[i] - b[i]) > scale or abs(a[i + 1] - b[i + 1]) > scale:
            return False
    return True


def table(results: dict) -> str:
    import workloads

    descriptions = {"import": "import (fresh process)"}
    descriptions.update({name: text for name, (_, text) in workloads.EAGER_CASES.items()})
    rows = [("case", "tensorflux", "TensorFlow", "TF/tfx", "goal", "met")]
    notes = []
    for name, description in descriptions.items():
        if name not in results["tensorflux"]["cases"]:
            continue  # not selected with --cases
        tfx = results["tensorflux"]["cases"][name]
        tf = results.get("tensorflow", {}).get("cases", {}).get(name, {})
        tfx_s, tf_s = tfx.get("median_s"), tf.get("median_s")
        ratio = f"{tf_s / tfx_s:.1f}x" if tfx_s and tf_s else "-"
        goal, check = GOALS[name]
        numpy_s = tfx.get("numpy", {}).get("median_s")
        met = check(tfx_s, tf_s, numpy_s) if tfx_s is not None else False
        if numpy_s is not None:
            notes.append(f"{name}: NumPy alone takes {format_seconds(numpy_s)}")
        rows.append(
            (
                description,
                format_seconds(tfx_s),
                format_seconds(tf_s),
                ratio,
                goal,
                {True: "yes", False: "NO", None: "?"}[met],
            )
        )
        for framework, case in (("tensorflux", tfx), ("TensorFlow", tf)):
            if "error" in case:
                notes.append(f"{name}: {framework} failed: {case['error']}")
        if "check" in tfx and "check" in tf and not checks_agree(tfx["check"], tf["check"]):
            notes.append(
                f"{name}: results differ between the frameworks: {tfx['check']} vs {tf['check']}"
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.ljust(w) if i in (0, 4, 5) else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths))
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines + notes)


def describe_blas(pools: list[dict]) -> str:
    parts = []
    for pool in pools:
        name = f"{pool.get('internal_api') or pool.get('name')} {pool.get('version') or ''}".strip()
        details = [f"{pool['num_threads']} threads"] if pool.get("num_threads") else []
        details += [pool[k] for k in ("architecture", "threading_layer") if pool.get(k)]
        parts.append(f"{name} ({', '.join(details)})" if details else name)
    return ", ".join(parts)


def header(machine: dict, results: dict, args, resolution: float) -> str:
    load = machine["load_average_before"]
    lines = [
        f"machine: {machine['cpu']}, {machine['cpus_usable']} of {machine['cpu_count']} CPUs "
        f"usable, {machine['platform']}, load average {load[0]:.2f} before the run"
    ]
    if load[0] > 0.5 * machine["cpus_usable"]:
        lines.append("warning: the machine is busy; times are noisy and multithreaded BLAS suffers")
    for framework, result in results.items():
        info = result["info"]
        line = (
            f"{framework} {info['version']}: python {info['python']}, numpy {info['numpy']}, "
            f"numpy's BLAS {describe_blas(info['blas'])}"
        )
        if framework == "tensorflow":
            line += (
                "; TF's ops run on its own Eigen/oneDNN kernels, intra/inter-op threads "
                f"{info['tf_intra_op_threads']}/{info['tf_inter_op_threads']} (0 = one per core)"
            )
        lines.append(line)
    lines.append(f"environment: {machine['env'] or 'no thread or BLAS variables set'}")
    lines.append(
        f"method: eager cases = median of {args.repeat} timed loops of N calls each (N chosen so "
        f"a loop takes >= {MIN_LOOP_SECONDS * 1e3:.0f} ms), after warm-up, GC on; import = "
        f"median of {args.import_repeat} fresh processes timing the import statement, bytecode "
        f"cached; timer "
        f"time.perf_counter, resolution {resolution * 1e9:.0f} ns\n"
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=15, help="timed loops per eager case")
    parser.add_argument("--import-repeat", type=int, default=7, help="fresh processes per import")
    parser.add_argument("--tf-python", default=os.environ.get("TF_PYTHON", DEFAULT_TF_PYTHON))
    parser.add_argument("--no-tf", action="store_true", help="time tensorflux only")
    parser.add_argument("--profile", action="store_true", help="cProfile each tensorflux case")
    parser.add_argument("--json", default=os.path.join(HERE, "results", "latest.json"))
    parser.add_argument("--cases", default="", help="comma-separated case names (default: all)")
    parser.add_argument("--worker", choices=FRAMEWORKS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        only = set(filter(None, args.cases.split(",")))
        print(json.dumps(worker(args.worker, args.repeat, args.profile, only)))
        return 0

    machine = machine_info()
    pythons = {"tensorflux": sys.executable}
    if not args.no_tf:
        if os.path.exists(args.tf_python):
            pythons["tensorflow"] = args.tf_python
        else:
            print(f"TensorFlow interpreter {args.tf_python} not found: timing tensorflux only\n")
    results = {}
    for framework, python in pythons.items():
        try:
            result = run_worker(python, framework, args)
            result["cases"]["import"] = import_times(
                python, framework, framework, args.import_repeat
            )
            results[framework] = result
        except (RuntimeError, subprocess.CalledProcessError) as error:
            if framework == "tensorflux":
                raise
            print(f"TensorFlow unavailable ({str(error).splitlines()[0]}): tensorflux only\n")
    numpy_import = import_times(sys.executable, "numpy", "tensorflux", args.import_repeat)
    results["tensorflux"]["info"]["import_numpy"] = numpy_import
    machine["load_average_after"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    clock = time.get_clock_info("perf_counter")

    print(header(machine, results, args, clock.resolution))
    print(table(results))
    print(f"(import numpy alone: {format_seconds(numpy_import['median_s'])}, part of the above)")
    for name, case in results["tensorflux"]["cases"].items():
        if "profile" in case:
            print(f"\n--- cProfile of tensorflux {name}, by own time ---\n{case['profile']}")

    record = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine,
        "method": {
            "repeat": args.repeat,
            "import_repeat": args.import_repeat,
            "min_loop_s": MIN_LOOP_SECONDS,
            "timer": "time.perf_counter",
            "timer_resolution_s": clock.resolution,
        },
        "goals": {name: goal for name, (goal, _) in GOALS.items()},
        "results": results,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(record, f, indent=1)
    print(f"\nwritten: {os.path.relpath(args.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
