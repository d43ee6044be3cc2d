"""Cyclical curves: CLR, 1cycle (lr and momentum), SGDR, and a log-scale cycle.

All of them are **absolute** curves: bound with ``sa.schedule(optimizer, curve, target)`` the
schedule writes ``value(t) = λ(t)`` into every param group. They are closed forms of the step
``t`` (no state, no loop over cycles), so ``get_lr(step)`` at any step, resume and plotting a
million steps cost the same as one step.

Where PyTorch has the same schedule the values match its scheduler stepped ``t`` times
(``torch.optim.lr_scheduler.CyclicLR``, ``OneCycleLR``, ``CosineAnnealingWarmRestarts``); the
differences are listed in ``documentation/cyclical.md`` (held end value instead of an error,
momentum as its own curve).

The triangle wave shared by :class:`CyclicLR` and :class:`ExponentialCyclicLR`, with
``U = step_size`` rising steps and ``D = step_size_down`` falling steps (``D = U`` by default),
``T = U + D``, cycle index ``k = ⌊t/T⌋`` and position ``r = t − kT``::

    s(t) = r/U          for r ≤ U   (0 → 1)
    s(t) = (T − r)/D    for r > U   (1 → 0)

The cosines here are **half-waves** ``½(1 + cos πx)`` (torch's), not the quarter-wave of the
1.x curve ``cosine_annealing_with_warmup``.
"""

from __future__ import annotations

import math
import sys
from typing import ClassVar

import torch

from ..checks import check_choice, check_finite, check_positive, check_real, check_step_count
from .base import AbsoluteCurve, StepsLike, as_steps

__all__ = [
    "CYCLICAL_CURVES",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialCyclicLR",
    "OneCycleLR",
    "OneCycleMomentum",
]

_MODES = ("triangular", "triangular2", "exp_range")
_ANNEAL = ("cos", "linear")


class _Triangle:
    """The triangle wave ``s(t)`` in [0, 1] (module docstring) and the cycle index ``k``."""

    __slots__ = ("down", "period", "up")

    def __init__(self, up: int, down: int) -> None:
        self.up = up
        self.down = down
        self.period = up + down

    def scalar(self, step: int) -> tuple[int, float]:
        k, r = divmod(step, self.period)
        if r <= self.up:
            return k, r / self.up
        return k, (self.period - r) / self.down

    def tensor(self, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        k = torch.div(t, self.period, rounding_mode="floor")
        r = t - k * self.period
        s = torch.where(r <= self.up, r / self.up, (self.period - r) / self.down)
        return k, s


def _step_sizes(step_size: object, step_size_down: object) -> tuple[int, int | None, int]:
    up = check_step_count("step_size", step_size, minimum=1)
    if step_size_down is None:
        return up, None, up
    down = check_step_count("step_size_down", step_size_down, minimum=1)
    return up, down, down


class CyclicLR(AbsoluteCurve):
    """Cyclical learning rate (Smith 2017): a triangle wave between ``b`` and ``a``.

    ``λ(t) = b + (a − b)·s(t)·g(t)`` with the triangle wave ``s(t)`` of the module docstring
    and the amplitude scale ``g``:

    =================  =======================  ==========================================
    ``mode``           ``g(t)``                 effect
    =================  =======================  ==========================================
    ``"triangular"``   ``1``                    constant amplitude
    ``"triangular2"``  ``2^(−k)``, ``k=⌊t/T⌋``  the amplitude halves every cycle
    ``"exp_range"``    ``γ^t``                  the amplitude decays by ``γ`` every step
    =================  =======================  ==========================================

    Legend: ``b = base_lr`` (the value at the start of each cycle), ``a = max_lr`` (the peak,
    reached at ``r = U`` in the first cycle), ``U = step_size``, ``D = step_size_down``,
    ``γ = gamma``. ``a < b`` is allowed and cycles inversely (torch's momentum cycling:
    ``CyclicLR(base_lr=0.9, max_lr=0.8, ...)`` on ``"momentum"``). Equal to
    ``torch.optim.lr_scheduler.CyclicLR(opt, b, a, U, D, mode, gamma, cycle_momentum=False)``.

    Args:
        base_lr: ``b``. max_lr: ``a``.
        step_size: ``U >= 1``, the steps of the rising half (the "half cycle" of the CLR paper).
        mode: ``"triangular"`` (default), ``"triangular2"`` or ``"exp_range"``.
        gamma: ``γ > 0`` (default 1.0), used by ``"exp_range"`` only.
        step_size_down: ``D >= 1``, the steps of the falling half; default ``U``.

    Example:
        >>> c = CyclicLR(base_lr=0.1, max_lr=0.5, step_size=2, mode="triangular2")
        >>> [round(c.get_lr(t), 4) for t in range(9)]
        [0.1, 0.3, 0.5, 0.3, 0.1, 0.2, 0.3, 0.2, 0.1]
    """

    name = "cyclic_lr"
    param_names = ("base_lr", "max_lr", "step_size", "mode", "gamma", "step_size_down")

    def __init__(
        self,
        base_lr: float,
        max_lr: float,
        step_size: int,
        mode: str = "triangular",
        gamma: float = 1.0,
        step_size_down: int | None = None,
    ) -> None:
        self.base_lr = check_real("base_lr", base_lr)
        self.max_lr = check_real("max_lr", max_lr)
        self.step_size, self.step_size_down, down = _step_sizes(step_size, step_size_down)
        self.mode = check_choice("mode", mode, _MODES)
        self.gamma = check_positive("gamma", gamma)
        if self.mode == "exp_range" and self.gamma > 1.0:
            raise ValueError(
                f"gamma={self.gamma!r} > 1 with mode='exp_range' makes the amplitude grow as "
                f"gamma**t without bound (it overflows at step "
                f"{math.ceil(math.log(sys.float_info.max) / math.log(self.gamma))}); use "
                f"gamma <= 1 (a decay, the usual exp_range), or mode='triangular'"
            )
        check_finite("max_lr − base_lr", self.max_lr - self.base_lr, "Use smaller values.")
        self._wave = _Triangle(self.step_size, down)

    def __call__(self, step: int) -> float:
        k, s = self._wave.scalar(step)
        height = (self.max_lr - self.base_lr) * s
        if self.mode == "triangular2":
            return self.base_lr + height * 0.5**k
        if self.mode == "exp_range":
            return self.base_lr + height * self.gamma**step
        return self.base_lr + height

    def values(self, steps: StepsLike) -> torch.Tensor:
        t = as_steps(steps)
        k, s = self._wave.tensor(t)
        height = s.mul_(self.max_lr - self.base_lr)
        if self.mode == "triangular2":
            height = height.mul_(torch.pow(0.5, k))
        elif self.mode == "exp_range":
            height = height.mul_(torch.pow(self.gamma, t))
        return height.add_(self.base_lr)


class ExponentialCyclicLR(AbsoluteCurve):
    """A cycle between ``b`` and ``a`` on a log scale, its log-amplitude decaying by ``γ^t``.

    ``λ(t) = b·(a/b)^(s(t)·γ^t)`` with the triangle wave ``s(t)`` of the module docstring.

    With ``γ = 1`` it is :class:`CyclicLR`'s triangle drawn on a log axis: each rising step
    multiplies the value by the same factor ``(a/b)^(1/U)``, each falling step divides by
    ``(a/b)^(1/D)``; the geometric midpoint ``√(ab)`` is reached halfway up. With ``γ < 1`` the
    peaks shrink geometrically towards ``b`` (the log-scale analogue of ``"exp_range"``).
    Useful when ``a/b`` spans decades, as LR range tests suggest (e.g. 1e-4 to 1e-1).

    Legend: ``b = base_lr > 0``, ``a = max_lr > 0``, ``U = step_size``,
    ``D = step_size_down`` (default ``U``), ``γ = gamma`` (default 1.0).

    Example:
        >>> c = ExponentialCyclicLR(base_lr=1e-4, max_lr=1e-2, step_size=2)
        >>> [float(f"{c.get_lr(t):.3g}") for t in range(6)]
        [0.0001, 0.001, 0.01, 0.001, 0.0001, 0.001]
    """

    name = "exponential_cyclic_lr"
    param_names = ("base_lr", "max_lr", "step_size", "gamma", "step_size_down")

    def __init__(
        self,
        base_lr: float,
        max_lr: float,
        step_size: int,
        gamma: float = 1.0,
        step_size_down: int | None = None,
    ) -> None:
        self.base_lr = check_positive("base_lr", base_lr)
        self.max_lr = check_positive("max_lr", max_lr)
        self.step_size, self.step_size_down, down = _step_sizes(step_size, step_size_down)
        self.gamma = check_positive("gamma", gamma)
        if self.gamma > 1.0:
            raise ValueError(
                f"gamma={self.gamma!r} > 1 makes the log-amplitude grow as gamma**t without "
                f"bound, so the values overflow; use gamma <= 1 (1 keeps every cycle equal)"
            )
        self._wave = _Triangle(self.step_size, down)
        self._log_ratio = check_finite(
            "log(max_lr / base_lr)", math.log(self.max_lr / self.base_lr), "Use closer values."
        )

    def __call__(self, step: int) -> float:
        _, s = self._wave.scalar(step)
        if self.gamma != 1.0:
            s *= self.gamma**step
        return self.base_lr * math.exp(self._log_ratio * s)

    def values(self, steps: StepsLike) -> torch.Tensor:
        t = as_steps(steps)
        _, s = self._wave.tensor(t)
        if self.gamma != 1.0:
            s = s.mul_(torch.pow(self.gamma, t))
        return s.mul_(self._log_ratio).exp_().mul_(self.base_lr)


class _OneCycle(AbsoluteCurve):
    """Two phases through three anchors ``v0 → v1 → v2`` (torch's ``OneCycleLR`` timing).

    Phase ends ``e1 = pct_start·N − 1`` and ``e2 = N − 1`` (floats, as in torch); with
    ``u = min(t, e2)``::

        λ(t) = f(v0, v1, u/e1)                  for u ≤ e1
        λ(t) = f(v1, v2, (u − e1)/(e2 − e1))    for u > e1

    ``f(x, y, q) = y + (x − y)/2·(1 + cos πq)`` (``"cos"``, a half-wave) or ``(y − x)·q + x``
    (``"linear"``). Past ``e2`` the value at ``e2`` is held.
    """

    horizon_is_training_end: ClassVar[bool] = True

    total_steps: int
    pct_start: float
    anneal_strategy: str

    def _setup_timing(
        self, total_steps: object, pct_start: object, anneal_strategy: object
    ) -> None:
        self.total_steps = check_step_count("total_steps", total_steps, minimum=1)
        pct = check_real("pct_start", pct_start)
        if not 0.0 <= pct <= 1.0:
            raise ValueError(
                f"pct_start must be in [0, 1] (the fraction of total_steps spent rising), "
                f"got {pct!r}"
            )
        self.pct_start = pct
        self.anneal_strategy = check_choice("anneal_strategy", anneal_strategy, _ANNEAL)
        self._e1 = float(self.pct_start * self.total_steps) - 1
        self._e2 = float(self.total_steps - 1)

    def _anchors(self) -> tuple[float, float, float]:
        raise NotImplementedError

    @property
    def horizon(self) -> int:
        return self.total_steps - 1

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if pct == 0.0:  # exact at the anchor (torch's rounding can miss it by one ulp)
            return start
        if self.anneal_strategy == "cos":
            cos_out = math.cos(math.pi * pct) + 1
            return end + (start - end) / 2.0 * cos_out
        return (end - start) * pct + start

    def _anneal_tensor(self, start: float, end: float, pct: torch.Tensor) -> torch.Tensor:
        at_start = pct == 0.0
        if self.anneal_strategy == "cos":
            out = pct.mul_(math.pi).cos_().add_(1).mul_((start - end) / 2.0).add_(end)
        else:
            out = pct.mul_(end - start).add_(start)
        return out.masked_fill_(at_start, start)

    def __call__(self, step: int) -> float:
        v0, v1, v2 = self._anchors()
        e1, e2 = self._e1, self._e2
        u = min(float(step), e2)
        if u <= e1:
            return self._anneal(v0, v1, u / e1) if e1 > 0 else v1
        return self._anneal(v1, v2, (u - e1) / (e2 - e1))

    def values(self, steps: StepsLike) -> torch.Tensor:
        t = as_steps(steps)
        v0, v1, v2 = self._anchors()
        e1, e2 = self._e1, self._e2
        u = t.clamp(max=e2)
        first = self._anneal_tensor(v0, v1, u / e1) if e1 > 0 else torch.full_like(u, v1)
        if e2 > e1:
            second = self._anneal_tensor(v1, v2, (u - e1) / (e2 - e1))
        else:
            second = torch.full_like(u, v1)
        return torch.where(u <= e1, first, second)


class OneCycleLR(_OneCycle):
    """The 1cycle policy (Smith 2018): up from ``a/d`` to ``a``, then down to ``a/(d·F)``.

    Anchors of the two-phase engine below: ``v0 = a/d``, ``v1 = a``, ``v2 = a/(d·F)``; with
    ``N = total_steps``, ``e1 = pct_start·N − 1``, ``e2 = N − 1`` and ``u = min(t, e2)``::

        λ(t) = f(v0, v1, u/e1)                  for u ≤ e1   (rising)
        λ(t) = f(v1, v2, (u − e1)/(e2 − e1))    for u > e1   (annealing)

    ``f(x, y, q) = y + (x − y)/2·(1 + cos πq)`` for ``anneal_strategy="cos"`` (half-wave),
    ``(y − x)·q + x`` for ``"linear"``. Legend: ``a = max_lr``, ``d = div_factor``,
    ``F = final_div_factor``. The value at step ``N − 1`` is held after it (torch raises at
    step ``N + 1`` instead). Equal to ``torch.optim.lr_scheduler.OneCycleLR(opt, a, N,
    pct_start=..., anneal_strategy=..., div_factor=d, final_div_factor=F,
    cycle_momentum=False)``; torch's momentum cycle is :class:`OneCycleMomentum`.

    Args:
        max_lr: ``a > 0``, the peak.
        total_steps: ``N >= 1``, the length of the cycle (usually the whole training).
        pct_start: the fraction of ``N`` spent rising, in [0, 1] (default 0.3).
        anneal_strategy: ``"cos"`` (default) or ``"linear"``.
        div_factor: ``d > 0``, the start is ``a/d`` (default 25).
        final_div_factor: ``F > 0``, the end is ``a/(d·F)`` (default 1e4).

    Example:
        >>> c = OneCycleLR(max_lr=1.0, total_steps=10, pct_start=0.3, div_factor=10.0,
        ...                final_div_factor=10.0)
        >>> [round(c.get_lr(t), 4) for t in (0, 1, 2, 3, 9, 10)]
        [0.1, 0.55, 1.0, 0.951, 0.01, 0.01]
    """

    name = "one_cycle_lr"
    param_names = (
        "max_lr",
        "total_steps",
        "pct_start",
        "anneal_strategy",
        "div_factor",
        "final_div_factor",
    )

    def __init__(
        self,
        max_lr: float,
        total_steps: int,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
    ) -> None:
        self.max_lr = check_positive("max_lr", max_lr)
        self._setup_timing(total_steps, pct_start, anneal_strategy)
        self.div_factor = check_positive("div_factor", div_factor)
        self.final_div_factor = check_positive("final_div_factor", final_div_factor)
        initial = self.max_lr / self.div_factor
        self._v = (initial, self.max_lr, initial / self.final_div_factor)

    def _anchors(self) -> tuple[float, float, float]:
        return self._v


class OneCycleMomentum(_OneCycle):
    """The momentum half of 1cycle: down from ``M`` to ``m`` while the lr rises, then back up.

    Anchors of :class:`OneCycleLR`'s two-phase engine: ``v0 = M``, ``v1 = m``, ``v2 = M``
    (same ``N``, ``e1``, ``e2``, ``f`` and hold after ``N − 1``). Bind it to ``"momentum"``
    (SGD, RMSprop) or ``"betas[0]"`` (Adam, AdamW) next to a :class:`OneCycleLR` on ``"lr"``
    with the same ``total_steps``, ``pct_start`` and ``anneal_strategy``: the pair equals
    torch's ``OneCycleLR`` with ``cycle_momentum=True``.

    Args:
        total_steps: ``N >= 1``. pct_start: in [0, 1] (default 0.3).
        anneal_strategy: ``"cos"`` (default) or ``"linear"``.
        base_momentum: ``m``, the trough, reached with the lr's peak (default 0.85).
        max_momentum: ``M``, the value at both ends (default 0.95).

    Example:
        >>> c = OneCycleMomentum(total_steps=10, pct_start=0.3)
        >>> [round(c.get_lr(t), 4) for t in (0, 1, 2, 3, 9, 10)]
        [0.95, 0.9, 0.85, 0.855, 0.95, 0.95]
    """

    name = "one_cycle_momentum"
    param_names = (
        "total_steps",
        "pct_start",
        "anneal_strategy",
        "base_momentum",
        "max_momentum",
    )

    def __init__(
        self,
        total_steps: int,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        base_momentum: float = 0.85,
        max_momentum: float = 0.95,
    ) -> None:
        self._setup_timing(total_steps, pct_start, anneal_strategy)
        self.base_momentum = check_real("base_momentum", base_momentum)
        self.max_momentum = check_real("max_momentum", max_momentum)
        check_finite(
            "max_momentum − base_momentum",
            self.max_momentum - self.base_momentum,
            "Use smaller values.",
        )
        self._v = (self.max_momentum, self.base_momentum, self.max_momentum)

    def _anchors(self) -> tuple[float, float, float]:
        return self._v


class CosineAnnealingWarmRestarts(AbsoluteCurve):
    """SGDR (Loshchilov & Hutter 2016): half-wave cosine cycles that restart at ``a``.

    Cycle ``i`` (from 0) lasts ``T_i = T₀·μ^i`` steps and starts at
    ``S_i = T₀·(μ^i − 1)/(μ − 1)`` (``S_i = T₀·i`` when ``μ = 1``). At step ``t`` in cycle
    ``i``::

        λ(t) = m + (a − m)·(1 + cos(π·(t − S_i)/T_i))/2

    The cycle index is found in closed form, ``i = ⌊log_μ(1 + t·(μ − 1)/T₀)⌋`` (then checked in
    exact integers), so every step costs the same however many restarts came before.

    Legend: ``a = max_lr``, ``m = min_lr``, ``T₀ = t_0``, ``μ = t_mult`` (an integer >= 1, as in
    torch). Equal to ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=T₀,
    T_mult=μ, eta_min=m)`` on an optimizer whose lr is ``a``. Note this curve's default
    ``t_mult=2`` (torch's is 1).

    Args:
        max_lr: ``a``. min_lr: ``m``.
        t_0: ``T₀ >= 1``, the length of the first cycle.
        t_mult: ``μ >= 1``, the growth of each cycle's length (default 2).

    Example:
        >>> c = CosineAnnealingWarmRestarts(max_lr=1.0, min_lr=0.0, t_0=2, t_mult=2)
        >>> [round(c.get_lr(t), 4) for t in range(8)]
        [1.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 1.0, 0.9619]
    """

    name = "cosine_annealing_warm_restarts"
    param_names = ("max_lr", "min_lr", "t_0", "t_mult")

    def __init__(self, max_lr: float, min_lr: float, t_0: int, t_mult: int = 2) -> None:
        self.max_lr = check_real("max_lr", max_lr)
        self.min_lr = check_real("min_lr", min_lr)
        check_finite("max_lr − min_lr", self.max_lr - self.min_lr, "Use smaller values.")
        self.t_0 = check_step_count("t_0", t_0, minimum=1)
        self.t_mult = check_step_count("t_mult", t_mult, minimum=1)
        if self.t_mult > 1:
            self._log_mult = math.log(self.t_mult)

    def _start(self, cycle: int) -> int:
        """``S_i``, the first step of cycle ``i``, in exact integers."""
        mu = self.t_mult
        if mu == 1:
            return self.t_0 * cycle
        return int(self.t_0 * (mu**cycle - 1) // (mu - 1))

    def cycle(self, step: int) -> tuple[int, int, int]:
        """``(i, t − S_i, T_i)``: the cycle of ``step``, the step within it and its length."""
        mu, t0 = self.t_mult, self.t_0
        if mu == 1:
            i, within = divmod(step, t0)
            return i, within, t0
        i = int(math.log1p(step * (mu - 1) / t0) / self._log_mult)
        # The float estimate can be one off at a cycle boundary; settle it in integers.
        if self._start(i) > step:
            i -= 1
        elif self._start(i + 1) <= step:
            i += 1
        return i, step - self._start(i), int(t0 * mu**i)

    def __call__(self, step: int) -> float:
        _, within, length = self.cycle(step)
        eta_min = self.min_lr
        return eta_min + (self.max_lr - eta_min) * (1 + math.cos(math.pi * within / length)) / 2

    def values(self, steps: StepsLike) -> torch.Tensor:
        t = as_steps(steps)
        mu, t0 = self.t_mult, self.t_0
        if mu == 1:
            within = torch.remainder(t, t0)
            length = torch.full_like(t, float(t0))
        else:
            i = torch.floor(torch.log1p(t * ((mu - 1) / t0)) / self._log_mult)

            def start(cycle: torch.Tensor) -> torch.Tensor:
                return torch.floor(t0 * (torch.pow(float(mu), cycle) - 1) / (mu - 1))

            i = torch.where(start(i) > t, i - 1, i)
            i = torch.where(start(i + 1) <= t, i + 1, i)
            within = t - start(i)
            length = t0 * torch.pow(float(mu), i)
        cos = (within * math.pi / length).cos_().add_(1)
        return cos.mul_(self.max_lr - self.min_lr).div_(2).add_(self.min_lr)


#: The cyclical curves, in the order the documentation lists them.
CYCLICAL_CURVES: tuple[type[AbsoluteCurve], ...] = (
    CyclicLR,
    OneCycleLR,
    OneCycleMomentum,
    CosineAnnealingWarmRestarts,
    ExponentialCyclicLR,
)
