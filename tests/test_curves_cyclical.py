"""The cyclical curves of seed 002 (curves/cyclical.py): formulas, torch parity, validation."""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts as TorchSGDR
from torch.optim.lr_scheduler import CyclicLR as TorchCyclicLR
from torch.optim.lr_scheduler import LRScheduler
from torch.optim.lr_scheduler import OneCycleLR as TorchOneCycleLR

import torch_schedule_anything as sa
from torch_schedule_anything.curves import (
    AbsoluteCurve,
    CosineAnnealingWarmRestarts,
    Curve,
    CyclicLR,
    ExponentialCyclicLR,
    OneCycleLR,
    OneCycleMomentum,
)

# -- the formulas, written again from the documentation ------------------------------------


def triangle(t: int, up: int, down: int) -> tuple[int, float]:
    period = up + down
    k = t // period
    r = t - k * period
    return k, (r / up if r <= up else (period - r) / down)


def cyclic_ref(b, a, up, down, mode, gamma, t) -> float:
    k, s = triangle(t, up, down)
    scale = {"triangular": 1.0, "triangular2": 1 / 2**k, "exp_range": gamma**t}[mode]
    return b + (a - b) * s * scale


def exp_cyclic_ref(b, a, up, down, gamma, t) -> float:
    _, s = triangle(t, up, down)
    return b * (a / b) ** (s * gamma**t)


def one_cycle_ref(v0, v1, v2, n, pct, strategy, t) -> float:
    e1, e2 = pct * n - 1, n - 1
    u = min(t, e2)

    def f(x, y, q):
        if strategy == "cos":
            return y + (x - y) * (1 + math.cos(math.pi * q)) / 2
        return x + (y - x) * q

    if u <= e1:
        return f(v0, v1, u / e1) if e1 > 0 else v1
    return f(v1, v2, (u - e1) / (e2 - e1))


def sgdr_ref(a, m, t0, mult, t) -> float:
    start, length = 0, t0
    while start + length <= t:  # walk the cycles: the slow, obviously right way
        start += length
        length *= mult
    return m + (a - m) * (1 + math.cos(math.pi * (t - start) / length)) / 2


# -- formulas at every step ------------------------------------------------------------------

CASES: list[tuple[Curve, Callable[[int], float]]] = [
    (CyclicLR(1e-4, 1e-2, 20), lambda t: cyclic_ref(1e-4, 1e-2, 20, 20, "triangular", 1, t)),
    (
        CyclicLR(1e-4, 1e-2, 13, "triangular2", step_size_down=7),
        lambda t: cyclic_ref(1e-4, 1e-2, 13, 7, "triangular2", 1, t),
    ),
    (
        CyclicLR(0.9, 0.8, 10, "exp_range", gamma=0.999),
        lambda t: cyclic_ref(0.9, 0.8, 10, 10, "exp_range", 0.999, t),
    ),
    (
        ExponentialCyclicLR(1e-4, 1e-1, 25),
        lambda t: exp_cyclic_ref(1e-4, 1e-1, 25, 25, 1.0, t),
    ),
    (
        ExponentialCyclicLR(1e-4, 1e-1, 25, gamma=0.998, step_size_down=40),
        lambda t: exp_cyclic_ref(1e-4, 1e-1, 25, 40, 0.998, t),
    ),
    (
        OneCycleLR(0.1, 1000),
        lambda t: one_cycle_ref(0.1 / 25, 0.1, 0.1 / 25 / 1e4, 1000, 0.3, "cos", t),
    ),
    (
        OneCycleLR(2.0, 777, 0.45, "linear", 10.0, 100.0),
        lambda t: one_cycle_ref(0.2, 2.0, 0.002, 777, 0.45, "linear", t),
    ),
    (
        OneCycleMomentum(1000, 0.25, base_momentum=0.8, max_momentum=0.99),
        lambda t: one_cycle_ref(0.99, 0.8, 0.99, 1000, 0.25, "cos", t),
    ),
    (
        CosineAnnealingWarmRestarts(0.1, 1e-4, 10, 1),
        lambda t: sgdr_ref(0.1, 1e-4, 10, 1, t),
    ),
    (
        CosineAnnealingWarmRestarts(0.1, 1e-4, 10),
        lambda t: sgdr_ref(0.1, 1e-4, 10, 2, t),
    ),
    (
        CosineAnnealingWarmRestarts(0.1, 0.0, 3, 3),
        lambda t: sgdr_ref(0.1, 0.0, 3, 3, t),
    ),
]
IDS = [repr(c) for c, _ in CASES]


@pytest.mark.parametrize(("curve", "ref"), CASES, ids=IDS)
def test_curve_matches_its_formula_at_every_step(curve, ref) -> None:
    for t in range(1200):
        assert curve.get_lr(t) == pytest.approx(ref(t), rel=1e-11, abs=1e-300), t


@pytest.mark.parametrize(("curve", "ref"), CASES, ids=IDS)
def test_values_agree_with_scalar_calls(curve, ref) -> None:
    vec = curve.values(range(3000))
    assert vec.dtype == torch.float64
    scalar = torch.tensor([curve(t) for t in range(3000)], dtype=torch.float64)
    torch.testing.assert_close(vec, scalar, rtol=1e-12, atol=0.0)
    far = torch.tensor([10**6, 10**6 + 1, 123_457, 0])
    torch.testing.assert_close(
        curve.values(far), torch.tensor([curve(int(t)) for t in far], dtype=torch.float64)
    )


def test_cyclic_boundaries() -> None:
    c = CyclicLR(0.1, 0.5, 2, "triangular2")
    assert [c(t) for t in (0, 2, 4, 8)] == [0.1, 0.5, 0.1, 0.1]  # cycle starts and peak
    assert [c(t) for t in (6, 10)] == pytest.approx([0.3, 0.2], rel=1e-15)  # halved peaks
    c = CyclicLR(1.0, 3.0, 3, step_size_down=1)
    assert [c(t) for t in range(5)] == [1.0, 1.0 + 2 / 3, 1.0 + 4 / 3, 3.0, 1.0]
    assert c.horizon is None


def test_one_cycle_boundaries_and_hold() -> None:
    c = OneCycleLR(1.0, 10, 0.3, div_factor=10.0, final_div_factor=10.0)
    assert c(0) == 0.1  # max / div
    assert c(2) == 1.0  # the peak at pct_start·N − 1
    assert c(9) == pytest.approx(0.01, rel=1e-15)  # max / div / final at N − 1
    assert c(10) == c(9) and c(10**6) == c(9)
    assert c.horizon == 9
    m = OneCycleMomentum(10, 0.3)
    assert (m(0), m(2), m(9), m(50)) == (0.95, 0.85, 0.95, 0.95)


def test_one_cycle_degenerate_phases() -> None:
    # pct_start·N − 1 == 0: torch divides 0 by 0 at step 0; the curve starts at the peak.
    c = OneCycleLR(1.0, 10, pct_start=0.1, div_factor=4.0, final_div_factor=2.0)
    assert c(0) == 1.0
    assert c(9) == 0.125
    # pct_start = 1: it only rises, and holds the peak.
    c = OneCycleLR(1.0, 5, pct_start=1.0, div_factor=4.0)
    assert c(4) == 1.0 and c(5) == 1.0
    assert c.values(range(7)).tolist() == [c(t) for t in range(7)]
    # one step in all
    assert OneCycleLR(1.0, 1, 0.3)(0) == pytest.approx(1.0 / 25 / 1e4)


def test_sgdr_restarts_exactly_at_cycle_starts() -> None:
    c = CosineAnnealingWarmRestarts(1.0, 0.0, t_0=5, t_mult=2)
    starts = [0, 5, 15, 35, 75, 155]
    for s in starts:
        assert c(s) == 1.0
        assert c.cycle(s)[1] == 0
    assert c(14) < c(15)
    assert c.cycle(155) == (5, 0, 160)
    big = 5 * (2**40 - 1)  # the start of cycle 40: the float estimate of the index must settle
    assert c.cycle(big) == (40, 0, 5 * 2**40)
    assert c.cycle(big - 1) == (39, 5 * 2**39 - 1, 5 * 2**39)
    assert c.values(torch.tensor([big - 1, big])).tolist() == [c(big - 1), c(big)]


# -- parity with torch, on real optimizers, stepped at every step ---------------------------


def run_pair(torch_factory, curve: Curve, steps: int, target: str = "lr", adam: bool = False):
    """Step torch's scheduler on one optimizer and sa.schedule(curve) on another, together."""

    def make_opt() -> torch.optim.Optimizer:
        torch.manual_seed(0)
        model = torch.nn.Linear(3, 1)
        if adam:
            return torch.optim.AdamW(model.parameters(), lr=0.5)
        return torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)

    ref_opt, our_opt = make_opt(), make_opt()
    reference: LRScheduler = torch_factory(ref_opt)
    ours = sa.schedule(our_opt, curve, target)
    key, index = (target, None) if "[" not in target else ("betas", 0)

    def read(opt) -> float:
        value = opt.param_groups[0][key]
        return float(value if index is None else value[index])

    worst = 0.0
    for t in range(steps + 1):
        if t:
            ref_opt.step()
            our_opt.step()
            reference.step()
            ours.step()
        expected, got = read(ref_opt), read(our_opt)
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-300), (t, got, expected)
        worst = max(worst, abs(got - expected) / abs(expected))
    return worst


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
def test_cyclic_lr_matches_torch(mode) -> None:
    run_pair(
        lambda o: TorchCyclicLR(
            o, 0.01, 0.1, 37, 23, mode=mode, gamma=0.9995, cycle_momentum=False
        ),
        CyclicLR(0.01, 0.1, 37, mode, 0.9995, step_size_down=23),
        3000,
    )


def test_cyclic_lr_inverse_cycle_matches_torch_momentum_cycling() -> None:
    run_pair(
        lambda o: TorchCyclicLR(o, 0.01, 0.1, 40, base_momentum=0.8, max_momentum=0.95),
        CyclicLR(base_lr=0.95, max_lr=0.8, step_size=40),
        1000,
        target="momentum",
    )


@pytest.mark.parametrize(
    ("pct_start", "strategy"), [(0.3, "cos"), (0.25, "linear"), (0.0, "cos"), (1.0, "cos")]
)
def test_one_cycle_lr_matches_torch(pct_start, strategy) -> None:
    n = 2500
    run_pair(
        lambda o: TorchOneCycleLR(
            o,
            0.4,
            total_steps=n,
            pct_start=pct_start,
            anneal_strategy=strategy,
            div_factor=20.0,
            final_div_factor=1e3,
            cycle_momentum=False,
        ),
        OneCycleLR(0.4, n, pct_start, strategy, 20.0, 1e3),
        n - 1,
    )


def test_one_cycle_momentum_matches_torch_on_momentum_and_betas() -> None:
    n = 2000
    curve = OneCycleMomentum(n, 0.3, "cos", base_momentum=0.8, max_momentum=0.97)

    def factory(o):
        return TorchOneCycleLR(o, 0.4, total_steps=n, base_momentum=0.8, max_momentum=0.97)

    run_pair(factory, curve, n - 1, target="momentum")
    run_pair(factory, curve, n - 1, target="betas[0]", adam=True)


@pytest.mark.parametrize("t_mult", [1, 2, 3])
def test_sgdr_matches_torch(t_mult) -> None:
    run_pair(
        lambda o: TorchSGDR(o, T_0=17, T_mult=t_mult, eta_min=1e-3),
        CosineAnnealingWarmRestarts(max_lr=0.5, min_lr=1e-3, t_0=17, t_mult=t_mult),
        4000,
    )


# -- kinds, registry, validation --------------------------------------------------------------


def test_all_are_absolute_registered_and_rebuildable() -> None:
    for curve, _ in CASES:
        assert isinstance(curve, AbsoluteCurve)
        spec = curve.spec()
        rebuilt = sa.get_curve(spec["name"])(**spec["params"])
        assert rebuilt == curve and hash(rebuilt) == hash(curve)
        assert pickle.loads(pickle.dumps(curve)) == curve
    names = {
        "cyclic_lr",
        "one_cycle_lr",
        "one_cycle_momentum",
        "cosine_annealing_warm_restarts",
        "exponential_cyclic_lr",
    }
    assert names <= set(sa.list_curves())


def test_registered_by_name_on_another_key() -> None:
    opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3, weight_decay=0.0)
    s = sa.schedule(
        opt, "cyclic_lr", "weight_decay", base_lr=0.0, max_lr=0.1, step_size=2, mode="triangular"
    )
    seen = [opt.param_groups[0]["weight_decay"]]
    for _ in range(4):
        opt.step()
        s.step()
        seen.append(opt.param_groups[0]["weight_decay"])
    assert seen == [0.0, 0.05, 0.1, 0.05, 0.0]
    assert opt.param_groups[0]["lr"] == 1e-3


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: CyclicLR(0.1, 1.0, 0), "step_size must be >= 1, got 0"),
        (lambda: CyclicLR(0.1, 1.0, 10, mode="triangle"), "mode must be one of"),
        (lambda: CyclicLR(0.1, 1.0, 10, gamma=0.0), "gamma must be > 0"),
        (lambda: CyclicLR(0.1, 1.0, 10, step_size_down=0), "step_size_down must be >= 1"),
        (lambda: ExponentialCyclicLR(0.0, 1.0, 10), "base_lr must be > 0"),
        (lambda: OneCycleLR(0.0, 100), "max_lr must be > 0"),
        (lambda: OneCycleLR(0.1, 0), "total_steps must be >= 1"),
        (lambda: OneCycleLR(0.1, 100, pct_start=1.5), r"pct_start must be in \[0, 1\]"),
        (lambda: OneCycleLR(0.1, 100, anneal_strategy="cosine"), "anneal_strategy must be one"),
        (lambda: OneCycleLR(0.1, 100, div_factor=-1), "div_factor must be > 0"),
        (lambda: OneCycleMomentum(100, base_momentum="0.8"), "base_momentum must be a real"),
        (lambda: CosineAnnealingWarmRestarts(0.1, 0.0, 0), "t_0 must be >= 1"),
        (lambda: CosineAnnealingWarmRestarts(0.1, 0.0, 10, 1.5), "t_mult must be a whole"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(factory, message) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        factory()


@settings(max_examples=60, deadline=None)
@given(
    t0=st.integers(1, 50),
    mult=st.integers(1, 4),
    t=st.integers(0, 10**9),
)
def test_sgdr_cycle_is_consistent(t0, mult, t) -> None:
    c = CosineAnnealingWarmRestarts(1.0, 0.0, t0, mult)
    i, within, length = c.cycle(t)
    assert 0 <= within < length == t0 * mult**i
    start = t - within
    assert start == (t0 * i if mult == 1 else t0 * (mult**i - 1) // (mult - 1))
    assert 0.0 <= c(t) <= 1.0


@settings(max_examples=60, deadline=None)
@given(
    base=st.floats(1e-5, 1.0),
    factor=st.floats(1.0, 100.0),
    up=st.integers(1, 50),
    down=st.integers(1, 50),
    t=st.integers(0, 10**6),
)
def test_cyclic_values_stay_within_bounds(base, factor, up, down, t) -> None:
    top = base * factor
    for curve in (CyclicLR(base, top, up, step_size_down=down), ExponentialCyclicLR(base, top, up)):
        value = curve(t)
        assert base * (1 - 1e-12) <= value <= top * (1 + 1e-12)


def test_a_million_steps_are_vectorised() -> None:
    import time

    start = time.perf_counter()
    for curve in (CosineAnnealingWarmRestarts(0.1, 0.0, 100), CyclicLR(0.1, 1.0, 2000)):
        values = curve.values(range(1_000_000))
        assert values.shape == (1_000_000,)
    assert time.perf_counter() - start < 5.0
