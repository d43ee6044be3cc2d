"""Argument checks for curves and schedules: public, for plugin authors too.

Every check raises at construction time with a message that names the argument, shows the
value received and says what is accepted. No ``assert``: the checks must survive ``python -O``.
A plugin's curve uses them the way the built-ins do::

    from torch_schedule_anything.checks import check_positive, check_step_count

    class MyDecay(Curve):
        def __init__(self, rate: float, num_steps: int) -> None:
            self.rate = check_positive("rate", rate)
            self.num_steps = check_step_count("num_steps", num_steps, minimum=1)
"""

from __future__ import annotations

import math
import numbers
import operator
import re
from collections.abc import Sequence
from typing import Any

import torch

__all__ = [
    "check_boundaries",
    "check_choice",
    "check_duration",
    "check_finite",
    "check_positive",
    "check_real",
    "check_step",
    "check_step_count",
]


def _tensor_item(name: str, value: torch.Tensor) -> Any:
    """The Python number held by a one-element real, non-bool Tensor."""
    if value.numel() != 1 or value.is_complex() or value.dtype == torch.bool:
        raise TypeError(
            f"{name} must be a real number or a one-element real Tensor, "
            f"got a Tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
        )
    return value.item()


def check_real(name: str, value: Any) -> float:
    """Return ``value`` as a finite ``float``.

    Accepts Python and NumPy real numbers and one-element Tensors; rejects ``bool``,
    strings, ``None``, NaN and infinities.
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got the bool {value!r}")
    if isinstance(value, torch.Tensor):
        value = _tensor_item(name, value)
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out!r}")
    return out


def check_finite(expression: str, value: float, fix: str) -> float:
    """Return ``value`` if it is finite; else a ValueError naming ``expression`` and the fix.

    Curves call it at construction on the extreme intermediate values of their formula, so
    arguments that overflow fail there, not at some step of a long run.
    """
    if not math.isfinite(value):
        raise ValueError(
            f"{expression} is {value!r}: the curve's values would not be finite. {fix}"
        )
    return value


def check_positive(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a finite float that is > 0 (or >= 0 with ``allow_zero``)."""
    out = check_real(name, value)
    if out < 0 or (out == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {out!r}")
    return out


def check_step_count(name: str, value: Any, *, minimum: int = 0) -> int:
    """Return ``value`` as an ``int`` >= ``minimum``.

    Accepts ints, NumPy integers, integral floats such as ``1e4`` (1.x accepted them) and
    one-element Tensors holding one of those; rejects ``bool``, fractional or non-finite
    floats and non-numbers.
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer number of steps, got the bool {value!r}")
    if isinstance(value, str) and _PERCENT.match(value):
        raise ValueError(
            f"{name}={value!r} is a percentage, but {name} takes a whole number of steps here: "
            f"there is no total length to take a percentage of. Percentages are accepted only "
            f"for lengths inside a schedule of known length (e.g. num_warmup_steps='5%' of "
            f"num_training_steps, warmup_steps='5%' of total_steps); give {name} in steps"
        )
    if isinstance(value, torch.Tensor):
        value = _tensor_item(name, value)
    if isinstance(value, float) or (
        isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)
    ):
        as_float = float(value)
        if not math.isfinite(as_float) or as_float != int(as_float):
            raise ValueError(f"{name} must be a whole number of steps, got {value!r}")
        out = int(as_float)
    else:
        try:
            out = operator.index(value)
        except TypeError:
            raise TypeError(
                f"{name} must be an integer number of steps, got {type(value).__name__} {value!r}"
            ) from None
    if out < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {out}")
    return out


#: A percentage: digits, an optional decimal part, then ``%`` (``"5%"``, ``"12.5%"``).
_PERCENT = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*\Z")


def check_duration(name: str, value: Any, *, total: int, total_name: str) -> int:
    """Return a length inside a schedule of ``total`` steps as a whole number of steps.

    ``value`` is either a number of steps (anything :func:`check_step_count` accepts) or a
    **percentage string** of ``total``: ``"5%"``, ``"12.5%"``, from ``"0%"`` to ``"100%"``.
    A percentage resolves once, at construction, to ``⌈total × percent / 100⌉`` computed in
    exact rational arithmetic (no float rounding: ``"7%"`` of 100 is 7, where
    ``math.ceil(100 * 0.07)`` is 8), so any non-zero
    percentage gives at least one step and ``"100%"`` gives ``total``. The result is what the
    curve records (its parameters and state dicts hold ints, never the string).

    A bare float such as ``0.05`` is **not** a fraction: a length is counted in steps, and
    ``0.05`` is rejected as a fractional number of steps (the message suggests ``"5%"``).

    Example:
        >>> check_duration("num_warmup_steps", "5%", total=1000, total_name="num_training_steps")
        50
        >>> check_duration("num_warmup_steps", "1%", total=150, total_name="num_training_steps")
        2
    """
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if match is None:
            raise TypeError(
                f"{name} must be a whole number of steps or a percentage of {total_name} "
                f"such as '5%', got the string {value!r}"
            )
        from fractions import Fraction  # exact arithmetic, imported when a percentage is used

        percent = Fraction(match.group(1))
        if percent > 100:
            raise ValueError(
                f"{name}={value!r} is more than 100% of {total_name} ({total}); a part of "
                f"the schedule cannot be longer than the schedule. Use a percentage <= 100%"
            )
        return math.ceil(total * percent / 100)
    if isinstance(value, float) and math.isfinite(value) and value != int(value):
        raise ValueError(
            f"{name} must be a whole number of steps, got {value!r}. For a fraction of "
            f"{total_name} ({total}) write a percentage string: {name}="
            f"'{_percent_text(value)}'"
        )
    return check_step_count(name, value)


def _percent_text(value: float) -> str:
    """``0.05`` as ``"5%"`` (for the hint in a message)."""
    return f"{value * 100:.6g}%"


def check_step(step: Any) -> int:
    """Validate a step index given to a curve or to ``step(epoch)``."""
    return check_step_count("step", step)


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise raise naming them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def check_boundaries(boundaries: Any, parts: int, what: str) -> tuple[int, ...]:
    """Validate the steps where each of ``parts`` pieces after the first starts.

    Returns the boundaries as a strictly increasing tuple of ``parts - 1`` ints >= 1; ``what``
    names the pieces in messages (``"curves"``, ``"phases"``).
    """
    if isinstance(boundaries, (str, bytes)) or not isinstance(boundaries, Sequence):
        raise TypeError(
            f"boundaries must be a list of steps, got {type(boundaries).__name__} {boundaries!r}"
        )
    if len(boundaries) != parts - 1:
        singular = what[:-1] if what.endswith("s") else what
        raise ValueError(
            f"boundaries must hold len({what}) - 1 = {parts - 1} steps (where each {singular} "
            f"after the first starts), got {len(boundaries)}: {list(boundaries)!r}"
        )
    bounds = tuple(
        check_step_count(f"boundaries[{i}]", b, minimum=1) for i, b in enumerate(boundaries)
    )
    for i in range(1, len(bounds)):
        if bounds[i] <= bounds[i - 1]:
            raise ValueError(
                f"boundaries must be strictly increasing, got boundaries[{i - 1}] = "
                f"{bounds[i - 1]} and boundaries[{i}] = {bounds[i]}"
            )
    return bounds
