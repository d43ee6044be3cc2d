"""Warmup curves: linear, exponential and cosine warmup, and warmup then decay.

All of them are **absolute** curves: bound with ``sa.schedule(optimizer, curve, target)`` the
schedule writes ``value(t) = λ(t)`` itself into every param group, whatever the key held before
(the ``lr = sched.get_lr(step)`` style of standalone warmup code). The 13 curves of
``curves/spec.py`` are multiplier curves instead (``value = base × λ``).

Symbols used in every docstring below:

=====  =====================================================================
``B``  ``base_lr``: the value reached at the end of warmup
``L``  ``warmup_steps``: the length of the warmup, in steps (``L = 0``: none)
``S``  ``start_lr``: where the exponential warmup starts
``M``  ``total_steps``: the step at which the decay of :class:`WarmupWithDecay` ends
``m``  ``min_lr``: the value held from step ``M`` on
``p``  ``(t − L) / (M − L)``, the progress of the decay (1 when ``M == L``)
=====  =====================================================================

``warmup_steps`` of :class:`WarmupWithDecay` may be a percentage of ``total_steps``
(``"5%"``); the plain warmups have no total length, so there it is a number of steps.

Every curve holds its final value past its ``horizon`` (``L`` for the warmups, ``M`` for
:class:`WarmupWithDecay`).

The cosine of :class:`CosineWarmup` and :class:`WarmupWithDecay` is the **half-wave**
``½(1 ± cos πx)`` of torch, HF and timm, not the **quarter-wave** ``cos(π/2 · p)`` of the 1.x
curve ``cosine_annealing_with_warmup``: halfway through the decay, ``WarmupWithDecay`` is at
``m + (B − m)·0.5`` where ``cosine_annealing_with_warmup`` is at ``A + (W − A)·0.7071``.
"""

from __future__ import annotations

import math
from typing import ClassVar

import torch

from ..checks import (
    check_duration,
    check_finite,
    check_positive,
    check_real,
    check_step_count,
)
from .base import AbsoluteCurve, StepsLike, as_steps

__all__ = [
    "WARMUP_CURVES",
    "CosineWarmup",
    "ExponentialWarmup",
    "LinearWarmup",
    "WarmupWithDecay",
]


def _check_warmup_product(base_lr: float, warmup_steps: int) -> None:
    """``B·t`` for ``t < L`` is computed before the division: it must not overflow."""
    if warmup_steps:
        check_finite(
            "base_lr × (warmup_steps − 1)", base_lr * (warmup_steps - 1), "Use a smaller base_lr."
        )


class _WarmupToBase(AbsoluteCurve):
    """A warmup to ``base_lr`` over ``warmup_steps`` (``L``), then ``base_lr`` for ever.

    Subclasses give the warmup formula for ``t < L`` (scalar ``_warm`` and vectorised
    ``_warm_values``); the hold after ``L`` and ``L = 0`` are handled here.
    """

    param_names: ClassVar[tuple[str, ...]] = ("base_lr", "warmup_steps")

    def __init__(self, base_lr: float, warmup_steps: int) -> None:
        self.base_lr = check_real("base_lr", base_lr)
        self.warmup_steps = check_step_count("warmup_steps", warmup_steps)
        _check_warmup_product(self.base_lr, self.warmup_steps)

    @property
    def horizon(self) -> int:
        return self.warmup_steps

    def _warm(self, step: int) -> float:
        """λ(step) for ``0 <= step < L``."""
        raise NotImplementedError

    def _warm_values(self, t: torch.Tensor) -> torch.Tensor:
        """λ at every step of ``t`` by the warmup formula (used where ``t < L``)."""
        raise NotImplementedError

    def __call__(self, step: int) -> float:
        if step < self.warmup_steps:
            return self._warm(step)
        return self.base_lr

    def values(self, steps: StepsLike) -> torch.Tensor:
        t = as_steps(steps)
        held = torch.full_like(t, self.base_lr)
        if self.warmup_steps == 0:
            return held
        return torch.where(t < self.warmup_steps, self._warm_values(t), held)


class LinearWarmup(_WarmupToBase):
    """Linear warmup from 0 to ``B`` over ``L`` steps, then ``B`` for ever (absolute curve).

    ``λ(t) = B·t/L`` for ``t < L``; ``λ(t) = B`` for ``t ≥ L`` (symbols: see the module
    docstring).

    Args:
        base_lr: ``B``, the value reached at step ``L`` and held after it.
        warmup_steps: ``L >= 0``; 0 means no warmup (``B`` from step 0).

    Example:
        >>> c = LinearWarmup(base_lr=1e-3, warmup_steps=4)
        >>> [c.get_lr(t) for t in (0, 1, 2, 4, 100)]
        [0.0, 0.00025, 0.0005, 0.001, 0.001]
    """

    name = "linear_warmup"

    def _warm(self, step: int) -> float:
        return self.base_lr * step / self.warmup_steps

    def _warm_values(self, t: torch.Tensor) -> torch.Tensor:
        return (self.base_lr * t) / self.warmup_steps


class ExponentialWarmup(_WarmupToBase):
    """Geometric warmup from ``S`` to ``B`` over ``L`` steps, then ``B`` (absolute curve).

    ``λ(t) = S·(B/S)^(t/L)`` for ``t < L``; ``λ(t) = B`` for ``t ≥ L``. The value grows by the
    same factor ``(B/S)^(1/L)`` every step: slow at first, a straight line on a log axis.

    Args:
        base_lr: ``B > 0``, the value reached at step ``L``.
        warmup_steps: ``L >= 0``.
        start_lr: ``S > 0``, the value at step 0 (default ``1e-7``).

    Example:
        >>> c = ExponentialWarmup(base_lr=1e-3, warmup_steps=4, start_lr=1e-7)
        >>> [float(f"{c.get_lr(t):.3g}") for t in (0, 1, 2, 3, 4, 9)]
        [1e-07, 1e-06, 1e-05, 0.0001, 0.001, 0.001]
    """

    name = "exponential_warmup"
    param_names = ("base_lr", "warmup_steps", "start_lr")

    def __init__(self, base_lr: float, warmup_steps: int, start_lr: float = 1e-7) -> None:
        self.base_lr = check_positive("base_lr", base_lr)
        self.warmup_steps = check_step_count("warmup_steps", warmup_steps)
        self.start_lr = check_positive("start_lr", start_lr)
        self._log_ratio = math.log(self.base_lr / self.start_lr)

    def _warm(self, step: int) -> float:
        return self.start_lr * math.exp(self._log_ratio * step / self.warmup_steps)

    def _warm_values(self, t: torch.Tensor) -> torch.Tensor:
        return ((self._log_ratio * t) / self.warmup_steps).exp_().mul_(self.start_lr)


class CosineWarmup(_WarmupToBase):
    """Half-wave cosine warmup from 0 to ``B`` over ``L`` steps, then ``B`` (absolute curve).

    ``λ(t) = B·½(1 − cos(π·t/L))`` for ``t < L``; ``λ(t) = B`` for ``t ≥ L``. Flat at both
    ends of the warmup, steepest halfway (where it equals ``B/2``, as a linear warmup does).

    Args:
        base_lr: ``B``, the value reached at step ``L``.
        warmup_steps: ``L >= 0``.

    Example:
        >>> c = CosineWarmup(base_lr=1.0, warmup_steps=4)
        >>> [round(c.get_lr(t), 4) for t in (0, 1, 2, 3, 4, 5)]
        [0.0, 0.1464, 0.5, 0.8536, 1.0, 1.0]
    """

    name = "cosine_warmup"

    def _warm(self, step: int) -> float:
        return self.base_lr * 0.5 * (1.0 - math.cos(math.pi * step / self.warmup_steps))

    def _warm_values(self, t: torch.Tensor) -> torch.Tensor:
        return ((math.pi * t) / self.warmup_steps).cos_().neg_().add_(1.0).mul_(self.base_lr * 0.5)


class WarmupWithDecay(AbsoluteCurve):
    """Linear warmup to ``B``, then a **half-wave** cosine decay to ``m`` (absolute curve).

    The transformer recipe (BERT, GPT; HF's ``get_cosine_schedule_with_warmup`` with a floor):

    * ``λ(t) = B·t/L`` for ``t < L``;
    * ``λ(t) = m + (B − m)·½(1 + cos(π·p))`` for ``L ≤ t ≤ M``, ``p = (t − L)/(M − L)``;
    * ``λ(t) = m`` for ``t ≥ M`` (held; a schedule warns once if stepped far past ``M``).

    Half-wave: at ``p = ½`` the value is halfway, ``m + (B − m)·0.5``. The 1.x curve
    ``cosine_annealing_with_warmup`` uses the quarter-wave ``cos(π/2·p)`` and is at 0.7071 there.

    Args:
        base_lr: ``B``, the peak, reached at step ``L``.
        warmup_steps: ``L >= 0``, or a percentage of ``M`` such as ``"5%"`` (resolved to
            ``⌈M × percent / 100⌉`` steps; see ``documentation/durations.md``).
        total_steps: ``M >= L``, the step at which the decay reaches ``m``.
        min_lr: ``m`` (default 0), the floor held from step ``M`` on.

    Raises:
        ValueError: ``warmup_steps > total_steps`` (a warmup longer than the schedule).

    Example:
        >>> c = WarmupWithDecay(base_lr=1.0, warmup_steps=2, total_steps=6, min_lr=0.0)
        >>> [round(c.get_lr(t), 4) for t in range(8)]
        [0.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
    """

    name = "warmup_with_decay"
    param_names = ("base_lr", "warmup_steps", "total_steps", "min_lr")
    #: ``total_steps`` is the end of training: stepping far past it warns once.
    horizon_is_training_end: ClassVar[bool] = True

    def __init__(
        self, base_lr: float, warmup_steps: int | str, total_steps: int, min_lr: float = 0.0
    ) -> None:
        self.base_lr = check_real("base_lr", base_lr)
        self.total_steps = check_step_count("total_steps", total_steps)
        self.warmup_steps = check_duration(
            "warmup_steps", warmup_steps, total=self.total_steps, total_name="total_steps"
        )
        self.min_lr = check_real("min_lr", min_lr)
        _check_warmup_product(self.base_lr, self.warmup_steps)
        check_finite("base_lr − min_lr", self.base_lr - self.min_lr, "Use smaller values.")
        if self.warmup_steps > self.total_steps:
            raise ValueError(
                f"warmup_steps ({self.warmup_steps}) must be <= total_steps "
                f"({self.total_steps}): the warmup cannot be longer than the schedule. Lower "
                f"warmup_steps or raise total_steps (total_steps counts the warmup too)."
            )

    @property
    def horizon(self) -> int:
        return self.total_steps

    def __call__(self, step: int) -> float:
        B, L, M, m = self.base_lr, self.warmup_steps, self.total_steps, self.min_lr
        if step < L:
            return B * step / L
        if step >= M:
            return m
        p = (step - L) / (M - L)
        return m + (B - m) * 0.5 * (1.0 + math.cos(math.pi * p))

    def values(self, steps: StepsLike) -> torch.Tensor:
        t = as_steps(steps)
        B, L, M, m = self.base_lr, self.warmup_steps, self.total_steps, self.min_lr
        if M > L:
            p = (t - L).div_(M - L).clamp_(0.0, 1.0)
            decay = p.mul_(math.pi).cos_().add_(1.0).mul_((B - m) * 0.5).add_(m)
        else:
            decay = torch.full_like(t, m)
        if L == 0:
            return decay
        return torch.where(t < L, (B * t) / L, decay)


#: The warmup curves, in the order the documentation lists them.
WARMUP_CURVES: tuple[type[AbsoluteCurve], ...] = (
    LinearWarmup,
    ExponentialWarmup,
    CosineWarmup,
    WarmupWithDecay,
)
