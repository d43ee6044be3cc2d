"""How much does ``CurveSchedule.step()`` cost over the minimal hand-written loop?

For 1, 10 and 100 param groups, prints the median time of one ``CurveSchedule.step()`` and of
the hand loop it replaces, measured in the same run::

    t += 1
    v = base * lam(t)
    for g in groups:
        g["lr"] = v

and their ratio. ``same base`` = every group starts from the same lr (one product per step);
``per-group base`` = the groups start from different lrs (one product per group, in both).

Run: ``python benchmarks/quick_step.py [--number 2000] [--repeat 31]``.
"""

from __future__ import annotations

import argparse
import statistics
import timeit
from collections.abc import Callable

import torch

from torch_schedule_anything import CurveSchedule
from torch_schedule_anything.curves import CosineAnnealingWithWarmup


def make_optimizer(n_groups: int, same_base: bool) -> torch.optim.SGD:
    groups = [
        {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.1 if same_base else 0.1 + i}
        for i in range(n_groups)
    ]
    return torch.optim.SGD(groups, lr=0.1)


def median_seconds(fn: Callable[[], None], number: int, repeat: int) -> float:
    return statistics.median(timeit.repeat(fn, number=number, repeat=repeat)) / number


def measure(n_groups: int, same_base: bool, number: int, repeat: int) -> tuple[float, float]:
    # A horizon far beyond the steps timed, so both sides evaluate the same (cosine) branch.
    horizon = 10 * number * repeat + 10
    curve = CosineAnnealingWithWarmup(1.0, 0.01, 10, horizon)

    optimizer = make_optimizer(n_groups, same_base)
    schedule = CurveSchedule(optimizer, curve, "lr")
    ours = median_seconds(schedule.step, number, repeat)

    optimizer = make_optimizer(n_groups, same_base)
    groups = optimizer.param_groups
    lam = curve.__call__
    state = {"t": 0}
    if same_base:
        base = 0.1

        def hand_loop() -> None:
            state["t"] = t = state["t"] + 1
            v = base * lam(t)
            for g in groups:
                g["lr"] = v

    else:
        bases = [g["lr"] for g in groups]

        def hand_loop() -> None:
            state["t"] = t = state["t"] + 1
            x = lam(t)
            for g, b in zip(groups, bases):
                g["lr"] = b * x

    hand = median_seconds(hand_loop, number, repeat)
    return ours, hand


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=2000, help="calls per timing")
    parser.add_argument("--repeat", type=int, default=31, help="timings (the median is kept)")
    options = parser.parse_args()
    print(f"torch {torch.__version__}; median of {options.repeat} x {options.number} calls")
    print(f"{'groups':>6}  {'bases':<15}{'step() µs':>11}{'hand loop µs':>14}{'ratio':>8}")
    for same_base in (True, False):
        for n_groups in (1, 10, 100):
            ours, hand = measure(n_groups, same_base, options.number, options.repeat)
            label = "same base" if same_base else "per-group base"
            print(
                f"{n_groups:>6}  {label:<15}{ours * 1e6:>11.3f}{hand * 1e6:>14.3f}"
                f"{ours / hand:>8.2f}"
            )


if __name__ == "__main__":
    main()
