"""Argument checks shared by curves and schedules.

Every check raises at construction time with a message that names the argument, shows the
value received and says what is accepted. No ``assert``: the checks must survive ``python -O``.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Sequence
from typing import Any

import torch

__all__ = [
    "check_boundaries",
    "check_choice",
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
