"""Two multiplier curves that torch-schedule-anything does not ship.

Both are **multiplier** curves: a schedule writes ``value_g(t) = base_g × λ(t)`` into every
param group ``g``, so one curve drives groups with different base values.

Symbols:

=====  ==========================================================
``W``  ``warmup_to_value``: the multiplier at the end of warmup
``A``  ``anneal_to_value``: the multiplier held after the decay
``L``  ``num_warmup_steps``
``D``  ``num_decay_steps``
``M``  ``num_training_steps``
``S``  ``M − D``, the step where the decay starts
``τ``  ``timescale`` of the inverse square root
=====  ==========================================================
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import torch

from torch_schedule_anything.checks import check_real as _real
from torch_schedule_anything.checks import check_step_count as _steps
from torch_schedule_anything.curves import Curve, as_steps

__all__ = ["DECAY_SHAPES", "InverseSqrt", "WarmupStableDecay"]

#: The decay shapes of :class:`WarmupStableDecay`, ``q ∈ [0, 1] -> f(q)`` with f(0)=1, f(1)=0.
DECAY_SHAPES = ("linear", "cosine", "sqrt")


class WarmupStableDecay(Curve):
    """Warmup, a long stable plateau, then a short decay: "WSD" (trapezoidal) schedule.

    ``λ(t) = W·t/L`` for ``t < L`` (linear warmup from 0);
    ``λ(t) = W`` for ``L ≤ t < S``;
    ``λ(t) = A + (W − A)·f(q)`` for ``S ≤ t < M``, with ``q = (t − S)/D``;
    ``λ(t) = A`` for ``t ≥ M``; ``S = M − D``.

    ``f`` is the decay shape: ``"linear"`` ``1 − q``; ``"cosine"`` the half-wave
    ``½(1 + cos πq)``; ``"sqrt"`` ``1 − √q`` (the "1-sqrt" cooldown).

    Because the plateau does not depend on ``M``, a run can be extended and only the short
    decay has to be redone.

    Args:
        warmup_to_value: ``W``, the plateau multiplier.
        anneal_to_value: ``A``, the multiplier held from step ``M`` on.
        num_warmup_steps: ``L >= 0`` (0: no warmup).
        num_training_steps: ``M``, the step where the decay ends.
        num_decay_steps: ``D >= 0``, with ``L + D <= M`` (0: drop to ``A`` at step ``M``).
        decay_shape: one of ``"linear"``, ``"cosine"``, ``"sqrt"``.

    Example:
        >>> c = WarmupStableDecay(1.0, 0.0, num_warmup_steps=2, num_training_steps=8,
        ...                       num_decay_steps=4)
        >>> [c(t) for t in range(10)]
        [0.0, 0.5, 1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """

    name: ClassVar[str] = "wsd"
    param_names: ClassVar[tuple[str, ...]] = (
        "warmup_to_value",
        "anneal_to_value",
        "num_warmup_steps",
        "num_training_steps",
        "num_decay_steps",
        "decay_shape",
    )

    def __init__(
        self,
        warmup_to_value: float,
        anneal_to_value: float,
        num_warmup_steps: int,
        num_training_steps: int,
        num_decay_steps: int,
        decay_shape: str = "linear",
    ) -> None:
        self.warmup_to_value = _real("warmup_to_value", warmup_to_value)
        self.anneal_to_value = _real("anneal_to_value", anneal_to_value)
        self.num_warmup_steps = _steps("num_warmup_steps", num_warmup_steps)
        self.num_training_steps = _steps("num_training_steps", num_training_steps)
        self.num_decay_steps = _steps("num_decay_steps", num_decay_steps)
        if self.num_warmup_steps + self.num_decay_steps > self.num_training_steps:
            raise ValueError(
                f"num_warmup_steps + num_decay_steps ({self.num_warmup_steps} + "
                f"{self.num_decay_steps}) must be <= num_training_steps "
                f"({self.num_training_steps}): warmup and decay must fit in the schedule. "
                f"Shorten one of them or raise num_training_steps."
            )
        if not isinstance(decay_shape, str) or decay_shape not in DECAY_SHAPES:
            raise ValueError(
                f"decay_shape must be one of {list(DECAY_SHAPES)}, got {decay_shape!r}"
            )
        self.decay_shape = decay_shape

    @property
    def horizon(self) -> int:
        return self.num_training_steps

    def _shape(self, q: float) -> float:
        if self.decay_shape == "linear":
            return 1.0 - q
        if self.decay_shape == "cosine":
            return 0.5 * (1.0 + math.cos(math.pi * q))
        return 1.0 - math.sqrt(q)

    def __call__(self, step: int) -> float:
        if step < 0:
            raise ValueError(f"step must be >= 0, got {step}")
        W, A = self.warmup_to_value, self.anneal_to_value
        L, M, D = self.num_warmup_steps, self.num_training_steps, self.num_decay_steps
        if step >= M:
            return A
        if step < L:
            return W * step / L
        start = M - D
        if step < start:
            return W
        return A + (W - A) * self._shape((step - start) / D)

    def values(self, steps: Any) -> torch.Tensor:
        """λ at every step of ``steps`` (a float64 Tensor), vectorised."""
        t = as_steps(steps)
        W, A = self.warmup_to_value, self.anneal_to_value
        L, M, D = self.num_warmup_steps, self.num_training_steps, self.num_decay_steps
        out = torch.full_like(t, W)
        if L > 0:
            out = torch.where(t < L, W * t / L, out)
        if D > 0:
            q = ((t - (M - D)) / D).clamp(0.0, 1.0)
            if self.decay_shape == "linear":
                f = 1.0 - q
            elif self.decay_shape == "cosine":
                f = 0.5 * (1.0 + torch.cos(math.pi * q))
            else:
                f = 1.0 - q.sqrt()
            out = torch.where(t >= M - D, A + (W - A) * f, out)
        return torch.where(t >= M, torch.full_like(t, A), out)


class InverseSqrt(Curve):
    """Linear warmup, then decay with the inverse square root of the step.

    ``λ(t) = W·t/L`` for ``t < L``; ``λ(t) = W·√(τ / (t − L + τ))`` for ``t ≥ L``.

    With the default ``τ = L`` the decay is ``W·√(L/t)`` (the Transformer / fairseq
    schedule). ``λ(L) = W`` and the curve keeps decreasing: it never holds a final value.

    Args:
        warmup_to_value: ``W``, the multiplier at the end of warmup.
        num_warmup_steps: ``L >= 0``.
        timescale: ``τ > 0``; defaults to ``L``, and is required when ``L == 0``.

    Example:
        >>> c = InverseSqrt(1.0, num_warmup_steps=4)
        >>> [c(t) for t in (0, 2, 4, 16, 64)]
        [0.0, 0.5, 1.0, 0.5, 0.25]
    """

    name: ClassVar[str] = "inverse_sqrt"
    param_names: ClassVar[tuple[str, ...]] = ("warmup_to_value", "num_warmup_steps", "timescale")

    def __init__(
        self, warmup_to_value: float, num_warmup_steps: int, timescale: float | None = None
    ) -> None:
        self.warmup_to_value = _real("warmup_to_value", warmup_to_value)
        self.num_warmup_steps = _steps("num_warmup_steps", num_warmup_steps)
        if timescale is None:
            if self.num_warmup_steps == 0:
                raise ValueError(
                    "timescale is required when num_warmup_steps is 0 (it defaults to "
                    "num_warmup_steps); pass timescale=τ > 0, e.g. timescale=1000 (the "
                    "value halves at step L + 3τ)"
                )
            self.timescale: float | None = None
            self._tau = float(self.num_warmup_steps)
        else:
            tau = _real("timescale", timescale)
            if tau <= 0:
                raise ValueError(f"timescale must be > 0, got {tau!r}")
            self.timescale = tau
            self._tau = tau

    def __call__(self, step: int) -> float:
        if step < 0:
            raise ValueError(f"step must be >= 0, got {step}")
        W, L, tau = self.warmup_to_value, self.num_warmup_steps, self._tau
        if step < L:
            return W * step / L
        return W * math.sqrt(tau / (step - L + tau))

    def values(self, steps: Any) -> torch.Tensor:
        """λ at every step of ``steps`` (a float64 Tensor), vectorised."""
        t = as_steps(steps)
        W, L, tau = self.warmup_to_value, self.num_warmup_steps, self._tau
        decay = W * torch.sqrt(tau / (t - L + tau).clamp(min=tau))
        if L == 0:
            return decay
        return torch.where(t < L, W * t / L, decay)
