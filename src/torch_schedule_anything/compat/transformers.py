"""Drop-ins for HF transformers' schedulers (``transformers.optimization``), on any key.

Change the import and nothing else: every ``get_*_schedule*`` function and ``get_scheduler``
of transformers 5.x is here with the same name, arguments, defaults and timing, plus one
keyword-only argument, ``schedule_target`` (default ``"lr"``), the param-group key to drive::

    from torch_schedule_anything.compat.transformers import get_scheduler
    s = get_scheduler("cosine", opt, num_warmup_steps=100, num_training_steps=1000,
                      schedule_target="weight_decay")

The lambda-based schedules return a :class:`~torch_schedule_anything.CurveSchedule` whose
curve is HF's multiplier ``λ_HF(t)``: ``value_g(t) = base_g × λ_HF(t)`` in every param group
``g``, ``base_g`` = the group's recorded initial value (``initial_lr`` / ``initial_<key>``), the
same numbers as HF's ``LambdaLR`` (λ(0) written at construction, ``step()`` advances ``t``;
past ``num_training_steps`` the curve does exactly what HF's does, e.g. the default cosine
rises again). ``"reduce_lr_on_plateau"`` returns torch's ``ReduceLROnPlateau`` run on the key by
:func:`~torch_schedule_anything.arbitrary_schedule_factory`. ``"greedy"`` (HF's metric-driven
``GreedyLR``, not a torch scheduler) cannot be expressed and raises ``NotImplementedError``.

The curves are registered as ``"transformers:<name>"`` (``sa.schedule(opt,
"transformers:cosine", "weight_decay", num_warmup_steps=..., num_training_steps=...)``).

Symbols used below: ``t`` the step, ``W = num_warmup_steps``, ``T = num_training_steps``,
``c = num_cycles``, ``p = (t − W) / max(1, T − W)`` the progress of the decay, and the linear
warmup ``w(t) = t / max(1, W)`` for ``t < W``. Transformers itself is never imported here.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from torch.optim import Optimizer
from torch.optim.lr_scheduler import ReduceLROnPlateau

from ..adapter import AdaptedSchedule, arbitrary_schedule_factory
from ..checks import check_choice, check_positive, check_real, check_step_count
from ..curve_schedule import CurveSchedule
from ..curves.base import Curve
from ..errors import external_stacklevel
from ..param_groups import Slot
from .lambda_lr import bind_like_lambda_lr

__all__ = [
    "SCHEDULER_NAMES",
    "TRANSFORMERS_CURVES",
    "Constant",
    "ConstantWithWarmup",
    "CosineWithHardRestarts",
    "CosineWithMinLR",
    "CosineWithMinLRWarmupRate",
    "CosineWithWarmup",
    "InverseSqrt",
    "LinearWithWarmup",
    "PlateauSchedule",
    "PolynomialDecayWithWarmup",
    "WarmupStableDecay",
    "get_constant_schedule",
    "get_constant_schedule_with_warmup",
    "get_cosine_schedule_with_warmup",
    "get_cosine_with_hard_restarts_schedule_with_warmup",
    "get_cosine_with_min_lr_schedule_with_warmup",
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "get_greedy_schedule",
    "get_inverse_sqrt_schedule",
    "get_linear_schedule_with_warmup",
    "get_polynomial_decay_schedule_with_warmup",
    "get_reduce_on_plateau_schedule",
    "get_scheduler",
    "get_wsd_schedule",
    "register_curves",
]

#: The names ``transformers.get_scheduler`` accepts (``SchedulerType``'s values), in its order.
SCHEDULER_NAMES: tuple[str, ...] = (
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "constant",
    "constant_with_warmup",
    "inverse_sqrt",
    "reduce_lr_on_plateau",
    "cosine_with_min_lr",
    "cosine_warmup_with_min_lr",
    "warmup_stable_decay",
    "greedy",
)

_WSD_SHAPES = ("linear", "cosine", "1-sqrt")


def _warm(step: int, warmup: int) -> float:
    """HF's linear warmup ``t / max(1, W)``, with HF's float conversions."""
    return float(step) / float(max(1, warmup))


def _progress(step: int, warmup: int, total: int) -> float:
    """HF's decay progress ``p = (t − W) / max(1, T − W)``."""
    return float(step - warmup) / float(max(1, total - warmup))


class _WarmupDecay(Curve):
    """Common validation of ``num_warmup_steps`` and ``num_training_steps``."""

    param_names: ClassVar[tuple[str, ...]] = ("num_warmup_steps", "num_training_steps")

    def __init__(self, num_warmup_steps: int, num_training_steps: int) -> None:
        self.num_warmup_steps = check_step_count("num_warmup_steps", num_warmup_steps)
        self.num_training_steps = check_step_count("num_training_steps", num_training_steps)


class Constant(Curve):
    """HF's ``"constant"``: ``λ(t) = 1`` (every group keeps its own base value).

    Example:
        >>> Constant()(123)
        1.0
    """

    name = "transformers:constant"

    @property
    def horizon(self) -> int:
        return 0

    def __call__(self, step: int) -> float:
        return 1.0


class ConstantWithWarmup(Curve):
    """HF's ``"constant_with_warmup"``: ``λ(t) = t / max(1, W)`` for ``t < W``, then ``1``.

    Args:
        num_warmup_steps: ``W >= 0``.

    Example:
        >>> c = ConstantWithWarmup(num_warmup_steps=4)
        >>> [c(t) for t in (0, 1, 4, 9)]
        [0.0, 0.25, 1.0, 1.0]
    """

    name = "transformers:constant_with_warmup"
    param_names = ("num_warmup_steps",)

    def __init__(self, num_warmup_steps: int) -> None:
        self.num_warmup_steps = check_step_count("num_warmup_steps", num_warmup_steps)

    @property
    def horizon(self) -> int:
        return self.num_warmup_steps

    def __call__(self, step: int) -> float:
        if step < self.num_warmup_steps:
            return float(step) / float(max(1.0, self.num_warmup_steps))
        return 1.0


class LinearWithWarmup(_WarmupDecay):
    """HF's ``"linear"``: warmup ``w(t)``, then ``λ(t) = max(0, (T − t) / max(1, T − W))``.

    0 from ``max(W, T)`` on (held).

    Args:
        num_warmup_steps: ``W >= 0``.
        num_training_steps: ``T >= 0``.

    Example:
        >>> c = LinearWithWarmup(num_warmup_steps=2, num_training_steps=6)
        >>> [c(t) for t in range(8)]
        [0.0, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """

    name = "transformers:linear"

    @property
    def horizon(self) -> int:
        return max(self.num_warmup_steps, self.num_training_steps)

    def __call__(self, step: int) -> float:
        W, T = self.num_warmup_steps, self.num_training_steps
        if step < W:
            return _warm(step, W)
        return max(0.0, float(T - step) / float(max(1, T - W)))


class CosineWithWarmup(_WarmupDecay):
    """HF's ``"cosine"``: warmup ``w(t)``, then ``λ(t) = max(0, ½(1 + cos(2π·c·p)))``.

    With the default ``c = 0.5`` a half-wave from 1 at ``t = W`` to 0 at ``t = T``; **past T it
    rises again** (``p > 1``), exactly as HF's does: size ``T`` to the whole run.

    Args:
        num_warmup_steps: ``W >= 0``.
        num_training_steps: ``T >= 0``.
        num_cycles: ``c`` (default 0.5), the number of cosine waves between ``W`` and ``T``.

    Example:
        >>> c = CosineWithWarmup(num_warmup_steps=2, num_training_steps=6)
        >>> [round(c(t), 4) for t in range(9)]
        [0.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.1464, 0.5]
    """

    name = "transformers:cosine"
    param_names = ("num_warmup_steps", "num_training_steps", "num_cycles")

    def __init__(
        self, num_warmup_steps: int, num_training_steps: int, num_cycles: float = 0.5
    ) -> None:
        super().__init__(num_warmup_steps, num_training_steps)
        self.num_cycles = check_real("num_cycles", num_cycles)

    def __call__(self, step: int) -> float:
        W = self.num_warmup_steps
        if step < W:
            return _warm(step, W)
        progress = _progress(step, W, self.num_training_steps)
        factor = 0.5 * (1.0 + math.cos(math.pi * self.num_cycles * 2.0 * progress))
        return max(0.0, factor)


class CosineWithHardRestarts(_WarmupDecay):
    """HF's ``"cosine_with_restarts"``: warmup ``w(t)``, then ``c`` half-waves from 1 to 0.

    ``λ(t) = max(0, ½(1 + cos(π·((c·p) mod 1))))`` for ``p < 1``; ``λ(t) = 0`` for ``p >= 1``
    (held).

    Args:
        num_warmup_steps: ``W >= 0``.
        num_training_steps: ``T >= 0``.
        num_cycles: ``c`` (default 1), the number of hard restarts.

    Example:
        >>> c = CosineWithHardRestarts(num_warmup_steps=0, num_training_steps=4, num_cycles=2)
        >>> [round(c(t), 4) for t in range(6)]
        [1.0, 0.5, 1.0, 0.5, 0.0, 0.0]
    """

    name = "transformers:cosine_with_restarts"
    param_names = ("num_warmup_steps", "num_training_steps", "num_cycles")

    def __init__(
        self, num_warmup_steps: int, num_training_steps: int, num_cycles: float = 1
    ) -> None:
        super().__init__(num_warmup_steps, num_training_steps)
        self.num_cycles = check_real("num_cycles", num_cycles)

    @property
    def horizon(self) -> int:
        W = self.num_warmup_steps
        return W + max(1, self.num_training_steps - W)  # where p reaches 1

    def __call__(self, step: int) -> float:
        W = self.num_warmup_steps
        if step < W:
            return _warm(step, W)
        progress = _progress(step, W, self.num_training_steps)
        if progress >= 1.0:
            return 0.0
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((self.num_cycles * progress) % 1.0))))


class PolynomialDecayWithWarmup(_WarmupDecay):
    """HF's ``"polynomial"``: warmup ``w(t)``, then a polynomial decay from 1 to ``e / i``.

    ``λ(t) = ((i − e)·(1 − (t − W)/(T − W))^k + e) / i`` for ``W <= t <= T``;
    ``λ(t) = e / i`` for ``t > T`` (held). ``i = lr_init``: HF divides by the optimizer's
    **default** value (``optimizer.defaults["lr"]``), not by each group's, so groups whose
    value differs from the default do not end at ``lr_end``; the drop-in reads the default of
    the scheduled key.

    Args:
        num_warmup_steps: ``W >= 0``.
        num_training_steps: ``T >= 0``, ``T != W`` (HF divides by ``T − W`` at ``t = T``).
        lr_end: ``e`` (default ``1e-7``), ``e < i``.
        power: ``k >= 0`` (default 1.0).
        lr_init: ``i > 0``.

    Example:
        >>> c = PolynomialDecayWithWarmup(0, 4, lr_end=0.0, power=2.0, lr_init=1.0)
        >>> [c(t) for t in range(6)]
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    name = "transformers:polynomial"
    param_names = ("num_warmup_steps", "num_training_steps", "lr_end", "power", "lr_init")

    def __init__(
        self,
        num_warmup_steps: int,
        num_training_steps: int,
        lr_end: float = 1e-7,
        power: float = 1.0,
        *,
        lr_init: float,
    ) -> None:
        super().__init__(num_warmup_steps, num_training_steps)
        self.lr_end = check_real("lr_end", lr_end)
        self.power = check_positive("power", power, allow_zero=True)
        self.lr_init = check_real("lr_init", lr_init)
        if not self.lr_init > self.lr_end:
            raise ValueError(
                f"lr_end ({self.lr_end}) must be smaller than initial lr ({self.lr_init}) "
                f"(the initial value is optimizer.defaults of the scheduled key)"
            )
        if self.lr_init <= 0:
            raise ValueError(
                f"lr_init must be > 0, got {self.lr_init}: λ divides by it (HF's lr_init is "
                f"optimizer.defaults['lr']; here the default of the scheduled key)"
            )
        if self.num_training_steps == self.num_warmup_steps:
            raise ValueError(
                f"num_training_steps ({self.num_training_steps}) must differ from "
                f"num_warmup_steps: HF's polynomial decay divides by their difference at step "
                f"{self.num_training_steps} (ZeroDivisionError). Make the decay at least 1 step"
            )

    @property
    def horizon(self) -> int:
        return max(self.num_warmup_steps, self.num_training_steps + 1)

    def __call__(self, step: int) -> float:
        W, T = self.num_warmup_steps, self.num_training_steps
        if step < W:
            return _warm(step, W)
        if step > T:
            return self.lr_end / self.lr_init
        lr_range = self.lr_init - self.lr_end
        pct_remaining = 1 - (step - W) / (T - W)
        decay: float = lr_range * pct_remaining**self.power + self.lr_end
        return decay / self.lr_init


class InverseSqrt(Curve):
    """HF's ``"inverse_sqrt"``: warmup ``w(t)``, then ``λ(t) = 1 / √((t + s − W) / s)``.

    ``s = timescale`` (HF's default: ``W``, or 10 000 when ``W = 0``); 1 at ``t = W``, then
    decaying as ``1/√t`` for ever.

    Args:
        num_warmup_steps: ``W >= 0``.
        timescale: ``s >= 1`` or ``None`` (the default above).

    Example:
        >>> c = InverseSqrt(num_warmup_steps=4)
        >>> [c(t) for t in (0, 2, 4, 16)]
        [0.0, 0.5, 1.0, 0.5]
    """

    name = "transformers:inverse_sqrt"
    param_names = ("num_warmup_steps", "timescale")

    def __init__(self, num_warmup_steps: int, timescale: int | None = None) -> None:
        self.num_warmup_steps = check_step_count("num_warmup_steps", num_warmup_steps)
        if timescale is None:
            timescale = self.num_warmup_steps or 10_000
        self.timescale = check_step_count("timescale", timescale, minimum=1)

    def __call__(self, step: int) -> float:
        W = self.num_warmup_steps
        if step < W:
            return _warm(step, W)
        shift = self.timescale - W
        return 1.0 / math.sqrt((step + shift) / self.timescale)


class CosineWithMinLR(_WarmupDecay):
    """HF's ``"cosine_with_min_lr"``: warmup ``w(t)``, then a cosine from 1 down to ``r``.

    ``λ(t) = max(0, r + (1 − r)·½(1 + cos(2π·c·p)))``; like ``"cosine"``, it rises again past
    ``T`` (``p > 1``). ``r = min_lr_rate``; ``get_cosine_with_min_lr_schedule_with_warmup``
    also takes ``min_lr`` and turns it into ``r = min_lr / optimizer.defaults[key]``.

    Args:
        num_warmup_steps: ``W >= 0``.
        num_training_steps: ``T >= 0``.
        num_cycles: ``c`` (default 0.5).
        min_lr_rate: ``r``, the floor as a fraction of each group's base.

    Example:
        >>> c = CosineWithMinLR(0, 4, min_lr_rate=0.1)
        >>> [round(c(t), 4) for t in range(5)]
        [1.0, 0.8682, 0.55, 0.2318, 0.1]
    """

    name = "transformers:cosine_with_min_lr"
    param_names = ("num_warmup_steps", "num_training_steps", "num_cycles", "min_lr_rate")

    def __init__(
        self,
        num_warmup_steps: int,
        num_training_steps: int,
        num_cycles: float = 0.5,
        *,
        min_lr_rate: float,
    ) -> None:
        super().__init__(num_warmup_steps, num_training_steps)
        self.num_cycles = check_real("num_cycles", num_cycles)
        self.min_lr_rate = check_real("min_lr_rate", min_lr_rate)

    def __call__(self, step: int) -> float:
        W = self.num_warmup_steps
        if step < W:
            return _warm(step, W)
        progress = _progress(step, W, self.num_training_steps)
        factor = 0.5 * (1.0 + math.cos(math.pi * self.num_cycles * 2.0 * progress))
        factor = factor * (1 - self.min_lr_rate) + self.min_lr_rate
        return max(0.0, factor)


class CosineWithMinLRWarmupRate(_WarmupDecay):
    """HF's ``"cosine_warmup_with_min_lr"``: a warmup that starts above 0, one step ahead.

    * ``t < W``: ``λ(t) = (t + 1) / max(1, W)``, or with ``warmup_lr_rate = a``:
      ``λ(t) = a + (1 − a)·t / max(1, W − 1)``;
    * ``t >= W``: ``λ(t) = max(0, r + (1 − r)·½(1 + cos(2π·c·q)))``,
      ``q = (t − W + 1) / max(1, T − W)`` (one step ahead of ``"cosine_with_min_lr"``).

    Args:
        num_warmup_steps: ``W >= 0``.
        num_training_steps: ``T >= 0``.
        num_cycles: ``c`` (default 0.5).
        min_lr_rate: ``r``, the floor as a fraction of each group's base.
        warmup_lr_rate: ``a`` (default ``None``: the first form above).

    Example:
        >>> c = CosineWithMinLRWarmupRate(2, 6, min_lr_rate=0.0)
        >>> [round(c(t), 4) for t in range(7)]
        [0.5, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.1464]
    """

    name = "transformers:cosine_warmup_with_min_lr"
    param_names = (
        "num_warmup_steps",
        "num_training_steps",
        "num_cycles",
        "min_lr_rate",
        "warmup_lr_rate",
    )

    def __init__(
        self,
        num_warmup_steps: int,
        num_training_steps: int,
        num_cycles: float = 0.5,
        *,
        min_lr_rate: float,
        warmup_lr_rate: float | None = None,
    ) -> None:
        super().__init__(num_warmup_steps, num_training_steps)
        self.num_cycles = check_real("num_cycles", num_cycles)
        self.min_lr_rate = check_real("min_lr_rate", min_lr_rate)
        self.warmup_lr_rate = (
            None if warmup_lr_rate is None else check_real("warmup_lr_rate", warmup_lr_rate)
        )

    def __call__(self, step: int) -> float:
        t = float(step)
        W = float(self.num_warmup_steps)
        if t < W:
            a = self.warmup_lr_rate
            if a is None:
                return (t + 1.0) / max(1.0, W)
            return a + (1.0 - a) * t / max(1.0, W - 1)
        progress = (t - W + 1.0) / max(1.0, float(self.num_training_steps) - W)
        factor = 0.5 * (1.0 + math.cos(math.pi * self.num_cycles * 2.0 * progress))
        factor = factor * (1 - self.min_lr_rate) + self.min_lr_rate
        return max(0.0, factor)


class WarmupStableDecay(Curve):
    """HF's ``"warmup_stable_decay"``: warmup, a plateau at 1, a decay, then ``m`` for ever.

    With ``m = min_lr_ratio``, ``S`` the stable steps (``num_stable_steps``, or
    ``T − W − D``), ``D = num_decay_steps`` and ``f`` the shape (``"linear"``: ``x``,
    ``"cosine"``: ``½(1 − cos πx)`` rising / ``½(1 + cos 2π·c·x)`` falling, ``"1-sqrt"``:
    ``1 − √(1 − x)`` rising / ``1 − √x`` falling):

    * ``t < W``: ``λ = max(0, m + (1 − m)·f_warmup(t / max(1, W)))``;
    * ``W <= t < W + S``: ``λ = 1``;
    * ``W + S <= t < W + S + D``: ``λ = max(0, m + (1 − m)·f_decay((t − W − S) / max(1, D)))``;
    * after: ``λ = m`` (held).

    Args:
        num_warmup_steps: ``W >= 0``.
        num_decay_steps: ``D >= 0``.
        num_training_steps: ``T``; gives ``S = T − W − D`` when ``num_stable_steps`` is None.
        num_stable_steps: ``S >= 0``; wins over ``num_training_steps`` (HF warns when both).
        warmup_type, decay_type: ``"linear"``, ``"cosine"`` or ``"1-sqrt"``.
        min_lr_ratio: ``m`` (default 0).
        num_cycles: ``c`` (default 0.5) of the cosine decay.

    Raises:
        ValueError: neither ``num_training_steps`` nor ``num_stable_steps``; an unknown
            shape; ``W + D > T`` (a negative stable phase, which HF runs as a decay that
            starts part-way).

    Example:
        >>> c = WarmupStableDecay(2, 2, num_stable_steps=2, decay_type="linear")
        >>> [c(t) for t in range(8)]
        [0.0, 0.5, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0]
    """

    name = "transformers:warmup_stable_decay"
    param_names = (
        "num_warmup_steps",
        "num_decay_steps",
        "num_training_steps",
        "num_stable_steps",
        "warmup_type",
        "decay_type",
        "min_lr_ratio",
        "num_cycles",
    )

    def __init__(
        self,
        num_warmup_steps: int,
        num_decay_steps: int,
        num_training_steps: int | None = None,
        num_stable_steps: int | None = None,
        warmup_type: str = "linear",
        decay_type: str = "cosine",
        min_lr_ratio: float = 0,
        num_cycles: float = 0.5,
    ) -> None:
        self.num_warmup_steps = check_step_count("num_warmup_steps", num_warmup_steps)
        self.num_decay_steps = check_step_count("num_decay_steps", num_decay_steps)
        if num_training_steps is None and num_stable_steps is None:
            raise ValueError("Either num_training_steps or num_stable_steps must be specified.")
        self.num_training_steps = (
            None
            if num_training_steps is None
            else check_step_count("num_training_steps", num_training_steps)
        )
        self.num_stable_steps = (
            None
            if num_stable_steps is None
            else check_step_count("num_stable_steps", num_stable_steps)
        )
        self.warmup_type = check_choice("warmup_type", warmup_type, _WSD_SHAPES)
        self.decay_type = check_choice("decay_type", decay_type, _WSD_SHAPES)
        self.min_lr_ratio = check_real("min_lr_ratio", min_lr_ratio)
        self.num_cycles = check_real("num_cycles", num_cycles)
        if self.num_stable_steps is not None:
            if self.num_training_steps is not None:
                warnings.warn(
                    "Both num_training_steps and num_stable_steps are specified. "
                    "num_stable_steps will be used.",
                    UserWarning,
                    stacklevel=external_stacklevel(),
                )
            self._stable = self.num_stable_steps
        elif self.num_training_steps is not None:
            self._stable = self.num_training_steps - self.num_warmup_steps - self.num_decay_steps
            if self._stable < 0:
                raise ValueError(
                    f"num_warmup_steps + num_decay_steps ({self.num_warmup_steps} + "
                    f"{self.num_decay_steps}) exceeds num_training_steps "
                    f"({self.num_training_steps}): the stable phase would have "
                    f"{self._stable} steps. Shorten the warmup or the decay, or raise "
                    f"num_training_steps"
                )

    @property
    def horizon(self) -> int:
        return self.num_warmup_steps + self._stable + self.num_decay_steps

    def __call__(self, step: int) -> float:
        W, S, D, m = self.num_warmup_steps, self._stable, self.num_decay_steps, self.min_lr_ratio
        if step < W:
            progress = float(step) / float(max(1, W))
            if self.warmup_type == "linear":
                factor = progress
            elif self.warmup_type == "cosine":
                factor = 0.5 * (1.0 - math.cos(math.pi * progress))
            else:
                factor = 1.0 - math.sqrt(1.0 - progress)
            return max(0.0, factor * (1.0 - m) + m)
        if step < W + S:
            return 1.0
        if step < W + S + D:
            progress = float(step - W - S) / float(max(1, D))
            if self.decay_type == "linear":
                factor = 1.0 - progress
            elif self.decay_type == "cosine":
                factor = 0.5 * (1.0 + math.cos(math.pi * self.num_cycles * 2.0 * progress))
            else:
                factor = 1.0 - math.sqrt(progress)
            return max(0.0, factor * (1.0 - m) + m)
        return m


#: The curves of this module, registered as their ``name`` (``"transformers:<scheduler name>"``).
TRANSFORMERS_CURVES: tuple[type[Curve], ...] = (
    LinearWithWarmup,
    CosineWithWarmup,
    CosineWithHardRestarts,
    PolynomialDecayWithWarmup,
    Constant,
    ConstantWithWarmup,
    InverseSqrt,
    CosineWithMinLR,
    CosineWithMinLRWarmupRate,
    WarmupStableDecay,
)


def register_curves(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register this module's curves as ``"transformers:<name>"``."""
    for curve_class in TRANSFORMERS_CURVES:
        register(curve_class.name, curve_class)


# -- binding: HF's LambdaLR timing on any key ------------------------------------------------
def _check_optimizer(optimizer: Any) -> None:
    if type(optimizer).__name__ == "LayerWiseDummyOptimizer":
        raise NotImplementedError(
            "transformers' LayerWiseDummyOptimizer (optim_target_modules / layer-wise GaLore) "
            "is not supported by the drop-in; use transformers.get_scheduler for it"
        )
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
        )


def _default_of(optimizer: Any, schedule_target: str, what: str) -> float:
    """``optimizer.defaults`` of the key: what HF reads as ``optimizer.defaults["lr"]``."""
    _check_optimizer(optimizer)
    slot = Slot(schedule_target)
    if slot.key not in optimizer.defaults:
        raise ValueError(
            f"{what} divides by the optimizer's default value of the scheduled key (HF reads "
            f"optimizer.defaults['lr']), but optimizer.defaults has no {slot.key!r}; set "
            f"optimizer.defaults[{slot.key!r}] to the value the groups are scaled from"
        )
    return check_real(f"optimizer.defaults[{slot.key!r}]", slot.read(optimizer.defaults))


# -- the get_* functions of transformers.optimization -----------------------------------------
def get_constant_schedule(
    optimizer: Optimizer, last_epoch: int = -1, *, schedule_target: str = "lr"
) -> CurveSchedule:
    """HF's ``get_constant_schedule`` on ``schedule_target``: every group keeps its base.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> get_constant_schedule(opt, schedule_target="momentum").get_last_lr()
        [0.9]
    """
    _check_optimizer(optimizer)
    return bind_like_lambda_lr(optimizer, Constant(), last_epoch, schedule_target)


def get_constant_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    last_epoch: int = -1,
    *,
    schedule_target: str = "lr",
) -> CurveSchedule:
    """HF's ``get_constant_schedule_with_warmup``: :class:`ConstantWithWarmup` on the key."""
    curve = ConstantWithWarmup(num_warmup_steps)
    _check_optimizer(optimizer)
    return bind_like_lambda_lr(optimizer, curve, last_epoch, schedule_target)


def get_linear_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    last_epoch: int = -1,
    *,
    schedule_target: str = "lr",
) -> CurveSchedule:
    """HF's ``get_linear_schedule_with_warmup``: :class:`LinearWithWarmup` on the key.

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], weight_decay=0.1)
        >>> s = get_linear_schedule_with_warmup(opt, 0, 10, schedule_target="weight_decay")
        >>> opt.step(); s.step()
        >>> round(opt.param_groups[0]["weight_decay"], 6), opt.param_groups[0]["lr"]
        (0.09, 0.001)
    """
    curve = LinearWithWarmup(num_warmup_steps, num_training_steps)
    _check_optimizer(optimizer)
    return bind_like_lambda_lr(optimizer, curve, last_epoch, schedule_target)


def get_cosine_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    *,
    schedule_target: str = "lr",
) -> CurveSchedule:
    """HF's ``get_cosine_schedule_with_warmup``: :class:`CosineWithWarmup` on the key."""
    curve = CosineWithWarmup(num_warmup_steps, num_training_steps, num_cycles)
    _check_optimizer(optimizer)
    return bind_like_lambda_lr(optimizer, curve, last_epoch, schedule_target)


def get_cosine_with_hard_restarts_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: int = 1,
    last_epoch: int = -1,
    *,
    schedule_target: str = "lr",
) -> CurveSchedule:
    """HF's ``get_cosine_with_hard_restarts_schedule_with_warmup``:
    :class:`CosineWithHardRestarts` on the key."""
    curve = CosineWithHardRestarts(num_warmup_steps, num_training_steps, num_cycles)
    _check_optimizer(optimizer)
    return bind_like_lambda_lr(optimizer, curve, last_epoch, schedule_target)


def get_polynomial_decay_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    lr_end: float = 1e-7,
    power: float = 1.0,
    last_epoch: int = -1,
    *,
    schedule_target: str = "lr",
) -> CurveSchedule:
    """HF's ``get_polynomial_decay_schedule_with_warmup``: :class:`PolynomialDecayWithWarmup`.

    ``lr_init`` is ``optimizer.defaults[key]`` of the scheduled key (HF: ``defaults["lr"]``);
    ``lr_end`` is in the key's units (an end value of ``weight_decay`` on that key).

    Raises:
        ValueError: ``lr_end >= optimizer.defaults[key]`` (as HF), or the key has no default.
    """
    lr_init = _default_of(optimizer, schedule_target, "the polynomial decay")
    curve = PolynomialDecayWithWarmup(
        num_warmup_steps, num_training_steps, lr_end, power, lr_init=lr_init
    )
    _check_optimizer(optimizer)
    return bind_like_lambda_lr(optimizer, curve, last_epoch, schedule_target)


def get_inverse_sqrt_schedule(
    optimizer: Optimizer,
    num_warmup_steps: int,
    timescale: int | None = None,
    last_epoch: int = -1,
    *,
    schedule_target: str = "lr",
) -> CurveSchedule:
    """HF's ``get_inverse_sqrt_schedule``: :class:`InverseSqrt` on the key."""
    curve = InverseSqrt(num_warmup_steps, timescale)
    _check_optimizer(optimizer)
    return bind_like_lambda_lr(optimizer, curve, last_epoch, schedule_target)


def _min_lr_rate(
    optimizer: Any, schedule_target: str, min_lr: float | None, min_lr_rate: float | None
) -> float:
    """HF's choice between ``min_lr`` (a value of the key) and ``min_lr_rate`` (a fraction)."""
    if min_lr is not None and min_lr_rate is not None:
        raise ValueError("Only one of min_lr or min_lr_rate should be set")
    if min_lr is not None:
        default = _default_of(optimizer, schedule_target, "min_lr")
        if default == 0:
            raise ValueError(
                f"min_lr is divided by optimizer.defaults[{Slot(schedule_target).key!r}], "
                f"which is 0; pass min_lr_rate (a fraction of each group's base) instead"
            )
        return check_real("min_lr", min_lr) / default
    if min_lr_rate is None:
        raise ValueError(
            "One of min_lr or min_lr_rate should be set through the `lr_scheduler_kwargs`"
        )
    return check_real("min_lr_rate", min_lr_rate)


def get_cosine_with_min_lr_schedule_with_warmup(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
    *,
    schedule_target: str = "lr",
) -> CurveSchedule:
    """HF's ``get_cosine_with_min_lr_schedule_with_warmup``: :class:`CosineWithMinLR`.

    Exactly one of ``min_lr`` (a value of the key, divided by ``optimizer.defaults[key]`` as
    HF divides by ``defaults["lr"]``) and ``min_lr_rate`` (a fraction of each group's base).
    """
    rate = _min_lr_rate(optimizer, schedule_target, min_lr, min_lr_rate)
    curve = CosineWithMinLR(num_warmup_steps, num_training_steps, num_cycles, min_lr_rate=rate)
    _check_optimizer(optimizer)
    return bind_like_lambda_lr(optimizer, curve, last_epoch, schedule_target)


def get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
    warmup_lr_rate: float | None = None,
    *,
    schedule_target: str = "lr",
) -> CurveSchedule:
    """HF's ``get_cosine_with_min_lr_schedule_with_warmup_lr_rate``:
    :class:`CosineWithMinLRWarmupRate` (``min_lr`` / ``min_lr_rate`` as in
    :func:`get_cosine_with_min_lr_schedule_with_warmup`)."""
    rate = _min_lr_rate(optimizer, schedule_target, min_lr, min_lr_rate)
    curve = CosineWithMinLRWarmupRate(
        num_warmup_steps,
        num_training_steps,
        num_cycles,
        min_lr_rate=rate,
        warmup_lr_rate=warmup_lr_rate,
    )
    _check_optimizer(optimizer)
    return bind_like_lambda_lr(optimizer, curve, last_epoch, schedule_target)


def get_wsd_schedule(
    optimizer: Optimizer,
    num_warmup_steps: int,
    num_decay_steps: int,
    num_training_steps: int | None = None,
    num_stable_steps: int | None = None,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    min_lr_ratio: float = 0,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    *,
    schedule_target: str = "lr",
) -> CurveSchedule:
    """HF's ``get_wsd_schedule``: :class:`WarmupStableDecay` on the key."""
    _check_optimizer(optimizer)
    curve = WarmupStableDecay(
        num_warmup_steps,
        num_decay_steps,
        num_training_steps,
        num_stable_steps,
        warmup_type,
        decay_type,
        min_lr_ratio,
        num_cycles,
    )
    _check_optimizer(optimizer)
    return bind_like_lambda_lr(optimizer, curve, last_epoch, schedule_target)


class PlateauSchedule(AdaptedSchedule, ReduceLROnPlateau):  # type: ignore[misc,override]
    """torch's ``ReduceLROnPlateau`` driving any key, through the adapter.

    An :class:`~torch_schedule_anything.AdaptedSchedule` that is also an instance of
    ``ReduceLROnPlateau``, so that HF's ``Trainer`` and Lightning recognise it and pass the
    metric to ``step(metrics)``. Every attribute of the wrapped scheduler (``best``,
    ``num_bad_epochs``, ``cooldown_counter``...) is read through the wrapper.
    """


def get_reduce_on_plateau_schedule(
    optimizer: Optimizer, *, schedule_target: str = "lr", **kwargs: Any
) -> PlateauSchedule:
    """HF's ``get_reduce_on_plateau_schedule``: torch's ``ReduceLROnPlateau(**kwargs)`` on the
    key (``min_lr`` and ``eps`` are in the key's units). Step it with ``step(metric)``.

    Example:
        >>> import torch
        >>> opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], weight_decay=0.1)
        >>> s = get_reduce_on_plateau_schedule(opt, patience=0, schedule_target="weight_decay")
        >>> for loss in (1.0, 2.0):
        ...     opt.step(); s.step(loss)
        >>> round(opt.param_groups[0]["weight_decay"], 6)
        0.01
    """
    _check_optimizer(optimizer)
    adapted = arbitrary_schedule_factory(
        optimizer, lambda stand_in: ReduceLROnPlateau(stand_in, **kwargs), None, schedule_target
    )
    return PlateauSchedule(optimizer, adapted.scheduler, adapted.adapter)


def get_greedy_schedule(optimizer: Optimizer, **kwargs: Any) -> Any:
    """HF's ``get_greedy_schedule`` (``GreedyLR``) cannot be expressed: always raises.

    Raises:
        NotImplementedError: always; see the message.
    """
    raise NotImplementedError(
        "'greedy' (transformers' GreedyLR) is not available in "
        "torch_schedule_anything.compat.transformers: it is not a torch LRScheduler and not a "
        "closed-form curve (it raises and lowers the value from the metrics it is given, and "
        "resets itself), so neither a CurveSchedule nor the adapter can run it. Use "
        "transformers.get_scheduler('greedy', ...) on 'lr', or 'reduce_lr_on_plateau' on any key"
    )


def _scheduler_name(name: Any) -> str:
    """``name`` (a str or transformers' ``SchedulerType``) as one of :data:`SCHEDULER_NAMES`."""
    value = getattr(name, "value", name)
    if not isinstance(value, str) or value not in SCHEDULER_NAMES:
        raise ValueError(
            f"{value!r} is not a valid SchedulerType, please select one of {list(SCHEDULER_NAMES)}"
        )
    return value


def get_scheduler(
    name: Any,
    optimizer: Optimizer,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    scheduler_specific_kwargs: Mapping[str, Any] | None = None,
    *,
    schedule_target: str = "lr",
) -> CurveSchedule | PlateauSchedule:
    """HF's ``get_scheduler`` on ``schedule_target``: the schedule named ``name``.

    Arguments are passed on exactly as HF passes them: ``"constant"`` takes none of them,
    ``"constant_with_warmup"`` only ``num_warmup_steps``, ``"reduce_lr_on_plateau"`` only
    ``scheduler_specific_kwargs``, ``"inverse_sqrt"`` no ``num_training_steps``.

    Args:
        name: one of :data:`SCHEDULER_NAMES` (or transformers' ``SchedulerType``).
        optimizer: any torch optimizer.
        num_warmup_steps, num_training_steps: required where HF requires them.
        scheduler_specific_kwargs: the function's other arguments (``num_cycles``,
            ``min_lr_rate``, ``num_decay_steps``, ...); a wrong one is a ``TypeError``.
        schedule_target: the key to drive (``"lr"``, ``"weight_decay"``, ``"betas[0]"``...).

    Raises:
        ValueError: an unknown name, or a missing ``num_warmup_steps`` /
            ``num_training_steps`` (HF's messages).
        NotImplementedError: ``"greedy"`` (see :func:`get_greedy_schedule`).

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
        >>> s = get_scheduler("cosine", opt, num_warmup_steps=0, num_training_steps=4,
        ...                   schedule_target="momentum")
        >>> for _ in range(2):
        ...     opt.step(); s.step()
        >>> round(opt.param_groups[0]["momentum"], 6)
        0.45
    """
    key = _scheduler_name(name)
    _check_optimizer(optimizer)
    target = schedule_target
    if key == "constant":
        return get_constant_schedule(optimizer, schedule_target=target)
    kwargs = dict(scheduler_specific_kwargs or {})
    if key == "reduce_lr_on_plateau":
        return get_reduce_on_plateau_schedule(optimizer, schedule_target=target, **kwargs)
    if key == "greedy":
        return get_greedy_schedule(optimizer, **kwargs)  # type: ignore[no-any-return]
    if num_warmup_steps is None:
        raise ValueError(f"{key} requires `num_warmup_steps`, please provide that argument.")
    if key == "constant_with_warmup":
        return get_constant_schedule_with_warmup(
            optimizer, num_warmup_steps=num_warmup_steps, schedule_target=target
        )
    if key == "inverse_sqrt":
        return get_inverse_sqrt_schedule(
            optimizer, num_warmup_steps=num_warmup_steps, schedule_target=target, **kwargs
        )
    if key == "warmup_stable_decay":
        return get_wsd_schedule(
            optimizer,
            num_warmup_steps=num_warmup_steps,
            num_training_steps=num_training_steps,
            schedule_target=target,
            **kwargs,
        )
    if num_training_steps is None:
        raise ValueError(f"{key} requires `num_training_steps`, please provide that argument.")
    function = _TRAINING_FUNCTIONS[key]
    return function(
        optimizer,
        num_warmup_steps=num_warmup_steps,
        num_training_steps=num_training_steps,
        schedule_target=target,
        **kwargs,
    )


#: The schedules that take both ``num_warmup_steps`` and ``num_training_steps``.
_TRAINING_FUNCTIONS: dict[str, Callable[..., CurveSchedule]] = {
    "linear": get_linear_schedule_with_warmup,
    "cosine": get_cosine_schedule_with_warmup,
    "cosine_with_restarts": get_cosine_with_hard_restarts_schedule_with_warmup,
    "polynomial": get_polynomial_decay_schedule_with_warmup,
    "cosine_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup,
    "cosine_warmup_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
}
