"""The 13 built-in curves against the formulas of ``shared/spec/builtin_curves.md``.

The expected values are computed here from the spec, independently of ``curves/spec.py``
(different operation order, ``math.sqrt`` for the square root), and compared to 1e-12
relative. ``cos(π/2)`` is 6.1e-17 in binary floating point, not 0, so at and past ``M`` a
cosine curve is ``A`` up to ``6.1e-17·|W − A|``; the comparisons allow that absolute slack.
"""

from __future__ import annotations

import itertools
import math
import time
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from torch_schedule_anything.curves import (
    SPEC_CURVES,
    ConstantSchedule,
    ConstantWithInverseWarmup,
    ConstantWithWarmup,
    CosineAnnealingWithInverseWarmup,
    CosineAnnealingWithWarmup,
    Curve,
    LinearScheduleWithInverseWarmup,
    LinearScheduleWithWarmup,
    PolynomialScheduleWithInverseWarmup,
    PolynomialScheduleWithWarmup,
    QuadraticScheduleWithInverseWarmup,
    QuadraticScheduleWithWarmup,
    SqrtScheduleWithInverseWarmup,
    SqrtScheduleWithWarmup,
    as_steps,
)

COSINE = {CosineAnnealingWithWarmup, CosineAnnealingWithInverseWarmup}
EXPONENT: dict[type[Curve], float | None] = {
    PolynomialScheduleWithWarmup: None,  # the polynomial_exponent argument
    PolynomialScheduleWithInverseWarmup: None,
    LinearScheduleWithWarmup: 1.0,
    LinearScheduleWithInverseWarmup: 1.0,
    QuadraticScheduleWithWarmup: 2.0,
    QuadraticScheduleWithInverseWarmup: 2.0,
    SqrtScheduleWithWarmup: 0.5,
    SqrtScheduleWithInverseWarmup: 0.5,
}
CONSTANT = {ConstantWithWarmup, ConstantWithInverseWarmup}
INVERSE = {
    CosineAnnealingWithInverseWarmup,
    PolynomialScheduleWithInverseWarmup,
    LinearScheduleWithInverseWarmup,
    QuadraticScheduleWithInverseWarmup,
    SqrtScheduleWithInverseWarmup,
    ConstantWithInverseWarmup,
}
WARMUP_CURVES = [c for c in SPEC_CURVES if c is not ConstantSchedule]
ANNEAL_CURVES = [c for c in WARMUP_CURVES if c not in CONSTANT]
ALL_NAMES = {
    "warmup_to_value": "W",
    "anneal_to_value": "A",
    "num_warmup_steps": "L",
    "num_training_steps": "M",
    "warmup_multiplier": "R",
    "polynomial_exponent": "P",
    "value": "W",
}


def make(
    cls: type[Curve],
    W: float = 1.0,
    A: float = 0.1,
    L: int = 5,
    M: int = 20,
    R: float = 20.0,
    P: float = 2.0,
) -> Any:
    """Build ``cls`` from the spec's symbols, by keyword (each class takes a subset)."""
    symbols = {"W": W, "A": A, "L": L, "M": M, "R": R, "P": P}
    return cls(**{name: symbols[ALL_NAMES[name]] for name in cls.param_names})


def spec_value(
    cls: type[Curve],
    t: int,
    W: float = 1.0,
    A: float = 0.1,
    L: int = 5,
    M: int = 20,
    R: float = 20.0,
    P: float = 2.0,
) -> float:
    """λ(t) written from the spec's text, not from the implementation."""
    if cls is ConstantSchedule:
        return W
    if t < L:
        if cls in INVERSE:
            return W * R - W * (R - 1) * (t / L)
        return W * (t / L)
    if cls in CONSTANT:
        return W
    p = 1.0 if M == L else min(1.0, (t - L) / (M - L))
    if cls in COSINE:
        return A + (W - A) * math.cos(math.pi * p / 2)
    exponent = EXPONENT[cls]
    if exponent is None:
        exponent = P
    if exponent == 0.5:
        return A + (W - A) * math.sqrt(1 - p)
    return A + (W - A) * (1 - p) ** exponent


def close(got: float, expected: float, W: float = 1.0, A: float = 0.1) -> bool:
    return math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-15 * (abs(W) + abs(A)))


def curve_id(cls: type[Curve]) -> str:
    return cls.__name__


PARAMETER_SETS = [
    {"W": 1.0, "A": 0.01, "L": 5, "M": 20},
    {"W": 2.0, "A": 3.5, "L": 7, "M": 10, "R": 4.0, "P": 3.0},
    {"W": 0.5, "A": 0.0, "L": 0, "M": 13, "R": 10.0, "P": 0.7},
    {"W": -1.0, "A": 1.0, "L": 1, "M": 2, "P": 1.5},
    {"W": 1.0, "A": 0.25, "L": 4, "M": 4},
]


# -- values against the spec ------------------------------------------------------------------
@pytest.mark.parametrize("params", PARAMETER_SETS, ids=lambda p: ",".join(map(str, p.values())))
@pytest.mark.parametrize("cls", SPEC_CURVES, ids=curve_id)
def test_every_step_up_to_past_the_horizon_matches_the_spec(
    cls: type[Curve], params: dict[str, Any]
) -> None:
    curve = make(cls, **params)
    W, A, M = params["W"], params["A"], params["M"]
    horizon = M if cls not in CONSTANT else params["L"]
    for t in [*range(M + 3), M + 100, 10 * M + 1000]:
        expected = spec_value(cls, t, **params)
        assert close(curve(t), expected, W, A), f"t={t}: {curve(t)} != spec {expected}"
    if cls is not ConstantSchedule:
        assert curve.horizon == horizon


@pytest.mark.parametrize("cls", SPEC_CURVES, ids=curve_id)
def test_exact_boundaries(cls: type[Curve]) -> None:
    """t = 0, L−1, L, M, M+1, M+100 with W = 2, A = 0.5, L = 4, M = 12, R = 5, P = 3."""
    W, A, L, M, R, P = 2.0, 0.5, 4, 12, 5.0, 3.0
    curve = make(cls, W, A, L, M, R, P)
    if cls is ConstantSchedule:
        assert [curve(t) for t in (0, 1, 10**9)] == [W, W, W]
        return
    inverse = cls in INVERSE
    assert curve(0) == (W * R if inverse else 0.0)
    assert curve(L - 1) == pytest.approx(
        W * (R - (R - 1) * 3 / 4) if inverse else W * 3 / 4, rel=1e-12
    )
    assert curve(L) == W  # warmup reaches exactly W, the anneal starts exactly at W
    if cls in CONSTANT:
        assert curve(M) == curve(M + 1) == curve(M + 100) == W
        return
    end = curve(M)
    assert close(end, A, W, A)
    if cls not in COSINE:
        assert end == A  # (1 − 1)^P = 0 exactly
    # Past the horizon the curve holds λ(M) exactly (1.x kept going: negative or complex).
    assert curve(M + 1) == curve(M + 100) == curve(10**12) == end


@pytest.mark.parametrize("cls", ANNEAL_CURVES, ids=curve_id)
def test_past_the_horizon_holds_A_where_1x_went_wrong(cls: type[Curve]) -> None:
    curve = make(cls, W=1.0, A=0.0, L=0, M=10, P=0.5)
    for t in (11, 15, 20, 25, 1000):
        value = curve(t)
        assert isinstance(value, float)
        assert abs(value) < 1e-16, f"t={t}: {value}"
    assert bool((curve.values(range(10, 2000)).abs() < 1e-16).all())


@pytest.mark.parametrize("cls", WARMUP_CURVES, ids=curve_id)
def test_degenerate_horizon_M_equals_L(cls: type[Curve]) -> None:
    """M == L: warmup, then A from step L on (W for the constant curves); no ZeroDivisionError."""
    W, A, L = 1.5, 0.25, 6
    curve = make(cls, W, A, L, L)
    for t in range(L):
        assert close(curve(t), spec_value(cls, t, W, A, L, L), W, A)
    after = W if cls in CONSTANT else A
    for t in (L, L + 1, L + 1000):
        assert close(curve(t), after, W, A)
    values = curve.values(range(3 * L))
    assert bool(torch.isfinite(values).all())
    assert close(float(values[L]), after, W, A)


@pytest.mark.parametrize("cls", WARMUP_CURVES, ids=curve_id)
def test_no_warmup_L_zero_and_the_all_zero_horizon(cls: type[Curve]) -> None:
    W, A = 0.8, 0.2
    curve = make(cls, W, A, 0, 10)
    assert curve(0) == W  # no warmup phase: λ(0) is the anneal's start, W
    both_zero = make(cls, W, A, 0, 0)
    after = W if cls in CONSTANT else A
    for t in (0, 1, 50):
        assert close(both_zero(t), after, W, A)
    assert close(float(both_zero.values(range(3))[0]), after, W, A)


def test_docstring_examples_of_the_spec_hold() -> None:
    """A few hand-computed values (independent of any formula code)."""
    cosine = CosineAnnealingWithWarmup(1.0, 0.0, 2, 4)
    assert [cosine(t) for t in (0, 1, 2)] == [0.0, 0.5, 1.0]
    assert cosine(3) == pytest.approx(math.sqrt(0.5), rel=1e-15)
    linear = LinearScheduleWithInverseWarmup(1.0, 0.0, 2, 4, 5.0)
    assert [linear(t) for t in range(6)] == [5.0, 3.0, 1.0, 0.5, 0.0, 0.0]
    quadratic = QuadraticScheduleWithWarmup(2.0, 0.0, 0, 4)
    assert [quadratic(t) for t in range(5)] == [2.0, 1.125, 0.5, 0.125, 0.0]
    assert ConstantWithInverseWarmup(1.0, 2, 3.0)(1) == 2.0
    assert SqrtScheduleWithWarmup(1.0, 0.0, 0, 4)(3) == 0.5


# -- argument checks ------------------------------------------------------------------------
def _args_with(cls: type[Curve], name: str, value: Any) -> dict[str, Any]:
    base = {"W": 1.0, "A": 0.1, "L": 5, "M": 20, "R": 20.0, "P": 2.0}
    kwargs = {n: base[ALL_NAMES[n]] for n in cls.param_names}
    kwargs[name] = value
    return kwargs


def _cases(cls: type[Curve]) -> list[tuple[str, Any, type[Exception]]]:
    cases: list[tuple[str, Any, type[Exception]]] = []
    for name in cls.param_names:
        cases += [
            (name, "1.0", TypeError),
            (name, None, TypeError),
            (name, True, TypeError),
            (name, [1.0], TypeError),
        ]
        if name in ("num_warmup_steps", "num_training_steps"):
            cases += [
                (name, -1, ValueError),
                (name, 2.5, ValueError),
                (name, math.inf, ValueError),
                (name, math.nan, ValueError),
            ]
        else:
            cases += [(name, math.nan, ValueError), (name, math.inf, ValueError)]
            cases += [(name, -math.inf, ValueError)]
        if name == "polynomial_exponent":
            cases += [(name, 0.0, ValueError), (name, -1.0, ValueError)]
    return cases


ARGUMENT_CASES = [(cls, *case) for cls in SPEC_CURVES for case in _cases(cls)]


@pytest.mark.parametrize(
    ("cls", "name", "value", "error"),
    ARGUMENT_CASES,
    ids=[f"{c.__name__}-{n}={v!r}" for c, n, v, _ in ARGUMENT_CASES],
)
def test_bad_arguments_raise_naming_the_argument(
    cls: type[Curve], name: str, value: Any, error: type[Exception]
) -> None:
    with pytest.raises(error) as info:
        cls(**_args_with(cls, name, value))
    assert name in str(info.value)
    if value is not None and not isinstance(value, list):
        assert repr(value) in str(info.value) or str(value) in str(info.value)


@pytest.mark.parametrize("cls", ANNEAL_CURVES, ids=curve_id)
def test_warmup_longer_than_the_schedule_is_rejected(cls: type[Curve]) -> None:
    with pytest.raises(ValueError, match=r"num_warmup_steps \(21\).*num_training_steps \(20\)"):
        make(cls, L=21, M=20)


@pytest.mark.parametrize("cls", ANNEAL_CURVES, ids=curve_id)
def test_missing_horizon_is_a_type_error_not_a_degenerate_schedule(cls: type[Curve]) -> None:
    with pytest.raises(TypeError, match="num_training_steps"):
        cls(**_args_with(cls, "num_training_steps", None))


def test_accepted_numeric_forms() -> None:
    """Integral floats (``1e4``), NumPy scalars and one-element Tensors are accepted."""
    curve = CosineAnnealingWithWarmup(np.float32(1.0), torch.tensor(0.0), np.int64(2), 1e1)
    assert curve.num_training_steps == 10 and isinstance(curve.num_training_steps, int)
    assert isinstance(curve.warmup_to_value, float) and isinstance(curve.anneal_to_value, float)
    assert curve.params() == {
        "warmup_to_value": 1.0,
        "anneal_to_value": 0.0,
        "num_warmup_steps": 2,
        "num_training_steps": 10,
    }
    with pytest.raises(TypeError, match="warmup_to_value"):
        CosineAnnealingWithWarmup(torch.ones(2), 0.0, 2, 10)
    steps = LinearScheduleWithWarmup(1.0, 0.0, torch.tensor(2.0), Fraction(8, 1))
    assert (steps.num_warmup_steps, steps.num_training_steps) == (2, 8)
    with pytest.raises(ValueError, match=r"num_warmup_steps must be a whole number.*2\.5"):
        LinearScheduleWithWarmup(1.0, 0.0, torch.tensor(2.5), 8)


@pytest.mark.parametrize(
    "value", [torch.tensor(True), np.bool_(True), Decimal("1"), 1 + 0j, torch.tensor(1j)]
)
def test_bool_like_and_non_real_values_are_type_errors(value: Any) -> None:
    with pytest.raises(TypeError, match="warmup_to_value"):
        LinearScheduleWithWarmup(value, 0.0, 2, 8)
    with pytest.raises(TypeError, match="num_training_steps"):
        LinearScheduleWithWarmup(1.0, 0.0, 2, value)


@pytest.mark.parametrize("cls", SPEC_CURVES, ids=curve_id)
def test_negative_or_fractional_steps_are_rejected(cls: type[Curve]) -> None:
    curve = make(cls)
    with pytest.raises(ValueError, match="step"):
        curve(-1)
    with pytest.raises(ValueError, match="step"):
        curve.get_lr(-3)
    with pytest.raises(ValueError, match="whole"):
        curve.get_lr(1.5)
    with pytest.raises(ValueError, match=">= 0"):
        curve.values([0, 1, -2])
    with pytest.raises(ValueError, match="whole"):
        curve.values(torch.tensor([0.0, 0.5]))
    with pytest.raises(TypeError, match="steps"):
        curve.values("abc")  # type: ignore[arg-type]


# -- scalar vs vectorised -------------------------------------------------------------------
@pytest.mark.parametrize("params", PARAMETER_SETS, ids=lambda p: ",".join(map(str, p.values())))
@pytest.mark.parametrize("cls", SPEC_CURVES, ids=curve_id)
def test_values_agrees_with_call(cls: type[Curve], params: dict[str, Any]) -> None:
    curve = make(cls, **params)
    steps = range(params["M"] + 50)
    vector = curve.values(steps)
    assert vector.dtype == torch.float64 and vector.shape == (len(steps),)
    for t, v in zip(steps, vector.tolist()):
        assert close(v, curve(t), params["W"], params["A"]), f"t={t}"
    # any iterable of steps, in any order, gives the same numbers
    picked = [params["M"] + 10, 0, params["L"], 3]
    assert curve.values(picked).tolist() == [vector[t].item() for t in picked]
    assert curve.values(torch.tensor(picked)).tolist() == curve.values(picked).tolist()
    assert curve.values([]).shape == (0,)


@pytest.mark.parametrize("cls", SPEC_CURVES, ids=curve_id)
def test_values_over_a_million_steps_is_fast_and_agrees(cls: type[Curve]) -> None:
    W, A, L, M = 1.0, 0.05, 10_000, 900_000
    curve = make(cls, W, A, L, M, R=8.0, P=1.3)
    start = time.perf_counter()
    vector = curve.values(range(1_000_000))
    elapsed = time.perf_counter() - start
    assert vector.shape == (1_000_000,)
    assert elapsed < 2.0, f"values() over 1e6 steps took {elapsed:.2f}s (a Python loop?)"
    samples = [0, 1, L - 1, L, L + 1, 123_457, M - 1, M, M + 1, 999_999]
    samples += list(range(0, 1_000_000, 9973))
    for t in samples:
        assert close(float(vector[t]), curve(t), W, A), f"t={t}"


def test_as_steps_forms() -> None:
    assert as_steps(range(2, 8, 3)).tolist() == [2.0, 5.0]
    assert as_steps([[1, 2], [3, 4]]).tolist() == [1.0, 2.0, 3.0, 4.0]
    steps = torch.arange(4)
    out = as_steps(steps)
    assert out.dtype == torch.float64 and steps.dtype == torch.int64  # input not mutated


# -- properties -----------------------------------------------------------------------------
finite = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)


@st.composite
def curve_and_params(draw: st.DrawFn) -> tuple[Curve, dict[str, Any]]:
    cls = draw(st.sampled_from(SPEC_CURVES))
    L = draw(st.integers(0, 40))
    params = {
        "W": draw(finite),
        "A": draw(finite),
        "L": L,
        "M": draw(st.integers(L, L + 200)),
        "R": draw(st.floats(1.0, 50.0)),
        "P": draw(st.floats(0.05, 8.0)),
    }
    return make(cls, **params), params


def _anchors(curve: Curve, p: dict[str, Any]) -> list[float]:
    cls = type(curve)
    if cls is ConstantSchedule:
        return [p["W"]]
    points = [p["W"]]
    if p["L"] > 0:
        points.append(p["W"] * p["R"] if cls in INVERSE else 0.0)
    if cls not in CONSTANT:
        points.append(p["A"])
    return points


@settings(max_examples=150, deadline=None)
@given(curve_and_params(), st.lists(st.integers(0, 10_000), min_size=1, max_size=20))
def test_property_finite_and_between_the_anchor_values(
    drawn: tuple[Curve, dict[str, Any]], steps: list[int]
) -> None:
    curve, p = drawn
    anchors = _anchors(curve, p)
    low, high = min(anchors), max(anchors)
    slack = 1e-12 * max(1.0, abs(low), abs(high))
    for t in steps:
        value = curve(t)
        assert math.isfinite(value)
        assert low - slack <= value <= high + slack, (t, value, anchors)
    vector = curve.values(steps)
    assert bool(torch.isfinite(vector).all())
    assert float(vector.min()) >= low - slack and float(vector.max()) <= high + slack


@settings(max_examples=150, deadline=None)
@given(curve_and_params())
def test_property_monotone_in_each_phase(drawn: tuple[Curve, dict[str, Any]]) -> None:
    """Warmup moves monotonically towards W; the anneal monotonically from W towards A."""
    curve, p = drawn
    L, M = p["L"], p["M"]
    values = curve.values(range(M + 20)).tolist()
    slack = 1e-12 * max(1.0, abs(p["W"]), abs(p["A"]), abs(p["W"] * p["R"]))

    def monotone(segment: list[float], towards: float) -> bool:
        if not segment:
            return True
        sign = 1.0 if towards >= segment[0] else -1.0
        return all(sign * (b - a) >= -slack for a, b in itertools.pairwise(segment))

    if type(curve) is ConstantSchedule:
        assert len(set(values)) == 1
        return
    # Warmup ends at W (step L holds W itself unless M == L, where the anneal ends there).
    assert monotone([*values[:L], p["W"]], p["W"])
    end = p["W"] if type(curve) in CONSTANT else p["A"]
    assert monotone(values[L:], end)
