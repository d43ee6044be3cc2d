"""Regenerate ``tests/data/v1_reference.json`` by running the published 1.2.3 package.

The JSON holds values that ScheduleAnything 1.2.3 really produced, so that
``tests/test_v1_parity.py`` and ``tests/test_resume.py`` can check that 2.x gives the same
numbers wherever 1.2.3 was right (steps ``0..M``; past ``M`` 1.2.3 is wrong and 2.x holds ``A``).

Usage (from the repository root, with the project's virtual environment active)::

    python tests/data/make_v1_reference.py                 # uses $TSA_V1_PATH or /tmp/old/w
    python tests/data/make_v1_reference.py --download      # pip download 1.2.3 into a temp dir

The 1.2.3 code runs in a child process whose ``PYTHONPATH`` starts with the unpacked wheel,
and the child refuses to run unless it imported version 1.2.3 from there. Nothing in the JSON
is written by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "v1_reference.json"
VERSION = "1.2.3"
#: The base values of the two param groups (different, so a per-group mix-up shows).
BASES = {"lr": [0.1, 0.03], "weight_decay": [1e-4, 0.02]}

# (function, positional args after the optimizer, keyword args); M is the 4th positional
# argument for the warmup-then-anneal curves. The grid covers L = 0, M == L, anneal upwards
# (A > W), default and explicit R and P, integer arguments and both targets.
_ANNEAL = [
    "cosine_annealing_with_warmup",
    "linear_schedule_with_warmup",
    "quadratic_schedule_with_warmup",
    "sqrt_schedule_with_warmup",
]
_ANNEAL_INVERSE = [
    "cosine_annealing_with_inverse_warmup",
    "linear_schedule_with_inverse_warmup",
    "quadratic_schedule_with_inverse_warmup",
    "sqrt_schedule_with_inverse_warmup",
]


def _grid() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []

    def add(function: str, args: list[Any], kwargs: dict[str, Any], horizon: int) -> None:
        target = kwargs.get("schedule_target", "lr")
        cases.append(
            {"function": function, "args": args, "kwargs": kwargs, "target": target, "M": horizon}
        )

    for name in _ANNEAL:
        add(name, [1.0, 0.01, 5, 20], {}, 20)
        add(name, [2.5, 0.3, 0, 7], {"schedule_target": "weight_decay"}, 7)
        add(name, [0.2, 1.3, 4, 13], {}, 13)
        add(name, [1, 0, 3, 3], {}, 3)
    for name in _ANNEAL_INVERSE:
        add(name, [1.0, 0.01, 5, 20], {}, 20)
        add(name, [0.5, 0.05, 4, 11], {"warmup_multiplier": 5.0}, 11)
        add(
            name, [2.0, 0.0, 0, 6], {"warmup_multiplier": 3.0, "schedule_target": "weight_decay"}, 6
        )
        add(name, [1.0, 0.25, 3, 3], {}, 3)
    poly = "polynomial_schedule_with_warmup"
    add(poly, [1.0, 0.01, 5, 20], {}, 20)
    add(poly, [1.0, 0.01, 5, 20], {"polynomial_exponent": 3.0}, 20)
    add(poly, [0.8, 0.1, 2, 9, 1.7], {"schedule_target": "weight_decay"}, 9)
    add(poly, [0.3, 0.9, 0, 8, 0.25], {}, 8)
    add(poly, [1.0, 0.5, 2, 2, 4.0], {}, 2)
    ipoly = "polynomial_schedule_with_inverse_warmup"
    add(ipoly, [1.0, 0.01, 5, 20], {}, 20)
    add(ipoly, [1.0, 0.01, 5, 20, 3.0, 4.0], {}, 20)
    add(ipoly, [0.8, 0.1, 2, 9], {"polynomial_exponent": 0.7, "warmup_multiplier": 10.0}, 9)
    add(ipoly, [0.3, 0.9, 0, 8, 1.5], {"schedule_target": "weight_decay"}, 8)
    add(ipoly, [1.0, 0.5, 2, 2], {}, 2)
    add("constant_with_warmup", [1.5, 4], {}, 10)
    add("constant_with_warmup", [0.5, 0], {"schedule_target": "weight_decay"}, 5)
    add("constant_with_inverse_warmup", [1.0, 5], {}, 10)
    add("constant_with_inverse_warmup", [0.4, 3, 7.0], {}, 8)
    add("constant_with_inverse_warmup", [2.0, 0], {"schedule_target": "weight_decay"}, 4)
    add("constant_schedule", [0.5], {}, 5)
    add("constant_schedule", [3], {"schedule_target": "weight_decay"}, 5)
    return cases


def _make_optimizer(torch: Any) -> Any:
    torch.manual_seed(0)
    first = torch.nn.Parameter(torch.ones(3))
    second = torch.nn.Parameter(torch.ones(2))
    return torch.optim.SGD(
        [
            {
                "params": [first],
                "lr": BASES["lr"][0],
                "weight_decay": BASES["weight_decay"][0],
            },
            {
                "params": [second],
                "lr": BASES["lr"][1],
                "weight_decay": BASES["weight_decay"][1],
            },
        ],
        lr=0.5,
        momentum=0.9,
    )


def _values(optimizer: Any, key: str) -> list[float]:
    return [float(group[key]) for group in optimizer.param_groups]


def _child() -> dict[str, Any]:
    """Run inside the child process: import 1.2.3 and record what it produces."""
    import torch

    import torch_schedule_anything as sa

    origin = Path(sa.__file__).resolve()
    if getattr(sa, "__version__", None) != VERSION or "site-packages" in str(origin).lower():
        raise SystemExit(f"expected torch_schedule_anything {VERSION}, imported {origin}")
    if hasattr(sa, "CurveSchedule"):
        raise SystemExit(f"imported the 2.x package from {origin}, not {VERSION}")
    warnings.simplefilter("ignore")  # 1.2.3 steps schedulers without an optimizer step

    cases = _grid()
    for case in cases:
        optimizer = _make_optimizer(torch)
        schedule = getattr(sa, case["function"])(optimizer, *case["args"], **case["kwargs"])
        rows = [_values(optimizer, case["target"])]
        for _ in range(case["M"]):
            schedule.step()
            rows.append(_values(optimizer, case["target"]))
        case["bases"] = BASES[case["target"]]
        case["values"] = rows

    return {
        "generator": "tests/data/make_v1_reference.py",
        "package": f"torch-schedule-anything=={VERSION}",
        "package_file": str(origin.parent.name) + "/__init__.py",
        "torch": torch.__version__.split("+")[0],
        "optimizer": "SGD, two param groups, lr=[0.1, 0.03], weight_decay=[1e-4, 0.02], "
        "momentum=0.9",
        "note": "values[t][g] = the target's value in param group g after t scheduler steps, "
        "t = 0..M (1.2.3 is wrong past M, so nothing past M is recorded)",
        "cases": cases,
        "resume": _resume(torch, sa),
    }


def _resume(torch: Any, sa: Any) -> dict[str, Any]:
    """A 1.2.3 checkpoint at step ``k`` and the values 1.2.3 writes after it."""
    from torch.optim.lr_scheduler import StepLR

    total, stop = 12, 5
    optimizer = _make_optimizer(torch)
    schedules = [
        sa.cosine_annealing_with_warmup(optimizer, 1.0, 0.05, 3, total),
        sa.quadratic_schedule_with_inverse_warmup(
            optimizer, 1.0, 2.0, 2, total, 4.0, schedule_target="weight_decay"
        ),
        sa.arbitrary_schedule_factory(
            optimizer,
            lambda opt: StepLR(opt, step_size=4, gamma=0.5),
            schedule_target="momentum",
        ),
    ]
    sync = sa.SynchronousSchedule(schedules)
    keys = ["lr", "weight_decay", "momentum"]
    values = [{k: _values(optimizer, k) for k in keys}]
    checkpoint: dict[str, Any] = {}
    for step in range(1, total + 1):
        sync.step()
        values.append({k: _values(optimizer, k) for k in keys})
        if step == stop:
            checkpoint = {
                "sync": sync.state_dict(),
                "optimizer_param_groups": optimizer.state_dict()["param_groups"],
            }
    return {
        "schedules": [
            "cosine_annealing_with_warmup(opt, 1.0, 0.05, 3, 12)",
            "quadratic_schedule_with_inverse_warmup(opt, 1.0, 2.0, 2, 12, 4.0, "
            "schedule_target='weight_decay')",
            "arbitrary_schedule_factory(opt, lambda o: StepLR(o, step_size=4, gamma=0.5), "
            "schedule_target='momentum')",
        ],
        "total_steps": total,
        "checkpoint_step": stop,
        "checkpoint": checkpoint,
        "values": values,
    }


def _download(tmp: Path) -> Path:
    wheels = tmp / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            f"torch-schedule-anything=={VERSION}",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            str(wheels),
        ],
        check=True,
    )
    (wheel,) = wheels.glob("*.whl")
    unpacked = tmp / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    return unpacked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--download", action="store_true", help="pip download 1.2.3 first")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args()
    if options.child:
        json.dump(_child(), sys.stdout)
        return
    with tempfile.TemporaryDirectory() as tmp:
        if options.download:
            location = _download(Path(tmp))
        else:
            location = Path(os.environ.get("TSA_V1_PATH", "/tmp/old/w"))
        if not (location / "torch_schedule_anything" / "infrastructure.py").is_file():
            raise SystemExit(f"no 1.2.3 package under {location}; use --download")
        env = dict(os.environ, PYTHONPATH=str(location), TSA_DISABLE_PLUGIN_AUTOLOAD="1")
        # Run from the temp dir so that neither the source tree nor tests/ shadow the wheel.
        result = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child"],
            env=env,
            cwd=tmp,
            check=True,
            capture_output=True,
            text=True,
        )
    data = json.loads(result.stdout)
    options.output.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {options.output} ({len(data['cases'])} cases)")


if __name__ == "__main__":
    main()
