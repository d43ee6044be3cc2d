"""What does scheduling cost per step, against hand loops and 1.2.3? Prints Markdown tables.

Measured, for 1, 10 and 100 param groups (SGD, one small ``Parameter`` per group):

* ``curve``: a ``CurveSchedule`` (``cosine_annealing_with_warmup`` on ``lr``) against the floor
  (a hand loop that computes ``0.1 × λ(t)`` once and writes it to every group) and against
  torch's ``LambdaLR`` with the same λ;
* ``sync3``: a ``SynchronousSchedule`` of three curve schedules (``lr``, ``weight_decay``,
  ``momentum``) against a hand loop writing the three keys;
* ``adapter``: ``StepLR`` through ``arbitrary_schedule_factory`` on ``lr`` against the same
  ``StepLR`` acting on ``lr`` directly;
* the same three cases with ScheduleAnything 1.2.3;
* closed-form evaluation of 1,000,000 steps (``curve.values(range(1_000_000))``) against the
  same formula in NumPy, both on one thread;
* the import time of the package with torch already imported (fresh interpreters, with and
  without a bytecode cache), and that plugin discovery happens on first registry use.

How: 2.x and 1.2.3 have the same import name, so each is timed in its own worker process.
Within a worker, every configuration and every reference is timed interleaved, round-robin:
after one untimed warm-up pass, each of ``--rounds`` rounds times every callable once with
``timeit`` for ``--number`` calls, in an order that rotates from round to round (reversed on odd
rounds), with the garbage collector off. A busy moment of the machine therefore hits a case and
its reference alike, and the per-round ratio ``case / reference`` cancels most of it. Each
worker runs ``--runs`` times (2.x and 1.2.3 alternating); every figure is reported as the median
over all rounds of all runs, with the interquartile range, the min–max and the per-run medians.
The 1.2.3 worker times the same references in its own process, so ``1.2.3 / ours`` is the ratio
of the two medians ``case / reference``, each measured against its own interleaved reference.
Both sides of a pair are called equally often, so at the end they must hold the same values;
the table says whether they do.

1.2.3 needs an interpreter where it is installed: ``--v1-python PATH``; by default the script
creates ``/tmp/tsa-v1`` (``python -m venv --system-site-packages`` and ``pip install --no-deps
torch-schedule-anything==1.2.3``). That interpreter finds torch through this interpreter's
site-packages, which the worker appends to the *end* of ``sys.path`` (not ``PYTHONPATH``, which
would come first and could import an installed 2.x instead). The worker checks
``torch_schedule_anything.__version__ == "1.2.3"`` and that the module lies in that
distribution's folder, and refuses to run otherwise. ``--no-v1`` leaves 1.2.3 out.

Run: ``python benchmarks/bench_step.py [--rounds 21] [--number 2000] [--runs 3]``, or
``--quick`` (about a minute: fewer rounds, calls, runs and interpreters).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

GROUPS = (1, 10, 100)
V1_VENV = Path("/tmp/tsa-v1")
V1_VERSION = "1.2.3"
V1_REQUIREMENT = f"torch-schedule-anything=={V1_VERSION}"
TORCH_SITE_ENV = "TSA_BENCH_TORCH_SITE"  # appended to sys.path by the worker, after its own
# case -> its reference (the hand loop, or the torch scheduler used directly)
REFERENCES = {"curve": "floor", "sync3": "floor3", "adapter": "steplr"}

Step = Callable[[], Any]


# -- the worker: runs in a subprocess, imports whichever torch_schedule_anything it finds ----
def _import_package(expected: str | None) -> Any:
    torch_site = os.environ.get(TORCH_SITE_ENV)
    if torch_site and torch_site not in sys.path:
        sys.path.append(torch_site)  # last: the interpreter's own packages (1.2.3) come first
    import importlib.metadata

    import torch_schedule_anything as sa

    if expected is not None:
        version = getattr(sa, "__version__", None)
        folder = Path(sa.__file__).resolve().parent.parent
        dist = importlib.metadata.distribution("torch-schedule-anything")
        dist_folder = Path(str(dist.locate_file(""))).resolve()
        if version != expected or dist.version != expected or folder != dist_folder:
            raise SystemExit(
                f"refusing to measure: expected torch_schedule_anything {expected}, this "
                f"interpreter ({sys.executable}) imported __version__={version!r} from "
                f"{sa.__file__} (distribution {dist.version} in {dist_folder}); check sys.path "
                f"order: {sys.path}"
            )
    return sa


def _optimizer(torch: Any, n_groups: int) -> Any:
    groups = [
        {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.1, "weight_decay": 0.01}
        for _ in range(n_groups)
    ]
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9, weight_decay=0.01)


def _lr(opt: Any, key: str = "lr") -> list[float]:
    return [float(g[key]) for g in opt.param_groups]


def _same(a: list[float], b: list[float]) -> bool:
    import math

    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-9) for x, y in zip(a, b))


def _check(ours: Any, theirs: Any, *keys: str) -> Callable[[], bool]:
    """Whether the two optimizers hold the same values of ``keys`` (checked when called)."""
    return lambda: all(_same(_lr(ours, k), _lr(theirs, k)) for k in keys)


def _interleaved(slots: dict[str, Step], rounds: int, number: int) -> dict[str, list[float]]:
    """Seconds per call of every slot, one entry per round, timed round-robin."""
    names = list(slots)
    for name in names:  # warm-up pass, untimed: caches, branches, the warmup steps of λ
        for _ in range(number):
            slots[name]()
    out: dict[str, list[float]] = {name: [] for name in names}
    gc.collect()
    gc.disable()
    try:
        for r in range(rounds):
            shift = r % len(names)
            order = names[shift:] + names[:shift]
            if r % 2:
                order.reverse()
            for name in order:
                out[name].append(timeit.timeit(slots[name], number=number) / number)
    finally:
        gc.enable()
    return out


def _worker_steps(kind: str, number: int, rounds: int) -> dict[str, Any]:
    import math

    sa = _import_package(V1_VERSION if kind == "v1" else None)
    import torch
    from torch.optim.lr_scheduler import LambdaLR, StepLR

    # Neither side calls optimizer.step(); the schedulers warn about that once.
    warnings.filterwarnings("ignore", message=r".*before `?optimizer\.step\(\)")
    warnings.filterwarnings("ignore", message=r"Detected call of `lr_scheduler\.step\(\)`")

    horizon = 2 * number * (rounds + 1) + 1000  # every timed step is in the cosine branch
    W, A, L, M = 1.0, 0.01, 10, horizon

    def lam(t: int) -> float:  # the quarter-wave cosine of the 1.x spec, written out
        if t < L:
            return W * t / L
        p = min(1.0, (t - L) / (M - L))
        return A + (W - A) * math.cos(math.pi / 2 * p)

    def floor(groups: list[dict[str, Any]]) -> Step:
        t = 0

        def step() -> None:
            nonlocal t
            t += 1
            value = 0.1 * lam(t)
            for g in groups:
                g["lr"] = value

        return step

    def floor3(groups: list[dict[str, Any]]) -> Step:
        t = 0

        def step() -> None:
            nonlocal t
            t += 1
            p = min(1.0, (t - L) / (M - L)) if t >= L else 0.0
            lr = 0.1 * lam(t)
            wd = 0.01 * (W * t / L if t < L else A + (W - A) * (1 - p))
            mom = 0.9 * (W * t / L if t < L else A + (W - A) * (1 - p) ** 2)
            for g in groups:
                g["lr"] = lr
                g["weight_decay"] = wd
                g["momentum"] = mom

        return step

    slots: dict[str, Step] = {}
    checks: dict[str, Callable[[], bool]] = {}
    for n in GROUPS:
        opt, ref = _optimizer(torch, n), _optimizer(torch, n)
        slots[f"curve/{n}"] = sa.cosine_annealing_with_warmup(opt, W, A, L, M).step
        slots[f"floor/{n}"] = floor(ref.param_groups)
        checks[f"curve/{n}"] = _check(opt, ref, "lr")
        if kind == "v2":  # torch's LambdaLR with the same λ, measured once (in the 2.x worker)
            lambda_opt = _optimizer(torch, n)
            slots[f"lambdalr/{n}"] = LambdaLR(lambda_opt, lam).step
            checks[f"lambdalr/{n}"] = _check(lambda_opt, ref, "lr")

        opt, ref = _optimizer(torch, n), _optimizer(torch, n)
        sync = sa.SynchronousSchedule(
            [
                sa.cosine_annealing_with_warmup(opt, W, A, L, M),
                sa.linear_schedule_with_warmup(opt, W, A, L, M, "weight_decay"),
                sa.quadratic_schedule_with_warmup(opt, W, A, L, M, "momentum"),
            ]
        )
        slots[f"sync3/{n}"] = sync.step
        slots[f"floor3/{n}"] = floor3(ref.param_groups)
        checks[f"sync3/{n}"] = _check(opt, ref, "lr", "weight_decay", "momentum")

        opt, ref = _optimizer(torch, n), _optimizer(torch, n)
        adapted = sa.arbitrary_schedule_factory(
            opt, lambda o: StepLR(o, step_size=1000, gamma=0.999)
        )
        slots[f"adapter/{n}"] = adapted.step
        slots[f"steplr/{n}"] = StepLR(ref, step_size=1000, gamma=0.999).step
        checks[f"adapter/{n}"] = _check(opt, ref, "lr")

    times = _interleaved(slots, rounds, number)
    return {
        "version": str(sa.__version__),
        "times": times,
        "same": {name: check() for name, check in checks.items()},
    }


def _worker_values(rounds: int) -> dict[str, Any]:
    import numpy as np
    import torch

    from torch_schedule_anything.curves import CosineAnnealingWithWarmup

    n = 1_000_000
    W, A, L, M = 1.0, 0.01, 1000, n
    curve = CosineAnnealingWithWarmup(W, A, L, M)

    def numpy_closed_form() -> Any:
        t = np.arange(n, dtype=np.float64)
        p = np.minimum(1.0, (t - L) / (M - L))
        return np.where(t < L, W * t / L, A + (W - A) * np.cos(np.pi / 2 * p))

    # NumPy runs these element-wise operations on one thread; so does torch here.
    torch.set_num_threads(1)
    if not np.allclose(curve.values(range(n)).numpy(), numpy_closed_form(), 1e-12, 1e-15):
        raise SystemExit("curve.values and the NumPy closed form disagree")
    slots: dict[str, Step] = {
        "values/ours": lambda: curve.values(range(n)),
        "values/numpy": numpy_closed_form,
    }
    return {"times": _interleaved(slots, rounds, 1)}


def _worker_import() -> dict[str, float]:
    import time

    import torch

    start = time.perf_counter()
    import torch_schedule_anything as sa
    from torch_schedule_anything import plugins

    elapsed = time.perf_counter() - start
    lazy = plugins._State.manager is None and "matplotlib" not in sys.modules
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    schedule = sa.cosine_annealing_with_warmup(opt, 1.0, 0.0, 1, 10)
    opt.step()
    schedule.step()  # no registry involved
    lazy = lazy and plugins._State.manager is None
    start = time.perf_counter()
    sa.list_curves()
    first_use = time.perf_counter() - start
    return {
        "import": elapsed,
        "lazy": float(lazy and plugins._State.manager is not None),
        "first_use": first_use,
    }


# -- the driver ------------------------------------------------------------------------------
def _run(python: str, args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    cmd = [python, os.path.abspath(__file__), "--worker", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _v1_python() -> str:
    python = V1_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run(
            [sys.executable, "-m", "venv", "--system-site-packages", str(V1_VENV)], check=True
        )
        subprocess.run(
            [str(V1_VENV / "bin" / "pip"), "install", "--quiet", "--no-deps", V1_REQUIREMENT],
            check=True,
        )
    return str(python)


def _v1_env() -> dict[str, str]:
    import torch

    env = dict(os.environ)
    env[TORCH_SITE_ENV] = str(Path(torch.__file__).resolve().parent.parent)
    return env


def _machine() -> str:
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in lscpu.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} CPUs; Python {platform.python_version()}, "
        f"torch {torch.__version__}"
    )


class Series:
    """Per-round values pooled over runs, with each run's median kept."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.run_medians: list[float] = []

    def add(self, run: list[float]) -> None:
        self.values.extend(run)
        self.run_medians.append(statistics.median(run))

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def spread(self, fmt: str = ".2f") -> str:
        v = self.values
        if len(v) >= 2:
            q1, _, q3 = statistics.quantiles(v, n=4, method="inclusive")
        else:
            q1 = q3 = v[0]
        runs = ", ".join(format(m, fmt) for m in self.run_medians)
        return (
            f"{format(q1, fmt)}–{format(q3, fmt)} | {format(min(v), fmt)}–{format(max(v), fmt)} "
            f"| {runs}"
        )


def _ratios(times: dict[str, list[float]], a: str, b: str) -> list[float]:
    return [x / y for x, y in zip(times[a], times[b])]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--number", type=int, default=2000, help="calls per timing")
    parser.add_argument("--rounds", type=int, default=21, help="interleaved rounds per run")
    parser.add_argument("--runs", type=int, default=3, help="worker processes per version")
    parser.add_argument("--imports", type=int, default=21, help="fresh interpreters to import")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="about a minute: --number 300 --rounds 7 --runs 2 --imports 2, values once",
    )
    parser.add_argument("--v1-python", help="an interpreter with torch-schedule-anything 1.2.3")
    parser.add_argument("--no-v1", action="store_true", help="leave 1.2.3 out")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.worker:
        what = options.worker[0]
        if what == "values":
            result: dict[str, Any] = _worker_values(int(options.worker[1]))
        elif what == "import":
            result = dict(_worker_import())
        else:
            result = _worker_steps(what, int(options.worker[1]), int(options.worker[2]))
        print(json.dumps(result))
        return

    if options.quick:
        options.number, options.rounds, options.runs, options.imports = 300, 7, 2, 2
    if min(options.number, options.rounds, options.runs, options.imports) < 1:
        parser.error("--number, --rounds, --runs and --imports must be at least 1")
    t0 = time.perf_counter()
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    n, r = str(options.number), str(options.rounds)
    v1_python = None if options.no_v1 else (options.v1_python or _v1_python())
    ours_runs: list[dict[str, Any]] = []
    v1_runs: list[dict[str, Any]] = []
    for _ in range(options.runs):  # alternate, so that a slow spell does not hit one version
        ours_runs.append(_run(sys.executable, ["v2", n, r]))
        if v1_python is not None:
            v1_runs.append(_run(v1_python, ["v1", n, r], env=_v1_env()))
    values = Series()
    for _ in range(1 if options.quick else options.runs):
        done = _run(sys.executable, ["values", r])
        values.add(_ratios(done["times"], "values/ours", "values/numpy"))
    values_ms = statistics.median(done["times"]["values/ours"]) * 1e3
    numpy_ms = statistics.median(done["times"]["values/numpy"]) * 1e3
    # Import time with the bytecode cache an installed wheel has (pip compiles .pyc files), in
    # a private cache directory that one unmeasured run fills; and with no bytecode at all.
    with tempfile.TemporaryDirectory() as cache:
        cached_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached_env["PYTHONPYCACHEPREFIX"] = cache
        _run(sys.executable, ["import"], env=cached_env)
        imports = [_run(sys.executable, ["import"], env=cached_env) for _ in range(options.imports)]
        uncached_env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        uncached_env["PYTHONPYCACHEPREFIX"] = os.path.join(cache, "empty")
        no_bytecode = [
            _run(sys.executable, ["import"], env=uncached_env) for _ in range(options.imports)
        ]

    print(f"Machine: {_machine()}; torch-schedule-anything {ours_runs[0]['version']}")
    v1_note = (
        f"; 1.2.3 from `{v1_python}` (checked: __version__ {v1_runs[0]['version']})"
        if v1_runs
        else "; 1.2.3 left out"
    )
    print(
        f"Run: {started}; {options.runs} runs × {options.rounds} rounds × {options.number} calls "
        f"of every case and reference, interleaved round-robin in one process per version, "
        f"gc off{v1_note}; the whole script took {time.perf_counter() - t0:.0f} s.\n"
    )
    print(
        "| case | reference | ours µs | reference µs | ours / reference (median) | IQR "
        "| min–max | run medians | same values |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    rows: list[tuple[str, str, str, list[dict[str, Any]]]] = []
    for case, ref in REFERENCES.items():
        for g in GROUPS:
            rows.append((f"{case}/{g}", f"{ref}/{g}", "2.x", ours_runs))
            if case == "curve":
                rows.append((f"{case}/{g}", f"lambdalr/{g}", "2.x", ours_runs))
            if v1_runs:
                rows.append((f"{case}/{g}", f"{ref}/{g}", V1_VERSION, v1_runs))
    medians: dict[tuple[str, str, str], float] = {}
    for name, ref_name, who, runs in rows:
        ratio = Series()
        for run in runs:
            ratio.add(_ratios(run["times"], name, ref_name))
        medians[(name, ref_name, who)] = ratio.median
        mine = statistics.median(x for run in runs for x in run["times"][name])
        theirs = statistics.median(x for run in runs for x in run["times"][ref_name])
        same_key = f"lambdalr/{name.split('/')[1]}" if ref_name.startswith("lambdalr") else name
        same = all(run["same"][same_key] for run in runs)
        label = name if who == "2.x" else f"{name} ({who})"
        print(
            f"| {label} | {ref_name.split('/')[0]} | {mine * 1e6:.2f} | {theirs * 1e6:.2f} "
            f"| {ratio.median:.2f} | {ratio.spread()} | {'yes' if same else '**NO**'} |"
        )
    print(
        "\nReferences, each timed interleaved with its case in the same process: floor = hand "
        "loop computing 0.1 × λ(t) once and writing it to every group; floor3 = hand loop "
        "writing three keys; steplr = the same StepLR on lr directly; lambdalr = torch's "
        "LambdaLR with λ (its `same values` row compares it with the floor)."
    )
    if v1_runs:
        print("\n| case | 1.2.3 / ours (ratio of the two medians against the same reference) |")
        print("|---|---:|")
        for case, ref in REFERENCES.items():
            for g in GROUPS:
                old = medians[(f"{case}/{g}", f"{ref}/{g}", V1_VERSION)]
                new = medians[(f"{case}/{g}", f"{ref}/{g}", "2.x")]
                print(f"| {case}/{g} | {old / new:.2f} |")

    print("\n| measurement | ours | reference | ratio (median) | IQR | min–max | run medians |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(
        f"| values(range(1_000_000)) vs NumPy, one thread | {values_ms:.2f} ms "
        f"| {numpy_ms:.2f} ms | {values.median:.2f} | {values.spread()} |"
    )
    import_ms = [i["import"] * 1e3 for i in imports]
    cold_ms = [i["import"] * 1e3 for i in no_bytecode]
    first_ms = statistics.median(i["first_use"] for i in imports) * 1e3
    lazy = all(i["lazy"] == 1.0 for i in imports)
    print(
        f"| import with torch imported, bytecode cached ({len(imports)} interpreters) "
        f"| {statistics.median(import_ms):.1f} ms | | | | {min(import_ms):.1f}–"
        f"{max(import_ms):.1f} | |"
    )
    print(
        f"| import with torch imported, no bytecode cache ({len(no_bytecode)} interpreters) "
        f"| {statistics.median(cold_ms):.1f} ms | | | | {min(cold_ms):.1f}–{max(cold_ms):.1f} | |"
    )
    print(f"| first registry use (plugin discovery) | {first_ms:.1f} ms | | | | | |")
    print(f"| plugin discovery only on first use | {'yes' if lazy else 'NO'} | | | | | |")


if __name__ == "__main__":
    main()
