"""The 13 built-in multiplier curves of ScheduleAnything 1.x (documentation/builtin_schedules.md).

All of them are **multiplier** curves: the schedule writes ``value_g(t) = base_g × λ(t)``.

Symbols used in every docstring below:

=====  =====================
``W``  ``warmup_to_value``
``A``  ``anneal_to_value``
``L``  ``num_warmup_steps``
``M``  ``num_training_steps``
``R``  ``warmup_multiplier`` (default 20.0)
``P``  ``polynomial_exponent`` (default 2.0)
``p``  ``min(1, (t − L) / (M − L))``, the progress after warmup (1 when ``M == L``)
=====  =====================

Warmup (``t < L``): standard ``λ(t) = W·t/L`` (starts at 0), inverse
``λ(t) = W·(R − (R − 1)·t/L)`` (starts at ``W·R``, falls to ``W``). ``L = 0``: no warmup.

The cosine here is the **quarter-wave** ``A + (W − A)·cos(π/2 · p)`` of 1.x, not the half-wave
``A + (W − A)·½(1 + cos πp)`` of torch, HF and timm.

Unlike 1.x, every curve **holds λ(M) = A for t > M** (1.x went negative or complex there),
``M == L`` never divides by zero, and bad arguments raise at construction.

**Durations as percentages.** Where a curve has ``num_training_steps``, ``num_warmup_steps``
may be a percentage string of it, ``"5%"`` or ``"12.5%"``, resolved once at construction to
``L = ⌈M × percent / 100⌉`` steps in exact arithmetic (so ``"10%"`` of 1000 is 100 and any
non-zero percentage is at least one step); the curve records the whole number ``L``. A bare
float such as ``0.05`` is not a fraction (it is rejected as a fractional step count). The
constant curves have no ``num_training_steps``, so a percentage warmup is an error there.
See ``documentation/durations.md``.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import torch

from ..checks import (
    check_duration,
    check_finite,
    check_positive,
    check_real,
    check_step_count,
)
from .base import Curve, StepsLike, as_steps

__all__ = [
    "SPEC_CURVES",
    "ConstantSchedule",
    "ConstantWithInverseWarmup",
    "ConstantWithWarmup",
    "CosineAnnealingWithInverseWarmup",
    "CosineAnnealingWithWarmup",
    "LinearScheduleWithInverseWarmup",
    "LinearScheduleWithWarmup",
    "PolynomialScheduleWithInverseWarmup",
    "PolynomialScheduleWithWarmup",
    "QuadraticScheduleWithInverseWarmup",
    "QuadraticScheduleWithWarmup",
    "SqrtScheduleWithInverseWarmup",
    "SqrtScheduleWithWarmup",
]

_HALF_PI = math.pi / 2

#: Passed as ``num_training_steps`` by the constant curves: no anneal phase, ``M = L``.
_NO_ANNEAL: Any = object()


class _WarmupThenAnneal(Curve):
    """Shared engine: a warmup phase for ``t < L`` then an anneal phase up to ``M``.

    Subclasses only declare their signature, their anneal ``shape`` and whether the warmup
    is ``inverse``; the arithmetic lives here, written in 1.x's operation order so that
    values are bitwise identical to 1.2.3 wherever 1.2.3 was right.
    """

    inverse: ClassVar[bool] = False
    shape: ClassVar[str] = "cosine"  # "cosine", "polynomial" or "constant"
    fixed_exponent: ClassVar[float | None] = None

    warmup_to_value: float
    anneal_to_value: float
    num_warmup_steps: int
    num_training_steps: int
    warmup_multiplier: float
    polynomial_exponent: float

    def _setup(
        self,
        warmup_to_value: Any,
        anneal_to_value: Any,
        num_warmup_steps: Any,
        num_training_steps: Any,
        warmup_multiplier: Any = 20.0,
        polynomial_exponent: Any = 2.0,
    ) -> None:
        self.warmup_to_value = check_real("warmup_to_value", warmup_to_value)
        self.anneal_to_value = check_real("anneal_to_value", anneal_to_value)
        if num_training_steps is _NO_ANNEAL:  # the horizon is the end of warmup (M = L)
            self.num_warmup_steps = check_step_count("num_warmup_steps", num_warmup_steps)
            self.num_training_steps = self.num_warmup_steps
        else:
            self.num_training_steps = check_step_count("num_training_steps", num_training_steps)
            self.num_warmup_steps = check_duration(
                "num_warmup_steps",
                num_warmup_steps,
                total=self.num_training_steps,
                total_name="num_training_steps",
            )
        if self.num_warmup_steps > self.num_training_steps:
            raise ValueError(
                f"num_warmup_steps ({self.num_warmup_steps}) must be <= num_training_steps "
                f"({self.num_training_steps}): the warmup cannot be longer than the schedule. "
                f"Lower num_warmup_steps or raise num_training_steps."
            )
        self.warmup_multiplier = check_real("warmup_multiplier", warmup_multiplier)
        exponent = self.fixed_exponent if self.fixed_exponent is not None else polynomial_exponent
        self.polynomial_exponent = check_positive("polynomial_exponent", exponent)
        W, A, R, L = (
            self.warmup_to_value,
            anneal_to_value,
            self.warmup_multiplier,
            self.num_warmup_steps,
        )
        fix = "Use smaller values."
        if self.inverse and L:
            check_finite("warmup_to_value × warmup_multiplier", W * R, fix)
            check_finite("warmup_multiplier − 1", R - 1, fix)
        elif L:
            check_finite("warmup_to_value × (num_warmup_steps − 1)", W * (L - 1), fix)
        if self.shape != "constant":
            check_finite("warmup_to_value − anneal_to_value", W - A, fix)

    @property
    def horizon(self) -> int:
        return self.num_training_steps

    def __call__(self, step: int) -> float:
        if step < 0:
            raise ValueError(f"step must be >= 0, got {step}")
        W = self.warmup_to_value
        L = self.num_warmup_steps
        if step < L:
            if self.inverse:
                R = self.warmup_multiplier
                return W * (R - (R - 1) * step / L)
            return (W * step) / L
        if self.shape == "constant":
            return W
        A = self.anneal_to_value
        M = self.num_training_steps
        progress = (step - L) / (M - L) if M > L else 1.0
        if progress > 1.0:
            progress = 1.0
        if self.shape == "cosine":
            return A + (W - A) * math.cos(_HALF_PI * progress)
        return A + (W - A) * float((1 - progress) ** self.polynomial_exponent)

    def values(self, steps: StepsLike) -> torch.Tensor:
        t = as_steps(steps)
        W = self.warmup_to_value
        A = self.anneal_to_value
        L = self.num_warmup_steps
        M = self.num_training_steps
        if self.shape == "constant":
            after = torch.full_like(t, W)
        else:
            progress = (t - L).div_(M - L).clamp_(max=1.0) if M > L else torch.ones_like(t)
            if self.shape == "cosine":
                after = progress.mul_(_HALF_PI).cos_()
            else:
                after = progress.neg_().add_(1).clamp_(min=0.0).pow_(self.polynomial_exponent)
            after = after.mul_(W - A).add_(A)
        if L == 0:
            return after
        if self.inverse:
            R = self.warmup_multiplier
            warm = (R - 1) * t / L
            warm = warm.neg_().add_(R).mul_(W)
        else:
            warm = (W * t) / L
        return torch.where(t < L, warm, after)


class CosineAnnealingWithWarmup(_WarmupThenAnneal):
    """Linear warmup to ``W``, then a quarter-wave cosine from ``W`` down (or up) to ``A``.

    ``λ(t) = W·t/L`` for ``t < L``; ``λ(t) = A + (W − A)·cos(π/2 · p)`` for ``t ≥ L``,
    with ``p = min(1, (t − L)/(M − L))`` (symbols: see the module docstring).

    Args:
        warmup_to_value: ``W``, the multiplier reached at the end of warmup.
        anneal_to_value: ``A``, the multiplier held from step ``M`` on.
        num_warmup_steps: ``L >= 0``, or a percentage of ``M`` such as ``"5%"``.
        num_training_steps: ``M >= L``.

    Example:
        >>> c = CosineAnnealingWithWarmup(1.0, 0.0, num_warmup_steps=2, num_training_steps=4)
        >>> [round(c(t), 4) for t in range(6)]
        [0.0, 0.5, 1.0, 0.7071, 0.0, 0.0]
    """

    name = "cosine_annealing_with_warmup"
    param_names = ("warmup_to_value", "anneal_to_value", "num_warmup_steps", "num_training_steps")

    def __init__(
        self,
        warmup_to_value: float,
        anneal_to_value: float,
        num_warmup_steps: int | str,
        num_training_steps: int,
    ) -> None:
        self._setup(warmup_to_value, anneal_to_value, num_warmup_steps, num_training_steps)


class CosineAnnealingWithInverseWarmup(_WarmupThenAnneal):
    """Inverse warmup from ``W·R`` down to ``W``, then a quarter-wave cosine to ``A``.

    ``λ(t) = W·(R − (R − 1)·t/L)`` for ``t < L``; ``λ(t) = A + (W − A)·cos(π/2 · p)`` after.

    Args:
        warmup_to_value: ``W``. anneal_to_value: ``A``. num_warmup_steps: ``L``.
        num_training_steps: ``M``. warmup_multiplier: ``R``, the start is ``W·R``.

    Example:
        >>> c = CosineAnnealingWithInverseWarmup(1.0, 0.0, 2, 4, warmup_multiplier=3.0)
        >>> [round(c(t), 4) for t in range(5)]
        [3.0, 2.0, 1.0, 0.7071, 0.0]
    """

    name = "cosine_annealing_with_inverse_warmup"
    inverse = True
    param_names = (
        "warmup_to_value",
        "anneal_to_value",
        "num_warmup_steps",
        "num_training_steps",
        "warmup_multiplier",
    )

    def __init__(
        self,
        warmup_to_value: float,
        anneal_to_value: float,
        num_warmup_steps: int | str,
        num_training_steps: int,
        warmup_multiplier: float = 20.0,
    ) -> None:
        self._setup(
            warmup_to_value,
            anneal_to_value,
            num_warmup_steps,
            num_training_steps,
            warmup_multiplier=warmup_multiplier,
        )


class PolynomialScheduleWithWarmup(_WarmupThenAnneal):
    """Linear warmup to ``W``, then ``λ(t) = A + (W − A)·(1 − p)^P`` down to ``A``.

    Args:
        warmup_to_value: ``W``. anneal_to_value: ``A``. num_warmup_steps: ``L``.
        num_training_steps: ``M``. polynomial_exponent: ``P > 0``.

    Example:
        >>> c = PolynomialScheduleWithWarmup(1.0, 0.0, 0, 4, polynomial_exponent=2.0)
        >>> [c(t) for t in range(6)]
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    name = "polynomial_schedule_with_warmup"
    shape = "polynomial"
    param_names = (
        "warmup_to_value",
        "anneal_to_value",
        "num_warmup_steps",
        "num_training_steps",
        "polynomial_exponent",
    )

    def __init__(
        self,
        warmup_to_value: float,
        anneal_to_value: float,
        num_warmup_steps: int | str,
        num_training_steps: int,
        polynomial_exponent: float = 2.0,
    ) -> None:
        self._setup(
            warmup_to_value,
            anneal_to_value,
            num_warmup_steps,
            num_training_steps,
            polynomial_exponent=polynomial_exponent,
        )


class PolynomialScheduleWithInverseWarmup(_WarmupThenAnneal):
    """Inverse warmup from ``W·R`` to ``W``, then ``λ(t) = A + (W − A)·(1 − p)^P``.

    Args:
        warmup_to_value: ``W``. anneal_to_value: ``A``. num_warmup_steps: ``L``.
        num_training_steps: ``M``. polynomial_exponent: ``P > 0``. warmup_multiplier: ``R``.

    Example:
        >>> c = PolynomialScheduleWithInverseWarmup(1.0, 0.0, 1, 3, 1.0, warmup_multiplier=4.0)
        >>> [c(t) for t in range(4)]
        [4.0, 1.0, 0.5, 0.0]
    """

    name = "polynomial_schedule_with_inverse_warmup"
    shape = "polynomial"
    inverse = True
    param_names = (
        "warmup_to_value",
        "anneal_to_value",
        "num_warmup_steps",
        "num_training_steps",
        "polynomial_exponent",
        "warmup_multiplier",
    )

    def __init__(
        self,
        warmup_to_value: float,
        anneal_to_value: float,
        num_warmup_steps: int | str,
        num_training_steps: int,
        polynomial_exponent: float = 2.0,
        warmup_multiplier: float = 20.0,
    ) -> None:
        self._setup(
            warmup_to_value,
            anneal_to_value,
            num_warmup_steps,
            num_training_steps,
            warmup_multiplier=warmup_multiplier,
            polynomial_exponent=polynomial_exponent,
        )


class _FixedExponentWithWarmup(_WarmupThenAnneal):
    """Polynomial anneal with an exponent fixed by the class; linear warmup."""

    shape = "polynomial"
    param_names = ("warmup_to_value", "anneal_to_value", "num_warmup_steps", "num_training_steps")

    def __init__(
        self,
        warmup_to_value: float,
        anneal_to_value: float,
        num_warmup_steps: int | str,
        num_training_steps: int,
    ) -> None:
        self._setup(warmup_to_value, anneal_to_value, num_warmup_steps, num_training_steps)


class _FixedExponentWithInverseWarmup(_WarmupThenAnneal):
    """Polynomial anneal with an exponent fixed by the class; inverse warmup."""

    shape = "polynomial"
    inverse = True
    param_names = (
        "warmup_to_value",
        "anneal_to_value",
        "num_warmup_steps",
        "num_training_steps",
        "warmup_multiplier",
    )

    def __init__(
        self,
        warmup_to_value: float,
        anneal_to_value: float,
        num_warmup_steps: int | str,
        num_training_steps: int,
        warmup_multiplier: float = 20.0,
    ) -> None:
        self._setup(
            warmup_to_value,
            anneal_to_value,
            num_warmup_steps,
            num_training_steps,
            warmup_multiplier=warmup_multiplier,
        )


class LinearScheduleWithWarmup(_FixedExponentWithWarmup):
    """Linear warmup to ``W``, then a straight line to ``A``: ``λ(t) = A + (W − A)·(1 − p)``.

    Example:
        >>> c = LinearScheduleWithWarmup(1.0, 0.0, 2, 6)
        >>> [c(t) for t in (0, 1, 2, 4, 6, 9)]
        [0.0, 0.5, 1.0, 0.5, 0.0, 0.0]
    """

    name = "linear_schedule_with_warmup"
    fixed_exponent = 1.0


class LinearScheduleWithInverseWarmup(_FixedExponentWithInverseWarmup):
    """Inverse warmup from ``W·R`` to ``W``, then ``λ(t) = A + (W − A)·(1 − p)``.

    Example:
        >>> c = LinearScheduleWithInverseWarmup(1.0, 0.0, 2, 4, warmup_multiplier=5.0)
        >>> [c(t) for t in range(5)]
        [5.0, 3.0, 1.0, 0.5, 0.0]
    """

    name = "linear_schedule_with_inverse_warmup"
    fixed_exponent = 1.0


class QuadraticScheduleWithWarmup(_FixedExponentWithWarmup):
    """Linear warmup to ``W``, then ``λ(t) = A + (W − A)·(1 − p)²``.

    Example:
        >>> c = QuadraticScheduleWithWarmup(1.0, 0.0, 0, 2)
        >>> [c(t) for t in range(3)]
        [1.0, 0.25, 0.0]
    """

    name = "quadratic_schedule_with_warmup"
    fixed_exponent = 2.0


class QuadraticScheduleWithInverseWarmup(_FixedExponentWithInverseWarmup):
    """Inverse warmup from ``W·R`` to ``W``, then ``λ(t) = A + (W − A)·(1 − p)²``.

    Example:
        >>> c = QuadraticScheduleWithInverseWarmup(1.0, 0.0, 1, 3, warmup_multiplier=2.0)
        >>> [round(c(t), 4) for t in range(4)]
        [2.0, 1.0, 0.25, 0.0]
    """

    name = "quadratic_schedule_with_inverse_warmup"
    fixed_exponent = 2.0


class SqrtScheduleWithWarmup(_FixedExponentWithWarmup):
    """Linear warmup to ``W``, then ``λ(t) = A + (W − A)·√(1 − p)``.

    Example:
        >>> c = SqrtScheduleWithWarmup(1.0, 0.0, 0, 4)
        >>> [round(c(t), 4) for t in range(5)]
        [1.0, 0.866, 0.7071, 0.5, 0.0]
    """

    name = "sqrt_schedule_with_warmup"
    fixed_exponent = 0.5


class SqrtScheduleWithInverseWarmup(_FixedExponentWithInverseWarmup):
    """Inverse warmup from ``W·R`` to ``W``, then ``λ(t) = A + (W − A)·√(1 − p)``.

    Example:
        >>> c = SqrtScheduleWithInverseWarmup(1.0, 0.0, 1, 5, warmup_multiplier=2.0)
        >>> [round(c(t), 4) for t in range(6)]
        [2.0, 1.0, 0.866, 0.7071, 0.5, 0.0]
    """

    name = "sqrt_schedule_with_inverse_warmup"
    fixed_exponent = 0.5


class ConstantWithWarmup(_WarmupThenAnneal):
    """Linear warmup to ``W``, then ``W`` for ever: ``λ(t) = W·t/L`` for ``t < L``, else ``W``.

    Example:
        >>> c = ConstantWithWarmup(2.0, num_warmup_steps=4)
        >>> [c(t) for t in range(6)]
        [0.0, 0.5, 1.0, 1.5, 2.0, 2.0]
    """

    name = "constant_with_warmup"
    shape = "constant"
    param_names = ("warmup_to_value", "num_warmup_steps")

    def __init__(self, warmup_to_value: float, num_warmup_steps: int) -> None:
        # No anneal phase: the horizon is the end of warmup (M = L).
        self._setup(warmup_to_value, warmup_to_value, num_warmup_steps, _NO_ANNEAL)


class ConstantWithInverseWarmup(_WarmupThenAnneal):
    """Inverse warmup from ``W·R`` to ``W``, then ``W``: ``λ(t) = W·(R − (R − 1)·t/L)``, t < L.

    Example:
        >>> c = ConstantWithInverseWarmup(1.0, 2, warmup_multiplier=3.0)
        >>> [c(t) for t in range(4)]
        [3.0, 2.0, 1.0, 1.0]
    """

    name = "constant_with_inverse_warmup"
    shape = "constant"
    inverse = True
    param_names = ("warmup_to_value", "num_warmup_steps", "warmup_multiplier")

    def __init__(
        self, warmup_to_value: float, num_warmup_steps: int, warmup_multiplier: float = 20.0
    ) -> None:
        self._setup(
            warmup_to_value,
            warmup_to_value,
            num_warmup_steps,
            _NO_ANNEAL,  # no anneal phase: the horizon is the end of warmup (M = L)
            warmup_multiplier=warmup_multiplier,
        )


class ConstantSchedule(Curve):
    """``λ(t) = V`` at every step (``V`` = ``value``); no warmup.

    Example:
        >>> ConstantSchedule(0.5)(1000)
        0.5
    """

    name = "constant_schedule"
    param_names = ("value",)

    def __init__(self, value: float) -> None:
        self.value = check_real("value", value)

    @property
    def horizon(self) -> int:
        return 0

    def __call__(self, step: int) -> float:
        if step < 0:
            raise ValueError(f"step must be >= 0, got {step}")
        return self.value

    def values(self, steps: StepsLike) -> torch.Tensor:
        return torch.full_like(as_steps(steps), self.value)


#: The 13 built-in curve classes, in the order of the spec.
SPEC_CURVES: tuple[type[Curve], ...] = (
    CosineAnnealingWithWarmup,
    CosineAnnealingWithInverseWarmup,
    PolynomialScheduleWithWarmup,
    PolynomialScheduleWithInverseWarmup,
    LinearScheduleWithWarmup,
    LinearScheduleWithInverseWarmup,
    QuadraticScheduleWithWarmup,
    QuadraticScheduleWithInverseWarmup,
    SqrtScheduleWithWarmup,
    SqrtScheduleWithInverseWarmup,
    ConstantWithWarmup,
    ConstantWithInverseWarmup,
    ConstantSchedule,
)
