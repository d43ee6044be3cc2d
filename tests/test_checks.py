"""checks.py: the public argument checks (what plugin authors use too)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from torch_schedule_anything.checks import (
    check_boundaries,
    check_choice,
    check_finite,
    check_positive,
    check_real,
    check_step,
    check_step_count,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1.0), (2.5, 2.5), (np.float32(0.5), 0.5), (torch.tensor(3.0), 3.0), (np.int64(4), 4.0)],
)
def test_check_real_accepts_numbers_and_one_element_tensors(value: Any, expected: float) -> None:
    out = check_real("x", value)
    assert out == expected and type(out) is float


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (True, TypeError, "got the bool"),
        ("1.0", TypeError, "x must be a real number, got str '1.0'"),
        (None, TypeError, "x must be a real number"),
        (float("nan"), ValueError, "x must be finite"),
        (float("inf"), ValueError, "x must be finite"),
        (torch.tensor([1.0, 2.0]), TypeError, "shape \\(2,\\)"),
        (torch.tensor(1 + 1j), TypeError, "one-element real Tensor"),
    ],
)
def test_check_real_refuses_naming_the_argument(value: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        check_real("x", value)


def test_check_positive_and_zero() -> None:
    assert check_positive("rate", 0.5) == 0.5
    assert check_positive("rate", 0, allow_zero=True) == 0.0
    with pytest.raises(ValueError, match=r"rate must be > 0, got 0\.0"):
        check_positive("rate", 0)
    with pytest.raises(ValueError, match=r"rate must be >= 0, got -1\.0"):
        check_positive("rate", -1, allow_zero=True)


@pytest.mark.parametrize(("value", "expected"), [(3, 3), (1e4, 10000), (np.int32(7), 7)])
def test_check_step_count_accepts_whole_numbers(value: Any, expected: int) -> None:
    out = check_step_count("n", value)
    assert out == expected and type(out) is int


@pytest.mark.parametrize(
    ("value", "minimum", "error", "message"),
    [
        (2.5, 0, ValueError, "n must be a whole number of steps"),
        (-1, 0, ValueError, "n must be >= 0"),
        (0, 1, ValueError, "n must be >= 1"),
        (False, 0, TypeError, "got the bool"),
        ("5%", 0, ValueError, "is a percentage"),
        ("five", 0, TypeError, "n must be an integer number of steps"),
    ],
)
def test_check_step_count_refuses(value: Any, minimum: int, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        check_step_count("n", value, minimum=minimum)


def test_check_step_is_a_step_count_named_step() -> None:
    assert check_step(4) == 4
    with pytest.raises(ValueError, match="step must be >= 0"):
        check_step(-2)


def test_check_choice_and_check_finite() -> None:
    assert check_choice("mode", "exp", ("exp", "linear")) == "exp"
    with pytest.raises(ValueError, match=r"mode must be one of \['exp', 'linear'\], got 'cubic'"):
        check_choice("mode", "cubic", ("exp", "linear"))
    assert check_finite("a·b", 2.0, "lower a") == 2.0
    with pytest.raises(
        ValueError, match=r"a·b is inf: the curve's values would not be finite\. lower"
    ):
        check_finite("a·b", float("inf"), "lower a")


def test_check_boundaries() -> None:
    assert check_boundaries([2, 5], 3, "phases") == (2, 5)
    cases = [
        ("25", TypeError, "boundaries must be a list of steps"),
        ([2], ValueError, "len\\(phases\\) - 1 = 2 steps"),
        ([0, 5], ValueError, "boundaries\\[0\\] must be >= 1"),
        ([5, 5], ValueError, "strictly increasing"),
    ]
    for boundaries, error, message in cases:
        with pytest.raises(error, match=message):
            check_boundaries(boundaries, 3, "phases")
