"""curves/base.py: the curve protocol (closed form, plain-data params, both kinds)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from torch_schedule_anything.curves import AbsoluteCurve, Curve, FunctionCurve, as_steps


class Halving(Curve):
    """A multiplier curve written the documented way: params in ``param_names``."""

    name = "halving"
    param_names = ("rate",)

    def __init__(self, rate: float) -> None:
        self.rate = rate

    def __call__(self, step: int) -> float:
        return self.rate**step


class Flat(AbsoluteCurve):
    param_names = ("value",)

    def __init__(self, value: float) -> None:
        self.value = value

    def __call__(self, step: int) -> float:
        return self.value


@pytest.mark.parametrize(
    "steps",
    [
        range(0, 7, 2),
        torch.tensor([0, 2, 4, 6]),
        np.array([0, 2, 4, 6]),
        [0, 2, 4, 6],
        (0, 2, 4, 6),
    ],
)
def test_as_steps_accepts_ranges_tensors_arrays_and_sequences(steps) -> None:
    out = as_steps(steps)
    assert out.dtype == torch.float64 and out.tolist() == [0.0, 2.0, 4.0, 6.0]


@pytest.mark.parametrize(
    ("steps", "error", "message"),
    [
        ([0, 1.5], ValueError, "whole numbers"),
        ([0, float("nan")], ValueError, "whole numbers"),
        ([-1, 0], ValueError, ">= 0"),
        ("abc", TypeError, "steps must be"),
        (object(), TypeError, "steps must be"),
    ],
)
def test_as_steps_refuses_what_is_not_steps(steps, error, message) -> None:
    with pytest.raises(error, match=message):
        as_steps(steps)


def test_the_fallback_values_agree_with_call_and_get_lr() -> None:
    curve = Halving(0.5)
    assert curve.values(range(5)).tolist() == [curve(t) for t in range(5)]
    assert curve.get_lr(3) == curve(3) == 0.125
    with pytest.raises((TypeError, ValueError)):
        curve.get_lr(-1)


def test_params_spec_equality_and_kind() -> None:
    curve = Halving(0.5)
    assert curve.params() == {"rate": 0.5}
    assert curve.spec() == {"name": "halving", "params": {"rate": 0.5}}
    assert curve == Halving(0.5) and curve != Halving(0.25)
    assert hash(curve) == hash(Halving(0.5))
    assert repr(curve) == "Halving(rate=0.5)"
    assert not curve.absolute and Flat(1.0).absolute
    assert curve.horizon is None
    # An anonymous curve's spec names its class.
    assert Flat(2.0).spec() == {"name": "Flat", "params": {"value": 2.0}}


def test_function_curve_returns_floats_and_never_stores_the_callable() -> None:
    def fn(step: int) -> int:
        return 2**step

    curve = FunctionCurve(fn)
    assert curve(3) == 8.0 and type(curve(3)) is float
    assert curve.spec() == {"name": f"function:{fn.__qualname__}", "params": {}}
    assert FunctionCurve(lambda t: 10**400)(0) == float("inf")  # the value check names it later
    assert curve == FunctionCurve(fn) and curve != FunctionCurve(lambda t: 1.0)
    with pytest.raises(TypeError, match="callable step -> value"):
        FunctionCurve(3)
