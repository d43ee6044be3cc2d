"""What does scheduling cost per step? Prints Markdown tables of measured ratios.

Measured in one run, each figure the median of ``--repeat`` timings of ``--number`` calls:

1. one ``.step()`` for 1, 10 and 100 param groups of
   * ``curve``: a ``CurveSchedule`` (``cosine_annealing_with_warmup`` on ``lr``), against the
     floor (a hand loop that computes ``base × λ(t)`` once and writes it to every group), torch's
     ``LambdaLR`` with the same λ, and ScheduleAnything 1.2.3;
   * ``sync3``: a ``SynchronousSchedule`` of three curve schedules (``lr``, ``weight_decay``,
     ``momentum``), against a hand loop writing the three keys and 1.2.3;
   * ``adapter``: ``StepLR`` through ``arbitrary_schedule_factory`` on ``lr``, against the same
     ``StepLR`` acting on ``lr`` directly, and 1.2.3;
2. closed-form evaluation of 1,000,000 steps (``curve.values(range(1_000_000))``) against the
   same formula in NumPy, both on one thread;
3. the import time of the package with torch already imported (fresh interpreters, with and
   without a bytecode cache), and that plugin discovery happens on first registry use, not at
   import.

Every timing runs in a subprocess, so 2.x and 1.2.3 (same import name) are measured alike.
1.2.3 needs an interpreter where it is installed: ``--v1-python PATH``; by default the script
creates ``/tmp/tsa-v1`` (``python -m venv --system-site-packages`` and ``pip install --no-deps
torch-schedule-anything==1.2.3``) and runs it with this interpreter's site-packages on
``PYTHONPATH`` for torch. ``--no-v1`` leaves 1.2.3 out.

Run: ``python benchmarks/bench_step.py [--number 2000] [--repeat 31]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

GROUPS = (1, 10, 100)
V1_VENV = Path("/tmp/tsa-v1")
V1_REQUIREMENT = "torch-schedule-anything==1.2.3"


# -- the worker: runs in a subprocess, imports whichever torch_schedule_anything it finds ----
def _optimizer(torch: Any, n_groups: int) -> Any:
    groups = [
        {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.1, "weight_decay": 0.01}
        for _ in range(n_groups)
    ]
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9, weight_decay=0.01)


def _per_call(fn: Callable[[], Any], number: int, repeat: int) -> float:
    fn()  # warm
    return statistics.median(timeit.repeat(fn, number=number, repeat=repeat)) / number


def _worker(kind: str, number: int, repeat: int) -> dict[str, float]:
    import math

    import torch
    from torch.optim.lr_scheduler import LambdaLR, StepLR

    import torch_schedule_anything as sa

    horizon = 4 * number * repeat + 1000  # every timed step is in the cosine branch
    W, A, L, M = 1.0, 0.01, 10, horizon

    def lam(t: int) -> float:  # the quarter-wave cosine of the 1.x spec, written out
        if t < L:
            return W * t / L
        p = min(1.0, (t - L) / (M - L))
        return A + (W - A) * math.cos(math.pi / 2 * p)

    out: dict[str, float] = {}
    for n in GROUPS:
        opt = _optimizer(torch, n)
        out[f"curve/{n}"] = _per_call(
            sa.cosine_annealing_with_warmup(opt, W, A, L, M).step, number, repeat
        )
        opt = _optimizer(torch, n)
        sync = sa.SynchronousSchedule(
            [
                sa.cosine_annealing_with_warmup(opt, W, A, L, M),
                sa.linear_schedule_with_warmup(opt, W, A, L, M, "weight_decay"),
                sa.quadratic_schedule_with_warmup(opt, W, A, L, M, "momentum"),
            ]
        )
        out[f"sync3/{n}"] = _per_call(sync.step, number, repeat)
        opt = _optimizer(torch, n)
        adapted = sa.arbitrary_schedule_factory(
            opt, lambda o: StepLR(o, step_size=1000, gamma=0.999)
        )
        out[f"adapter/{n}"] = _per_call(adapted.step, number, repeat)
        if kind != "v2":
            continue
        # References, measured only once (in the 2.x worker).
        groups = _optimizer(torch, n).param_groups
        state = {"t": 0}

        def floor(groups: list[dict[str, Any]] = groups, state: dict[str, int] = state) -> None:
            state["t"] = t = state["t"] + 1
            value = 0.1 * lam(t)
            for g in groups:
                g["lr"] = value

        out[f"floor/{n}"] = _per_call(floor, number, repeat)
        groups = _optimizer(torch, n).param_groups
        state = {"t": 0}

        def floor3(groups: list[dict[str, Any]] = groups, state: dict[str, int] = state) -> None:
            state["t"] = t = state["t"] + 1
            p = min(1.0, (t - L) / (M - L)) if t >= L else 0.0
            lr = 0.1 * lam(t)
            wd = 0.01 * (W * t / L if t < L else A + (W - A) * (1 - p))
            mom = 0.9 * (W * t / L if t < L else A + (W - A) * (1 - p) ** 2)
            for g in groups:
                g["lr"] = lr
                g["weight_decay"] = wd
                g["momentum"] = mom

        out[f"floor3/{n}"] = _per_call(floor3, number, repeat)
        out[f"lambdalr/{n}"] = _per_call(LambdaLR(_optimizer(torch, n), lam).step, number, repeat)
        out[f"steplr/{n}"] = _per_call(
            StepLR(_optimizer(torch, n), step_size=1000, gamma=0.999).step, number, repeat
        )
    return out


def _worker_values(repeat: int) -> dict[str, float]:
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

    # NumPy runs these element-wise operations on one thread; so does torch here (on a shared
    # machine torch's thread pool also stalls badly when another process holds a core).
    torch.set_num_threads(1)
    ours = curve.values(range(n)).numpy()
    reference = numpy_closed_form()
    if not np.allclose(ours, reference, rtol=1e-12, atol=1e-15):
        raise SystemExit("curve.values and the NumPy closed form disagree")
    mine, theirs = [], []
    for _ in range(repeat):  # interleaved, so that a busy moment hits both alike
        mine.append(_per_call(lambda: curve.values(range(n)), 1, 1))
        theirs.append(_per_call(numpy_closed_form, 1, 1))
    return {"values/ours": statistics.median(mine), "values/numpy": statistics.median(theirs)}


def _worker_import() -> dict[str, float]:
    import time

    import torch

    start = time.perf_counter()
    import torch_schedule_anything as sa
    from torch_schedule_anything import plugins

    elapsed = time.perf_counter() - start
    lazy = plugins._State.manager is None and "matplotlib" not in sys.modules
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sa.cosine_annealing_with_warmup(opt, 1.0, 0.0, 1, 10).step()  # no registry involved
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
def _run(python: str, args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
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

    torch_site = str(Path(torch.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), torch_site) if p)
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


def _ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or b is None else f"{a / b:.2f}"


def _us(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 1e6:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--number", type=int, default=2000, help="calls per timing")
    parser.add_argument("--repeat", type=int, default=31, help="timings; the median is kept")
    parser.add_argument("--imports", type=int, default=21, help="fresh interpreters to import")
    parser.add_argument("--v1-python", help="an interpreter with torch-schedule-anything 1.2.3")
    parser.add_argument("--no-v1", action="store_true", help="leave 1.2.3 out")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.worker:
        what = options.worker[0]
        if what == "values":
            result = _worker_values(int(options.worker[1]))
        elif what == "import":
            result = _worker_import()
        else:
            result = _worker(what, int(options.worker[1]), int(options.worker[2]))
        print(json.dumps(result))
        return

    n, r = str(options.number), str(options.repeat)
    ours = _run(sys.executable, ["v2", n, r])
    v1: dict[str, float] = {}
    if not options.no_v1:
        v1_python = options.v1_python or _v1_python()
        v1 = _run(v1_python, ["v1", n, r], env=_v1_env())
    values = _run(sys.executable, ["values", str(options.repeat)])
    # Import time with the bytecode cache an installed wheel has (pip compiles .pyc files), in
    # a private cache directory that one unmeasured run fills; and with no bytecode at all
    # (PYTHONDONTWRITEBYTECODE=1 and no cache: every module is compiled from source).
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

    print(f"Machine: {_machine()}")
    print(f"Median of {options.repeat} timings of {options.number} calls each.\n")
    print(
        "| case | groups | ours µs | reference µs | ours / reference | LambdaLR µs |"
        " ours / LambdaLR | 1.2.3 µs | 1.2.3 / ours |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    refs = {"curve": "floor", "sync3": "floor3", "adapter": "steplr"}
    for case, ref in refs.items():
        for g in GROUPS:
            mine = ours[f"{case}/{g}"]
            reference = ours[f"{ref}/{g}"]
            lambdalr = ours[f"lambdalr/{g}"] if case == "curve" else None
            old = v1.get(f"{case}/{g}")
            print(
                f"| {case} | {g} | {_us(mine)} | {_us(reference)} | {_ratio(mine, reference)} "
                f"| {_us(lambdalr)} | {_ratio(mine, lambdalr)} | {_us(old)} "
                f"| {_ratio(old, mine)} |"
            )
    print(
        "\nReferences: curve = hand loop computing base × λ(t) once and writing it to every "
        "group; sync3 = hand loop writing three keys; adapter = the same StepLR on lr directly."
    )
    print("\n| measurement | ours | reference | ratio |")
    print("|---|---:|---:|---:|")
    print(
        f"| values(range(1_000_000)) vs NumPy | {values['values/ours'] * 1e3:.2f} ms "
        f"| {values['values/numpy'] * 1e3:.2f} ms "
        f"| {values['values/ours'] / values['values/numpy']:.2f} |"
    )
    import_ms = statistics.median(i["import"] for i in imports) * 1e3
    first_ms = statistics.median(i["first_use"] for i in imports) * 1e3
    lazy = all(i["lazy"] == 1.0 for i in imports)
    cold_ms = statistics.median(i["import"] for i in no_bytecode) * 1e3
    print(
        f"| import with torch imported, bytecode cached (median of {len(imports)}) "
        f"| {import_ms:.1f} ms | | |"
    )
    print(
        f"| import with torch imported, no bytecode cache (median of {len(no_bytecode)}) "
        f"| {cold_ms:.1f} ms | | |"
    )
    print(f"| first registry use (plugin discovery) | {first_ms:.1f} ms | | |")
    print(f"| plugin discovery only on first use | {'yes' if lazy else 'NO'} | | |")


if __name__ == "__main__":
    main()
