"""Per-step cost of scheduling, as a ratio to the hand-written loop it replaces.

What is measured: the time of one ``.step()`` of a ScheduleAnything schedule, for each case
below, divided by the time of one call of its baseline (the minimal code a user would write by
hand to get the same values into the param groups, or the same torch scheduler used directly).
Each optimizer has G param groups of one small ``Parameter`` each.

=====================  =========================================  ==========================
case                   ours                                       baseline
=====================  =========================================  ==========================
``curve/{1,10,100}``   ``cosine_annealing_with_warmup`` on ``lr``  hand loop: ``v = 0.1·λ(t)``
                       (SGD, every group lr=0.1)                  once, written to each group
``curve-pergroup/100`` the same, group i at lr=0.1·(1 + i/100)    hand loop: ``b_g·λ(t)``
``sync3/100``          ``SynchronousSchedule`` of cosine (lr),     hand loop computing the
                       linear (weight_decay), quadratic            three values and writing
                       (momentum); SGD momentum=0.9, wd=0.01       three keys per group
``betas0/100``         cosine on ``betas[0]`` (AdamW)              the same schedule on
                                                                   ``weight_decay`` (AdamW)
``tensor-lr/100``      cosine on ``lr``, Adam with a tensor lr     hand loop:
                       per group                                   ``g["lr"].fill_(v)``
``adapter/100``        ``arbitrary_schedule_factory`` of           the same ``StepLR`` on a
                       ``StepLR(step_size=1000, gamma=0.999)``     second optimizer directly
=====================  =========================================  ==========================

λ(t) is the quarter-wave cosine of the library's ``cosine_annealing_with_warmup``, written out
as a plain function (``A + (W - A)·cos(π/2·p)``, ``p = (t - L)/(M - L)`` for ``t ≥ L``). The
horizon ``M`` is 10**9, so no horizon warning fires and every timed step of the curve cases is
in the annealing branch (the first warm-up calls pass the ``L = 10`` warmup steps).

How: everything runs in this one process. After one untimed warm-up pass of ``--number`` calls
of every callable, each of ``--rounds`` rounds times every callable (each case and each
baseline) once with ``timeit`` for ``--number`` calls, in an order that rotates from round to
round (and is reversed on odd rounds, so a case is timed sometimes before and sometimes after
its baseline); the garbage collector is disabled for the rounds. A busy moment of the machine
therefore hits a case and its baseline alike, and the per-round ratio ``ours / baseline``
cancels most of it. Reported per case: the median of the per-round ratios, their interquartile
range and their min–max, and the median µs per call of each side. Both sides of a pair are
called equally often, so at the end they must hold the same values; the table says whether
they do. Every call includes one Python call (``timeit`` calling the function), on both sides.

Run (from the repository root)::

    python benchmarks/bench_binding.py [--rounds 21] [--number 2000] [--markdown]

The default output is the Markdown table with the machine, followed by each case's per-round
ratios; ``--markdown`` prints only the Markdown (machine, table, notes), ready to paste.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import math
import os
import platform
import statistics
import sys
import timeit
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.optim.lr_scheduler import StepLR

import torch_schedule_anything as sa

W, A, L, M = 1.0, 0.01, 10, 10**9  # warmup_to, anneal_to, warmup steps, training steps
GROUPS = 100
_HALF_PI = math.pi / 2

Step = Callable[[], Any]


# -- the schedule's multiplier λ(t), written out as a user would --------------------------
def cosine(t: int) -> float:
    if t < L:
        return W * t / L
    p = min(1.0, (t - L) / (M - L))
    return A + (W - A) * math.cos(_HALF_PI * p)


# -- optimizers ---------------------------------------------------------------------------
def _params(n_groups: int, **options: Any) -> list[dict[str, Any]]:
    return [{"params": [torch.nn.Parameter(torch.zeros(1))], **options} for _ in range(n_groups)]


def sgd(n_groups: int, per_group_lr: bool = False) -> torch.optim.SGD:
    groups = _params(n_groups)
    if per_group_lr:
        for i, group in enumerate(groups):
            group["lr"] = 0.1 * (1 + i / 100)
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9, weight_decay=0.01)


def adamw(n_groups: int) -> torch.optim.AdamW:
    return torch.optim.AdamW(_params(n_groups), lr=0.01, betas=(0.9, 0.999), weight_decay=0.01)


def adam_tensor_lr(n_groups: int) -> torch.optim.Adam:
    groups = [
        {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": torch.tensor(0.01)}
        for _ in range(n_groups)
    ]
    return torch.optim.Adam(groups)


# -- baselines: hand loops ----------------------------------------------------------------
def hand_curve(optimizer: torch.optim.Optimizer, base: float) -> Step:
    groups = optimizer.param_groups
    t = 0

    def step() -> None:
        nonlocal t
        t += 1
        v = base * cosine(t)
        for g in groups:
            g["lr"] = v

    return step


def hand_curve_pergroup(optimizer: torch.optim.Optimizer) -> Step:
    groups = optimizer.param_groups
    bases = [float(g["lr"]) for g in groups]
    t = 0

    def step() -> None:
        nonlocal t
        t += 1
        lam_t = cosine(t)
        for g, b in zip(groups, bases):
            g["lr"] = b * lam_t

    return step


def hand_sync3(optimizer: torch.optim.Optimizer) -> Step:
    groups = optimizer.param_groups
    t = 0

    def step() -> None:
        nonlocal t
        t += 1
        if t < L:
            lam_lr = lam_wd = lam_mom = W * t / L
        else:
            p = min(1.0, (t - L) / (M - L))
            lam_lr = A + (W - A) * math.cos(_HALF_PI * p)
            lam_wd = A + (W - A) * (1 - p)
            lam_mom = A + (W - A) * (1 - p) ** 2
        lr, wd, mom = 0.1 * lam_lr, 0.01 * lam_wd, 0.9 * lam_mom
        for g in groups:
            g["lr"] = lr
            g["weight_decay"] = wd
            g["momentum"] = mom

    return step


def hand_tensor_lr(optimizer: torch.optim.Optimizer, base: float) -> Step:
    groups = optimizer.param_groups
    t = 0

    def step() -> None:
        nonlocal t
        t += 1
        v = base * cosine(t)
        for g in groups:
            g["lr"].fill_(v)

    return step


# -- the cases ----------------------------------------------------------------------------
@dataclass
class Case:
    name: str
    ours: Step
    baseline: Step
    baseline_label: str
    same_values: Callable[[], bool]
    target: float | None = None
    ours_s: list[float] = field(default_factory=list)  # seconds per call, one per round
    baseline_s: list[float] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [a / b for a, b in zip(self.ours_s, self.baseline_s)]


def _close(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-9) for x, y in zip(a, b))


def _key(optimizer: torch.optim.Optimizer, key: str) -> list[float]:
    return [float(g[key]) for g in optimizer.param_groups]


def _compare(ours: torch.optim.Optimizer, theirs: torch.optim.Optimizer, *keys: str) -> bool:
    return all(_close(_key(ours, k), _key(theirs, k)) for k in keys)


def curve_case(n_groups: int) -> Case:
    opt, ref = sgd(n_groups), sgd(n_groups)
    return Case(
        f"curve/{n_groups}",
        sa.cosine_annealing_with_warmup(opt, W, A, L, M).step,
        hand_curve(ref, 0.1),
        "hand loop",
        lambda: _compare(opt, ref, "lr"),
        target=1.5 if n_groups == 100 else None,
    )


def curve_pergroup_case() -> Case:
    opt, ref = sgd(GROUPS, per_group_lr=True), sgd(GROUPS, per_group_lr=True)
    return Case(
        f"curve-pergroup/{GROUPS}",
        sa.cosine_annealing_with_warmup(opt, W, A, L, M).step,
        hand_curve_pergroup(ref),
        "hand loop, per-group base",
        lambda: _compare(opt, ref, "lr"),
    )


def sync3_case() -> Case:
    opt, ref = sgd(GROUPS), sgd(GROUPS)
    sync = sa.SynchronousSchedule(
        [
            sa.cosine_annealing_with_warmup(opt, W, A, L, M),
            sa.linear_schedule_with_warmup(opt, W, A, L, M, schedule_target="weight_decay"),
            sa.quadratic_schedule_with_warmup(opt, W, A, L, M, schedule_target="momentum"),
        ]
    )
    return Case(
        f"sync3/{GROUPS}",
        sync.step,
        hand_sync3(ref),
        "hand loop, 3 keys",
        lambda: _compare(opt, ref, "lr", "weight_decay", "momentum"),
        target=2.0,
    )


def betas_case() -> Case:
    opt, ref = adamw(GROUPS), adamw(GROUPS)
    ours = sa.cosine_annealing_with_warmup(opt, W, A, L, M, schedule_target="betas[0]")
    theirs = sa.cosine_annealing_with_warmup(ref, W, A, L, M, schedule_target="weight_decay")

    def same_values() -> bool:  # same λ(t): betas[0] / 0.9 against weight_decay / 0.01
        beta1 = [float(g["betas"][0]) / 0.9 for g in opt.param_groups]
        return _close(beta1, [wd / 0.01 for wd in _key(ref, "weight_decay")])

    return Case(
        f"betas0/{GROUPS}",
        ours.step,
        theirs.step,
        "same schedule on weight_decay",
        same_values,
        target=3.0,
    )


def tensor_lr_case() -> Case:
    opt, ref = adam_tensor_lr(GROUPS), adam_tensor_lr(GROUPS)
    return Case(
        f"tensor-lr/{GROUPS}",
        sa.cosine_annealing_with_warmup(opt, W, A, L, M).step,
        hand_tensor_lr(ref, 0.01),
        "hand loop, fill_",
        lambda: _compare(opt, ref, "lr"),
    )


def adapter_case() -> Case:
    opt, ref = sgd(GROUPS), sgd(GROUPS)
    adapted = sa.arbitrary_schedule_factory(opt, lambda o: StepLR(o, step_size=1000, gamma=0.999))
    return Case(
        f"adapter/{GROUPS}",
        adapted.step,
        StepLR(ref, step_size=1000, gamma=0.999).step,
        "StepLR directly",
        lambda: _compare(opt, ref, "lr"),
    )


def build_cases() -> list[Case]:
    return [
        curve_case(1),
        curve_case(10),
        curve_case(100),
        curve_pergroup_case(),
        sync3_case(),
        betas_case(),
        tensor_lr_case(),
        adapter_case(),
    ]


# -- timing -------------------------------------------------------------------------------
def run_rounds(cases: list[Case], rounds: int, number: int) -> None:
    """Time every case and baseline once per round, interleaved, in a rotating order."""
    slots: list[tuple[Step, list[float]]] = []
    for case in cases:
        slots.append((case.ours, case.ours_s))
        slots.append((case.baseline, case.baseline_s))
    for fn, _ in slots:  # warm-up pass, untimed: caches, branches, the warmup steps of λ
        for _ in range(number):
            fn()
    gc.collect()
    gc.disable()
    try:
        for r in range(rounds):
            shift = r % len(slots)
            order = slots[shift:] + slots[:shift]
            if r % 2:
                order.reverse()
            for fn, out in order:
                out.append(timeit.timeit(fn, number=number) / number)
    finally:
        gc.enable()


# -- report -------------------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu} ({platform.machine()}), {os.cpu_count()} CPUs, {platform.system()}; "
        f"Python {platform.python_version()}, torch {torch.__version__}, "
        f"torch-schedule-anything {sa.__version__}"
    )


def _quartiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def markdown(cases: list[Case], rounds: int, number: int, started: str) -> str:
    lines = [
        f"Machine: {machine()}",
        f"Run: {started}; {rounds} rounds × {number} calls per case and baseline, interleaved "
        "round-robin in one process, gc disabled.",
        "",
        "| case | baseline | ours µs/step | baseline µs/step | ratio (median) | IQR | min–max "
        "| target | met | same values |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for case in cases:
        ratios = case.ratios
        q1, q3 = _quartiles(ratios)
        median = statistics.median(ratios)
        if case.target is None:
            target, met = "—", "—"
        else:
            target, met = f"≤ {case.target:g}", "yes" if median <= case.target else "**NO**"
        lines.append(
            f"| {case.name} | {case.baseline_label} "
            f"| {statistics.median(case.ours_s) * 1e6:.2f} "
            f"| {statistics.median(case.baseline_s) * 1e6:.2f} "
            f"| {median:.2f} | {q1:.2f}–{q3:.2f} | {min(ratios):.2f}–{max(ratios):.2f} "
            f"| {target} | {met} | {'yes' if case.same_values() else '**NO**'} |"
        )
    lines += [
        "",
        "Ratio = ours / baseline, per round; µs/step = median over the rounds. "
        "`met` compares the median ratio with the target. `same values`: after the same number "
        "of steps both sides hold the same values (betas0: betas[0]/0.9 = weight_decay/0.01).",
    ]
    return "\n".join(lines)


def per_round(cases: list[Case]) -> str:
    width = max(len(case.name) for case in cases)
    lines = ["Per-round ratios (ours / baseline), in round order:"]
    for case in cases:
        lines.append(f"  {case.name:<{width}}  " + " ".join(f"{x:.2f}" for x in case.ratios))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="rounds (default 21)")
    parser.add_argument(
        "--number", type=int, default=2000, help="calls per timing, per round (default 2000)"
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print only the Markdown (machine, table, notes)"
    )
    options = parser.parse_args(argv)
    if options.rounds < 1 or options.number < 1:
        parser.error("--rounds and --number must be at least 1")
    if (options.rounds + 1) * options.number + L >= M:
        parser.error("too many steps for the horizon M; lower --rounds or --number")

    # Neither side ever calls optimizer.step(); torch's schedulers warn about that once.
    warnings.filterwarnings("ignore", message=r"Detected call of `lr_scheduler\.step\(\)`")
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    cases = build_cases()
    if not options.markdown:
        print(
            f"timing {len(cases)} cases and their baselines: {options.rounds} rounds × "
            f"{options.number} calls ...",
            file=sys.stderr,
        )
    run_rounds(cases, options.rounds, options.number)
    print(markdown(cases, options.rounds, options.number, started))
    if not options.markdown:
        print()
        print(per_round(cases))


if __name__ == "__main__":
    main()
