"""The warmup curves of seed 002 (curves/warmup.py): formulas, boundaries, binding, validation."""

from __future__ import annotations

import math
import pickle
import warnings

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import torch_schedule_anything as sa
from torch_schedule_anything.curves import (
    AbsoluteCurve,
    CosineAnnealingWithWarmup,
    CosineWarmup,
    ExponentialWarmup,
    LinearWarmup,
    WarmupWithDecay,
)

# -- the formulas, written again from the documentation ------------------------------------


def linear_ref(B: float, L: int, t: int) -> float:
    return B * t / L if t < L else B


def exponential_ref(B: float, L: int, S: float, t: int) -> float:
    return S * (B / S) ** (t / L) if t < L else B


def cosine_ref(B: float, L: int, t: int) -> float:
    return B * (1 - math.cos(math.pi * t / L)) / 2 if t < L else B


def decay_ref(B: float, L: int, M: int, m: float, t: int) -> float:
    if t < L:
        return B * t / L
    if t >= M:
        return m
    p = (t - L) / (M - L)
    return m + (B - m) * (1 + math.cos(math.pi * p)) / 2


CASES = [
    (LinearWarmup(3e-3, 100), lambda t: linear_ref(3e-3, 100, t)),
    (ExponentialWarmup(3e-3, 100), lambda t: exponential_ref(3e-3, 100, 1e-7, t)),
    (ExponentialWarmup(0.5, 37, start_lr=0.01), lambda t: exponential_ref(0.5, 37, 0.01, t)),
    (CosineWarmup(3e-3, 100), lambda t: cosine_ref(3e-3, 100, t)),
    (WarmupWithDecay(5e-4, 100, 1000, 1e-6), lambda t: decay_ref(5e-4, 100, 1000, 1e-6, t)),
    (WarmupWithDecay(5e-4, 0, 1000), lambda t: decay_ref(5e-4, 0, 1000, 0.0, t)),
]
IDS = [repr(c) for c, _ in CASES]


@pytest.mark.parametrize(("curve", "ref"), CASES, ids=IDS)
def test_curve_matches_its_formula_at_every_step(curve, ref) -> None:
    for t in range(1300):
        assert curve(t) == pytest.approx(ref(t), rel=1e-12, abs=1e-300), t
        assert curve.get_lr(t) == curve(t)


@pytest.mark.parametrize(("curve", "ref"), CASES, ids=IDS)
def test_values_agree_with_scalar_calls(curve, ref) -> None:
    steps = range(1300)
    vec = curve.values(steps)
    assert vec.dtype == torch.float64
    assert vec.shape == (1300,)
    scalar = torch.tensor([curve(t) for t in steps], dtype=torch.float64)
    torch.testing.assert_close(vec, scalar, rtol=1e-12, atol=0.0)
    # A Tensor of steps, out of order, gives the same values.
    picked = torch.tensor([999, 0, 100, 1299, 99, 101])
    torch.testing.assert_close(curve.values(picked), vec[picked], rtol=0.0, atol=0.0)


def test_boundaries_are_exact() -> None:
    lin = LinearWarmup(1e-3, 1000)
    assert [lin(t) for t in (0, 250, 500, 750, 1000)] == [0.0, 0.00025, 0.0005, 0.00075, 0.001]
    assert lin(999) == 1e-3 * 999 / 1000
    assert lin(10**9) == 1e-3
    exp = ExponentialWarmup(1e-3, 1000, start_lr=1e-7)
    assert exp(0) == 1e-7
    assert exp(1000) == 1e-3 and exp(1001) == 1e-3
    assert exp(999) < 1e-3
    cos = CosineWarmup(2.0, 10)
    assert cos(0) == 0.0
    assert cos(5) == pytest.approx(1.0, rel=1e-15)
    assert cos(10) == 2.0
    dec = WarmupWithDecay(1.0, 10, 30, min_lr=0.1)
    assert dec(0) == 0.0
    assert dec(9) == pytest.approx(0.9)
    assert dec(10) == 1.0  # the peak, at L exactly
    assert dec(20) == pytest.approx(0.55, rel=1e-15)  # halfway: half-wave
    assert dec(30) == 0.1 and dec(31) == 0.1 and dec(10**7) == 0.1


def test_zero_warmup_starts_at_the_target() -> None:
    for curve in (LinearWarmup(0.3, 0), ExponentialWarmup(0.3, 0), CosineWarmup(0.3, 0)):
        assert curve(0) == 0.3
        assert curve.values(range(3)).tolist() == [0.3, 0.3, 0.3]
        assert curve.horizon == 0
    dec = WarmupWithDecay(1.0, 0, 4)
    assert dec(0) == 1.0 and dec(4) == 0.0


def test_warmup_equal_to_total_steps_holds_min_after_warmup() -> None:
    dec = WarmupWithDecay(1.0, 5, 5, min_lr=0.2)
    assert [dec(t) for t in (0, 4, 5, 6)] == [0.0, 0.8, 0.2, 0.2]
    assert dec.values(range(7)).tolist() == [dec(t) for t in range(7)]


def test_half_wave_differs_from_the_quarter_wave_of_the_1x_curve() -> None:
    half = WarmupWithDecay(1.0, 0, 100)
    quarter = CosineAnnealingWithWarmup(1.0, 0.0, 0, 100)
    assert half(50) == pytest.approx(0.5, rel=1e-15)
    assert quarter(50) == pytest.approx(math.sqrt(0.5), rel=1e-15)
    assert "half-wave" in WarmupWithDecay.__doc__
    assert "quarter-wave" in WarmupWithDecay.__doc__


def test_all_are_absolute_registered_and_rebuildable_from_their_spec() -> None:
    for curve, _ in CASES:
        assert isinstance(curve, AbsoluteCurve) and curve.absolute
        spec = curve.spec()
        assert sa.get_curve(spec["name"])(**spec["params"]) == curve
        assert pickle.loads(pickle.dumps(curve)) == curve
    assert {"linear_warmup", "exponential_warmup", "cosine_warmup", "warmup_with_decay"} <= set(
        sa.list_curves()
    )


def test_horizons() -> None:
    assert LinearWarmup(1.0, 7).horizon == 7
    assert ExponentialWarmup(1.0, 7).horizon == 7
    assert CosineWarmup(1.0, 7).horizon == 7
    assert WarmupWithDecay(1.0, 7, 70).horizon == 70
    assert WarmupWithDecay.horizon_is_training_end
    assert not getattr(LinearWarmup, "horizon_is_training_end", False)


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: LinearWarmup(1e-3, -1), "warmup_steps must be >= 0, got -1"),
        (lambda: LinearWarmup(1e-3, 2.5), "warmup_steps must be a whole number"),
        (lambda: LinearWarmup("1e-3", 10), "base_lr must be a real number"),
        (lambda: CosineWarmup(float("nan"), 10), "base_lr must be finite"),
        (lambda: ExponentialWarmup(0.0, 10), "base_lr must be > 0, got 0.0"),
        (lambda: ExponentialWarmup(1e-3, 10, start_lr=-1e-7), "start_lr must be > 0"),
        (lambda: WarmupWithDecay(1e-3, 200, 100), r"warmup_steps \(200\) must be <= total_steps"),
        (lambda: WarmupWithDecay(1e-3, 10, None), "total_steps must be an integer"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(factory, message) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        factory()


def test_schedule_on_lr_and_on_another_key_of_a_real_optimizer(two_group_sgd) -> None:
    opt = two_group_sgd
    curve = WarmupWithDecay(0.2, 3, 9, min_lr=0.02)
    # The groups hold different values: one value for all of them is asked for explicitly.
    lr = sa.schedule(opt, curve, one_value_for_all_groups=True)
    wd = sa.schedule(
        opt,
        "linear_warmup",
        "weight_decay",
        base_lr=1e-2,
        warmup_steps=4,
        one_value_for_all_groups=True,
    )
    for t in range(12):
        if t:
            opt.step()
            lr.step()
            wd.step()
        for group in opt.param_groups:  # absolute: both groups get the curve's value
            assert group["lr"] == curve(t)
            assert group["weight_decay"] == linear_ref(1e-2, 4, t)
    assert lr.state_dict()["curve"] == curve.spec()


def test_tensor_valued_target_is_filled_in_place() -> None:
    param = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.Adam([param], lr=torch.tensor(0.01))
    lr_tensor = opt.param_groups[0]["lr"]
    s = sa.schedule(opt, CosineWarmup(0.04, 4))
    for _ in range(3):
        opt.step()
        s.step()
    assert opt.param_groups[0]["lr"] is lr_tensor
    assert float(lr_tensor) == pytest.approx(cosine_ref(0.04, 4, 3), rel=1e-6)


def test_decay_far_past_total_steps_holds_and_warns_once() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    s = sa.schedule(opt, WarmupWithDecay(1.0, 2, 20, min_lr=0.01))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(30):  # 20 + the margin max(10, 20 // 10) = 30: still silent
            opt.step()
            s.step()
    assert opt.param_groups[0]["lr"] == 0.01
    with pytest.warns(sa.PastHorizonWarning, match=r"step 31, well past the end") as record:
        for _ in range(100):
            s.step()
    assert len(record) == 1
    assert opt.param_groups[0]["lr"] == 0.01


def test_warmup_curves_never_warn_past_their_end() -> None:
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    s = sa.schedule(opt, LinearWarmup(1.0, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(100):
            opt.step()
            s.step()


@settings(max_examples=60, deadline=None)
@given(
    base=st.floats(1e-6, 10.0),
    warmup=st.integers(0, 500),
    extra=st.integers(0, 500),
    floor=st.floats(0.0, 1e-6),
    t=st.integers(0, 2000),
)
def test_decay_stays_between_floor_and_peak(base, warmup, extra, floor, t) -> None:
    curve = WarmupWithDecay(base, warmup, warmup + extra, floor)
    value = curve(t)
    assert min(0.0, floor) <= value <= base * (1 + 1e-15)
    assert value == pytest.approx(decay_ref(base, warmup, warmup + extra, floor, t), rel=1e-12)


def test_a_million_steps_are_vectorised() -> None:
    # No per-step Python loop: a million values in well under a second even on a busy machine.
    import time

    curve = WarmupWithDecay(5e-4, 10_000, 1_000_000, 1e-6)
    start = time.perf_counter()
    values = curve.values(range(1_000_000))
    assert time.perf_counter() - start < 5.0
    assert values[10_000] == 5e-4 and values[-1] == pytest.approx(1e-6, rel=1e-9)
