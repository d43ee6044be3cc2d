"""Draw the figures of documentation/rosetta.md: one PNG per family of schedules.

Run from the repository root: ``python documentation/images/rosetta/make_figures.py``. Every
curve drawn is this package's (built-ins and ``compat.fvcore``), evaluated in closed form; no peer
package is needed. Multiplier curves are drawn as λ(t) (a base value of 1), absolute ones as the
values they write. The three families that only the compat drop-ins cover (inverse square root,
warmup-stable-decay, tanh) are drawn from their formula and labelled so.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import torch_schedule_anything as sa
from torch_schedule_anything.compat import fvcore as fv

OUT = Path(__file__).resolve().parent
N = 1000
STEPS = range(N + 1)


def curve(name: str, **params: object) -> list[float]:
    c = sa.curve_from_spec({"name": name, "params": params})
    return [c(t) for t in STEPS]


def figure(filename: str, title: str, lines: list[tuple[str, list[float]]], **kw: object) -> None:
    fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=110)
    for label, ys in lines:
        ax.plot(list(STEPS)[: len(ys)], ys, label=label, linewidth=1.8)
    ax.set_title(title)
    ax.set_xlabel("step t")
    ax.set_ylabel(str(kw.get("ylabel", "λ(t)  (value ÷ base)")))
    if kw.get("log"):
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc=str(kw.get("loc", "best")))
    fig.tight_layout()
    fig.savefig(OUT / filename)
    plt.close(fig)


def main() -> None:
    warm = dict(num_warmup_steps=100, num_training_steps=N)
    figure(
        "cosine.png",
        "Cosine: half-wave (torch, HF, timm, fvcore, optax) vs quarter-wave (1.x built-ins)",
        [
            (
                "half-wave: multiplier(warmup_with_decay), HF 'cosine'",
                curve(
                    "multiplier",
                    curve={
                        "name": "warmup_with_decay",
                        "params": {"base_lr": 1.0, "warmup_steps": 100, "total_steps": N},
                    },
                ),
            ),
            (
                "quarter-wave: cosine_annealing_with_warmup (1.x)",
                curve(
                    "cosine_annealing_with_warmup", warmup_to_value=1.0, anneal_to_value=0.0, **warm
                ),
            ),
            (
                "fvcore:cosine (no warmup) = CosineAnnealingLR",
                curve("fvcore:cosine", start_value=1.0, end_value=0.0, total_steps=N),
            ),
        ],
    )
    figure(
        "linear_polynomial.png",
        "Linear and polynomial decay",
        [
            (
                "linear_schedule_with_warmup (HF 'linear')",
                curve(
                    "linear_schedule_with_warmup", warmup_to_value=1.0, anneal_to_value=0.0, **warm
                ),
            ),
            (
                "polynomial_schedule_with_warmup, P = 2",
                curve(
                    "polynomial_schedule_with_warmup",
                    warmup_to_value=1.0,
                    anneal_to_value=0.1,
                    **warm,
                ),
            ),
            (
                "fvcore:polynomial_decay, P = 0.9 (PolynomialLR)",
                curve("fvcore:polynomial_decay", base_value=1.0, power=0.9, total_steps=N),
            ),
            (
                "fvcore:linear 0.25 → 1 (LinearLR)",
                curve("fvcore:linear", start_value=0.25, end_value=1.0, total_steps=N),
            ),
        ],
    )
    figure(
        "step.png",
        "Step functions",
        [
            (
                "join of constant_schedule (MultiStepLR [300, 700], γ = 0.1)",
                curve(
                    "join",
                    curves=[
                        {"name": "constant_schedule", "params": {"value": v}}
                        for v in (1.0, 0.1, 0.01)
                    ],
                    boundaries=[300, 700],
                ),
            ),
            (
                "fvcore:step_with_fixed_gamma (γ = 0.5, 3 decays)",
                curve(
                    "fvcore:step_with_fixed_gamma",
                    base_value=1.0,
                    num_decays=3,
                    gamma=0.5,
                    num_updates=N,
                    total_steps=N,
                ),
            ),
            (
                "fvcore:multi_step values [1, .3, .05] at 20 %, 50 %",
                curve(
                    "fvcore:multi_step",
                    values=[1.0, 0.3, 0.05],
                    num_updates=10,
                    milestones=[2, 5],
                    total_steps=N,
                ),
            ),
        ],
        log=True,
    )
    exp = [0.996**t for t in STEPS]
    figure(
        "exponential.png",
        "Exponential decay and warmup",
        [
            ("lambda t: 0.996 ** t (ExponentialLR γ = 0.996)", exp),
            (
                "fvcore:exponential start 1, decay 0.02",
                curve("fvcore:exponential", start_value=1.0, decay=0.02, total_steps=N),
            ),
            (
                "exponential_warmup 1e-3 → 1 over 300 (absolute)",
                curve("exponential_warmup", base_lr=1.0, warmup_steps=300, start_lr=1e-3),
            ),
        ],
        log=True,
    )
    figure(
        "cyclical.png",
        "Cyclical: CyclicLR, 1cycle, SGDR",
        [
            (
                "cyclic_lr triangular2 (CyclicLR)",
                curve("cyclic_lr", base_lr=0.1, max_lr=1.0, step_size=125, mode="triangular2"),
            ),
            ("one_cycle_lr (OneCycleLR)", curve("one_cycle_lr", max_lr=1.0, total_steps=N + 1)),
            (
                "cosine_annealing_warm_restarts t_0 = 100, t_mult = 2",
                curve("cosine_annealing_warm_restarts", max_lr=1.0, min_lr=0.0, t_0=100, t_mult=2),
            ),
        ],
        ylabel="value (absolute curves)",
        loc="upper right",
    )
    figure(
        "constant_warmup.png",
        "Constant, and warmups to a constant",
        [
            ("constant_schedule (HF 'constant', ConstantLR after total_iters)", [1.0] * (N + 1)),
            (
                "constant_with_warmup, L = 200 (HF 'constant_with_warmup')",
                curve("constant_with_warmup", warmup_to_value=1.0, num_warmup_steps=200),
            ),
            ("cosine_warmup, L = 400", curve("cosine_warmup", base_lr=0.8, warmup_steps=400)),
            (
                "constant_with_inverse_warmup, R = 3",
                curve(
                    "constant_with_inverse_warmup",
                    warmup_to_value=0.5,
                    num_warmup_steps=300,
                    warmup_multiplier=3.0,
                ),
            ),
        ],
        loc="lower right",
    )
    parts = [fv.LinearParamScheduler(0.0, 1.0), fv.CosineParamScheduler(1.0, 0.0)]
    rescaled = fv.CompositeParamScheduler(parts, [0.2, 0.8], ["rescaled", "rescaled"])
    fixed = fv.CompositeParamScheduler(parts, [0.2, 0.8], ["rescaled", "fixed"])
    figure(
        "composite.png",
        "fvcore CompositeParamScheduler: linear 20 %, then cosine",
        [
            ("interval_scaling rescaled, rescaled", [rescaled.to_curve(N)(t) for t in STEPS]),
            ("interval_scaling rescaled, fixed", [fixed.to_curve(N)(t) for t in STEPS]),
        ],
    )
    # Families only the compat drop-ins cover: drawn from the formula, labelled so.
    inv_sqrt = [
        t / 100 if t < 100 else 1.0 / math.sqrt((t - 100) / 100 + 1)  # timescale = warmup
        for t in STEPS
    ]
    wsd = [
        t / 100 if t < 100 else 1.0 if t < 700 else 0.5 * (1 + math.cos(math.pi * (t - 700) / 300))
        for t in STEPS
    ]
    tanh = [
        0.5 * (1 - math.tanh(-7.0 * (1 - t / N) + 3.0 * t / N))  # timm's lb = -7, ub = 3
        for t in STEPS
    ]
    figure(
        "compat_only.png",
        "Families covered by the compat drop-ins (drawn from their formulas)",
        [
            ("inverse sqrt (HF 'inverse_sqrt', warmup 100)", inv_sqrt),
            ("warmup-stable-decay (HF, cosine decay over the last 30 %)", wsd),
            ("tanh (timm TanhLRScheduler)", tanh),
        ],
    )


if __name__ == "__main__":
    main()
